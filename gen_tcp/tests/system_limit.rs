//! `accept` when the process is out of descriptors: `system_limit` at
//! once, no spinning, and the pending connection is still there once
//! descriptors are free again (reference page, `accept/2`).
//!
//! Its own test binary with one test: it lowers the process's descriptor
//! limit, which would disturb tests running beside it.

use gen_tcp::{Active, Error, InetBackend, Opt};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The number the next descriptor would get: with the limit set to it,
/// no descriptor can be made.
fn lowest_free_fd() -> u64 {
    // SAFETY: F_GETFD only asks whether the number is open.
    (0..)
        .find(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1)
        .unwrap() as u64
}

fn set_soft_limit(n: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid rlimit struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        let old = lim.rlim_cur;
        lim.rlim_cur = n;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        old
    }
}

#[test]
fn accept_out_of_descriptors_is_system_limit_at_once() {
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let opts = [Opt::InetBackend(backend), Opt::Active(Active::False)];
        let l = gen_tcp::listen(0, &opts).unwrap();
        let port = gen_tcp::port(&l).unwrap();
        // Warm up whatever the backend starts lazily (threads, pollers).
        let warm = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let s = gen_tcp::accept(&l, Some(Duration::from_secs(5))).unwrap();
        gen_tcp::close(&s).unwrap();
        drop(warm);

        let pending = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let old = set_soft_limit(lowest_free_fd());
        let t = Instant::now();
        let r = gen_tcp::accept(&l, Some(Duration::from_secs(3)));
        let took = t.elapsed();
        set_soft_limit(old);
        assert_eq!(r.err(), Some(Error::SystemLimit), "{backend:?}");
        assert!(took < Duration::from_secs(1), "{backend:?} took {took:?}");

        let s = gen_tcp::accept(&l, Some(Duration::from_secs(5))).unwrap();
        drop(pending);
        assert_eq!(
            gen_tcp::recv(&s, 0, Some(Duration::from_secs(5))),
            Err(Error::Closed),
            "{backend:?}: the pending connection survived"
        );
        gen_tcp::close(&l).unwrap();
    }
}
