//! `{local, Path}` addresses: a path with a NUL byte inside is `einval`,
//! never cut at the NUL (which would reach, or create, another path);
//! abstract addresses (a leading NUL) keep their whole name, NULs and all.

use gen_tcp::{Active, Address, Error, Ifaddr, InetBackend, Opt, SockAddr};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(5));

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gen_tcp_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn with_nul(prefix: &std::path::Path, rest: &str) -> PathBuf {
    let mut bytes = prefix.as_os_str().as_bytes().to_vec();
    bytes.push(0);
    bytes.extend_from_slice(rest.as_bytes());
    PathBuf::from(OsStr::from_bytes(&bytes))
}

#[test]
fn a_path_with_a_nul_inside_is_einval_not_another_path() {
    let dir = temp_dir("nul");
    let real = dir.join("sock");
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let _ = std::fs::remove_file(&real);
        let l = gen_tcp::listen(
            0,
            &[
                Opt::InetBackend(backend),
                Opt::Ifaddr(Ifaddr::Local(real.clone())),
                Opt::Active(Active::False),
            ],
        )
        .unwrap();
        // "<dir>/sock\0xyz" would be read by the kernel as "<dir>/sock".
        let cut = with_nul(&real, "xyz");
        let r = gen_tcp::connect(
            Address::Local(cut.clone()),
            0,
            &[Opt::InetBackend(backend), Opt::Local],
            WAIT,
        );
        assert_eq!(r.err(), Some(Error::Einval), "{backend:?}: connect");
        assert_eq!(
            gen_tcp::accept(&l, Some(Duration::ZERO)).err(),
            Some(Error::Timeout)
        );
        // Nor does listen make "<dir>/x" for "<dir>/x\0y".
        let r = gen_tcp::listen(
            0,
            &[
                Opt::InetBackend(backend),
                Opt::Ifaddr(Ifaddr::Local(with_nul(&dir.join("x"), "y"))),
            ],
        );
        assert_eq!(r.err(), Some(Error::Einval), "{backend:?}: listen");
        assert!(
            !dir.join("x").exists(),
            "{backend:?}: listen created the cut path"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_abstract_address_keeps_its_nuls() {
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let name = PathBuf::from(OsStr::from_bytes(
            format!("\0gen_tcp_abstract\0{}_{backend:?}", std::process::id()).as_bytes(),
        ));
        let l = gen_tcp::listen(
            0,
            &[
                Opt::InetBackend(backend),
                Opt::Ifaddr(Ifaddr::Local(name.clone())),
                Opt::Active(Active::False),
            ],
        )
        .unwrap();
        assert_eq!(
            gen_tcp::sockname(&l).unwrap(),
            SockAddr::Local(name.clone()),
            "{backend:?}"
        );
        let c = gen_tcp::connect(
            Address::Local(name.clone()),
            0,
            &[Opt::InetBackend(backend), Opt::Local],
            WAIT,
        )
        .unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        assert_eq!(
            gen_tcp::peername(&c).unwrap(),
            SockAddr::Local(name),
            "{backend:?}"
        );
        gen_tcp::send(&c, "x").unwrap();
        assert_eq!(gen_tcp::recv(&s, 1, WAIT).unwrap().to_vec(), b"x");
    }
}

/// `{ifaddr, {local, <<>>}}`: the kernel binds an abstract name of its
/// choosing (autobind), which `sockname` returns, and a peer reaches the
/// socket by it (OTP 25, both backends: `{ok, {local, <<0, "9a552">>}}`).
#[test]
fn an_empty_local_path_autobinds_an_abstract_name() {
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let l = gen_tcp::listen(
            0,
            &[
                Opt::InetBackend(backend),
                Opt::Ifaddr(Ifaddr::Local(PathBuf::new())),
                Opt::Active(Active::False),
            ],
        )
        .unwrap();
        let SockAddr::Local(name) = gen_tcp::sockname(&l).unwrap() else {
            panic!("{backend:?}: not local");
        };
        let bytes = name.as_os_str().as_bytes();
        // Linux's autobind: a NUL and five hex digits.
        assert_eq!(bytes.len(), 6, "{backend:?}: {bytes:?}");
        assert_eq!(bytes[0], 0, "{backend:?}: {bytes:?}");
        assert!(bytes[1..].iter().all(u8::is_ascii_hexdigit), "{backend:?}");
        let c = gen_tcp::connect(
            Address::Local(name.clone()),
            0,
            &[Opt::InetBackend(backend), Opt::Local],
            WAIT,
        )
        .unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        gen_tcp::send(&c, "x").unwrap();
        assert_eq!(gen_tcp::recv(&s, 0, WAIT).unwrap(), &b"x"[..]);
    }
}

/// `{fd, Fd}` with `{ifaddr, {local, Path}}`: the descriptor is bound to
/// the path, for `listen` and for `connect` (OTP 25, both backends).
#[test]
fn a_descriptor_given_with_a_local_path_is_bound_to_it() {
    use gen_tcp::Fd;
    use std::os::fd::{FromRawFd, OwnedFd};
    /// A new unbound unix stream socket.
    fn unbound() -> OwnedFd {
        // SAFETY: plain arguments; the result is checked.
        let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
        assert!(fd >= 0);
        // SAFETY: socket(2) returned a new descriptor nobody else owns.
        unsafe { OwnedFd::from_raw_fd(fd) }
    }
    let dir = temp_dir("fd_local");
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let at = dir.join(format!("listen_{backend:?}"));
        let l = gen_tcp::listen(
            0,
            &[
                Opt::InetBackend(backend),
                Opt::Fd(Fd::from(unbound())),
                Opt::Ifaddr(Ifaddr::Local(at.clone())),
                Opt::Active(Active::False),
            ],
        )
        .unwrap();
        assert_eq!(gen_tcp::sockname(&l).unwrap(), SockAddr::Local(at.clone()));
        let from = dir.join(format!("connect_{backend:?}"));
        let c = gen_tcp::connect(
            Address::Local(at.clone()),
            0,
            &[
                Opt::InetBackend(backend),
                Opt::Fd(Fd::from(unbound())),
                Opt::Ifaddr(Ifaddr::Local(from.clone())),
            ],
            WAIT,
        )
        .unwrap();
        assert_eq!(
            gen_tcp::sockname(&c).unwrap(),
            SockAddr::Local(from.clone())
        );
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        assert_eq!(gen_tcp::peername(&s).unwrap(), SockAddr::Local(from));
    }
}
