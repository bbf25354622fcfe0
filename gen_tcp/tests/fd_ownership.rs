//! `{fd, Fd}` takes ownership of the descriptor, so safe code cannot make
//! two owners of one descriptor.
//!
//! Before [`Fd`], `{fd, Fd}` took a bare `RawFd`: a std listener passed by
//! number, closed by gen_tcp and then dropped by its std owner, was closed
//! twice, and the process aborted ("fatal runtime error: IO Safety
//! violation: owned file descriptor already closed", SIGABRT) on both
//! backends. The same sequence here (gen_tcp closes, then the last other
//! holder goes) now ends with exactly one close.

use gen_tcp::{Active, Error, Fd, InetBackend, Opt};
use std::io::{Read, Write};
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(5));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

#[test]
fn an_adopted_listener_is_closed_once_by_gen_tcp() {
    for b in BACKENDS {
        let std_l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = std_l.local_addr().unwrap().port();
        let fd = Fd::from(std_l);
        let opts = [
            Opt::InetBackend(b),
            Opt::Fd(fd.clone()),
            Opt::Binary,
            Opt::Active(Active::False),
        ];
        let l = gen_tcp::listen(0, &opts).unwrap();
        assert!(!fd.is_available(), "{b:?}: listen took the descriptor");
        assert_eq!(gen_tcp::port(&l), Ok(port), "{b:?}");

        // A clone of the option is the same descriptor: a second use is
        // `ebadf`, as OTP answers for a descriptor that is not open.
        assert_eq!(
            gen_tcp::listen(0, &opts).map(|_| ()),
            Err(Error::Posix(libc::EBADF)),
            "{b:?}"
        );

        let mut peer = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        peer.write_all(b"ok").unwrap();
        assert_eq!(gen_tcp::recv(&s, 2, WAIT).unwrap(), b"ok"[..], "{b:?}");

        gen_tcp::close(&l).unwrap();
        drop(l);
        // The other holder goes last, as the std listener did when it
        // aborted the process: it holds nothing to close.
        drop(opts);
        drop(fd);
    }
}

#[test]
fn an_adopted_connected_stream_keeps_its_peer() {
    for b in BACKENDS {
        let std_l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let std_c = std::net::TcpStream::connect(std_l.local_addr().unwrap()).unwrap();
        let (mut peer, _) = std_l.accept().unwrap();
        let opts = [
            Opt::InetBackend(b),
            Opt::Fd(Fd::from(std_c)),
            Opt::Binary,
            Opt::Active(Active::False),
        ];
        let c = gen_tcp::connect("127.0.0.1", 1, &opts, WAIT).unwrap();
        gen_tcp::send(&c, "adopted").unwrap();
        let mut got = [0u8; 7];
        peer.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"adopted", "{b:?}");
        // `connect` with the same (taken) descriptor again.
        assert_eq!(
            gen_tcp::connect("127.0.0.1", 1, &opts, WAIT).map(|_| ()),
            Err(Error::Posix(libc::EBADF)),
            "{b:?}"
        );
        gen_tcp::close(&c).unwrap();
        let mut rest = Vec::new();
        assert_eq!(
            peer.read_to_end(&mut rest).unwrap(),
            0,
            "{b:?}: closed once"
        );
    }
}

/// A descriptor that is not a stream socket is refused (`einval`), and
/// is gone all the same: it was given up when it was handed over.
#[test]
fn a_datagram_socket_is_refused_and_given_up() {
    for b in BACKENDS {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let fd = Fd::from(std::os::fd::OwnedFd::from(udp));
        let opts = [Opt::InetBackend(b), Opt::Fd(fd)];
        let listen = || gen_tcp::listen(0, &opts).map(|_| ());
        assert_eq!(listen(), Err(Error::Einval), "{b:?}");
        assert_eq!(listen(), Err(Error::Posix(libc::EBADF)), "{b:?}");
    }
}

/// A descriptor that is no socket at all is `enotsock`, as OTP 25
/// answers for `{fd, Fd}` on both backends (it was `ebadf` here).
#[test]
fn a_descriptor_that_is_no_socket_is_enotsock() {
    for b in BACKENDS {
        let file = std::fs::File::open("/dev/null").unwrap();
        let opts = [
            Opt::InetBackend(b),
            Opt::Fd(Fd::from(std::os::fd::OwnedFd::from(file))),
        ];
        let listen = gen_tcp::listen(0, &opts).map(|_| ());
        assert_eq!(listen, Err(Error::Posix(libc::ENOTSOCK)), "{b:?}");
    }
}
