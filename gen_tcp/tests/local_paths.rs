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
