//! Out of descriptors: every resource failure is `system_limit` to the
//! caller (or the socket fails with it, as for a read error), never a
//! panic, and never a retry loop that spins (reference page, `accept/2`).
//!
//! Each case runs in a fresh child process (this test binary, re-executed
//! with [`CHILD`] naming the case): the process's descriptor limit is
//! lowered and its table filled, and what is checked is the *first* use
//! of what a backend starts lazily (its reactor thread, the placeholder
//! behind the first `close`), which only a fresh process has.

use gen_tcp::{Active, Error, InetBackend, Message, Opt, Socket};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::process::Command;
use std::time::Duration;

/// Names the case a child process runs.
const CHILD: &str = "GEN_TCP_SYSTEM_LIMIT_CASE";
const WAIT: Option<Duration> = Some(Duration::from_secs(10));

/// Runs `body` in a fresh child process running only `name` (this
/// test), and asserts that the child passed.
fn in_child(name: &str, body: impl FnOnce()) {
    match std::env::var(CHILD) {
        Ok(case) if case == name => body(),
        Ok(_) => {}
        Err(_) => {
            let out = Command::new(std::env::current_exe().unwrap())
                .args([name, "--exact", "--test-threads=1", "--nocapture"])
                .env(CHILD, name)
                .output()
                .unwrap();
            assert!(
                out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
                "child {name} failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The process's descriptor table, filled up (below a lowered limit).
struct Full {
    held: Vec<File>,
}

impl Full {
    /// Lowers the soft limit to a little above what is open, then opens
    /// `/dev/null` until no descriptor is left.
    fn fill() -> Full {
        // SAFETY: F_GETFD only asks whether a number is open.
        let open = (0..4096)
            .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
            .max()
            .unwrap_or(2) as u64;
        let lim = libc::rlimit {
            rlim_cur: open + 64,
            rlim_max: libc::RLIM_INFINITY,
        };
        let mut old = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit with valid rlimit structs.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut old), 0);
            let lim = libc::rlimit {
                rlim_max: old.rlim_max,
                ..lim
            };
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
        let mut held = Vec::new();
        while let Ok(f) = File::open("/dev/null") {
            held.push(f);
        }
        assert!(!held.is_empty());
        Full { held }
    }

    /// Frees `n` descriptors.
    fn free(&mut self, n: usize) {
        for _ in 0..n {
            self.held.pop();
        }
    }

    /// Takes every free descriptor again.
    fn refill(&mut self) {
        while let Ok(f) = File::open("/dev/null") {
            self.held.push(f);
        }
    }
}

fn passive(b: InetBackend) -> Vec<Opt> {
    vec![
        Opt::InetBackend(b),
        Opt::Binary,
        Opt::Active(Active::False),
        Opt::Ip(Ipv4Addr::LOCALHOST.into()),
    ]
}

/// The closing messages an active socket's owner gets for `s`.
fn closing_messages(s: &Socket) -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(m) = gen_tcp::receive_from(s, WAIT) {
        match m {
            Message::TcpError(_, e) => seen.push(format!("tcp_error {e}")),
            Message::TcpClosed(_) => {
                seen.push("tcp_closed".into());
                break;
            }
            other => seen.push(format!("{other:?}")),
        }
    }
    seen
}

/// `accept` with no descriptor left is `system_limit` at once (not its
/// timeout), and the pending connection is still there afterwards. The
/// socket it then gets is passive: it needs no reactor, so the first
/// socket of the backend is made even with no descriptor to spare. Made
/// active then, it fails as for a read error: `{tcp_error, S,
/// system_limit}`, `{tcp_closed, S}`. Its `close`, the process's first,
/// needs no descriptor either, and the peer sees the end of the stream.
/// With descriptors free again, the backend starts its reactor.
fn first_use(b: InetBackend) {
    let l = gen_tcp::listen(0, &passive(b)).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    let mut peer = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    let mut full = Full::fill();

    assert_eq!(
        gen_tcp::accept(&l, Some(Duration::from_secs(30))).err(),
        Some(Error::SystemLimit)
    );
    assert_eq!(
        gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &passive(b), WAIT).err(),
        Some(Error::SystemLimit)
    );
    full.free(1);
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    full.refill();
    assert_eq!(gen_tcp::setopts(&s, &[Opt::Active(Active::True)]), Ok(()));
    assert_eq!(
        closing_messages(&s),
        ["tcp_error system_limit", "tcp_closed"]
    );
    assert_eq!(gen_tcp::close(&s), Ok(()));
    peer.set_read_timeout(WAIT).unwrap();
    assert_eq!(peer.read(&mut [0u8; 8]).unwrap(), 0);

    drop(full);
    let mut opts = passive(b);
    opts[2] = Opt::Active(Active::True);
    let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, WAIT).unwrap();
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    gen_tcp::send(&s, "back").unwrap();
    match gen_tcp::receive_from(&c, WAIT) {
        Some(Message::Tcp(_, d)) => assert_eq!(d, b"back"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn first_use_out_of_descriptors_inet() {
    in_child("first_use_out_of_descriptors_inet", || {
        first_use(InetBackend::Inet)
    });
}

#[test]
fn first_use_out_of_descriptors_socket() {
    in_child("first_use_out_of_descriptors_socket", || {
        first_use(InetBackend::Socket)
    });
}

/// A socket made active at `accept` (inherited from the listen socket)
/// when no reactor can be started: `accept` answers `system_limit` and
/// the connection is closed, the peer sees its end.
fn active_at_accept(b: InetBackend) {
    let mut opts = passive(b);
    opts[2] = Opt::Active(Active::True);
    let l = gen_tcp::listen(0, &opts).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    let mut peer = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    let mut full = Full::fill();
    full.free(1);
    assert_eq!(gen_tcp::accept(&l, WAIT).err(), Some(Error::SystemLimit));
    peer.set_read_timeout(WAIT).unwrap();
    let ended = matches!(peer.read(&mut [0u8; 8]), Ok(0) | Err(_));
    assert!(ended, "the peer sees the end of the connection");
    drop(full);
    let mut peer = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    peer.write_all(b"hi").unwrap();
    match gen_tcp::receive_from(&s, WAIT) {
        Some(Message::Tcp(_, d)) => assert_eq!(d, b"hi"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn active_at_accept_out_of_descriptors_inet() {
    in_child("active_at_accept_out_of_descriptors_inet", || {
        active_at_accept(InetBackend::Inet)
    });
}

#[test]
fn active_at_accept_out_of_descriptors_socket() {
    in_child("active_at_accept_out_of_descriptors_socket", || {
        active_at_accept(InetBackend::Socket)
    });
}

/// The very first `close` of a process, with no descriptor left: no
/// panic, `ok`, and the peer sees the end of the stream at once.
fn first_close(b: InetBackend) {
    let l = gen_tcp::listen(0, &passive(b)).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    let mut peer = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    let full = Full::fill();
    assert_eq!(gen_tcp::close(&s), Ok(()));
    assert_eq!(gen_tcp::close(&l), Ok(()));
    peer.set_read_timeout(WAIT).unwrap();
    assert_eq!(peer.read(&mut [0u8; 8]).unwrap(), 0);
    assert_eq!(gen_tcp::send(&s, "x"), Err(Error::Closed));
    drop(full);
}

#[test]
fn first_close_out_of_descriptors_inet() {
    in_child("first_close_out_of_descriptors_inet", || {
        first_close(InetBackend::Inet)
    });
}

#[test]
fn first_close_out_of_descriptors_socket() {
    in_child("first_close_out_of_descriptors_socket", || {
        first_close(InetBackend::Socket)
    });
}
