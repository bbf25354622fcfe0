//! Out of descriptors, in a fresh child process per case and backend: at
//! the first use of a backend (what it starts lazily, its reactor thread
//! and the placeholder behind the first `close`, exists only once) and at
//! close. Every call answers `system_limit` or succeeds, never panics or
//! spins; when descriptors are free again everything works, and no socket
//! is left open.

use crate::figures::{open_fds, Figures};
use crate::watchdog::watch;
use crate::{opts, run_child, Scale, BACKENDS, WAIT};
use gen_tcp::{Active, Error, InetBackend, Message, Opt, Socket};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::Duration;

/// The cases, each run in a child of its own per backend.
pub const CASES: [&str; 2] = ["first-use", "close"];

/// The process's descriptor table, filled (below a lowered soft limit,
/// so that filling it is quick).
struct Full {
    held: Vec<File>,
}

impl Full {
    fn fill() -> Full {
        let open = open_fds().iter().map(|(fd, _)| *fd).max().unwrap_or(2) as u64;
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit with a valid rlimit struct.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
            lim.rlim_cur = (open + 64).min(lim.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
        let mut held = Vec::new();
        while let Ok(f) = File::open("/dev/null") {
            held.push(f);
        }
        assert!(!held.is_empty(), "could not fill the descriptor table");
        Full { held }
    }

    fn free(&mut self, n: usize) {
        for _ in 0..n {
            self.held.pop();
        }
    }

    fn refill(&mut self) {
        while let Ok(f) = File::open("/dev/null") {
            self.held.push(f);
        }
    }
}

/// Sockets (`socket:[N]`) open in the process.
fn sockets_open() -> usize {
    open_fds()
        .iter()
        .filter(|(_, t)| t.starts_with("socket:"))
        .count()
}

/// The closing messages the owner gets for `s`.
fn closing(s: &Socket) -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(m) = gen_tcp::receive_from(s, Some(WAIT)) {
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

/// A std peer that reads everything until end of stream, counting.
fn reader(mut p: TcpStream) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        let mut n = 0;
        loop {
            match p.read(&mut buf) {
                Ok(0) | Err(_) => return n,
                Ok(k) => n += k,
            }
        }
    })
}

/// Every call at first use of backend `b`, out of descriptors.
fn first_use(b: InetBackend) {
    let before = Figures::now();
    println!("first-use {}: before: {before}", b.name());
    let peer_l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let peer_port = peer_l.local_addr().unwrap().port();
    // Made before the table is full: a listen socket with a connection
    // pending, and a passive connection whose peer reads everything.
    let l = gen_tcp::listen(0, &opts(b, &[Opt::Ip(Ipv4Addr::LOCALHOST.into())])).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    let pending = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    let big = gen_tcp::connect(Ipv4Addr::LOCALHOST, peer_port, &opts(b, &[]), Some(WAIT)).unwrap();
    let (p, _) = peer_l.accept().unwrap();
    let drained = reader(p);

    let mut full = Full::fill();
    let lo = opts(b, &[Opt::Ip(Ipv4Addr::LOCALHOST.into())]);
    assert_eq!(
        gen_tcp::listen(0, &lo).err(),
        Some(Error::SystemLimit),
        "listen"
    );
    assert_eq!(
        gen_tcp::connect(Ipv4Addr::LOCALHOST, peer_port, &opts(b, &[]), Some(WAIT)).err(),
        Some(Error::SystemLimit),
        "connect"
    );
    // A timeout far away: system_limit comes at once, not at the timeout.
    assert_eq!(
        gen_tcp::accept(&l, Some(Duration::from_secs(3600))).err(),
        Some(Error::SystemLimit),
        "accept"
    );
    // One descriptor: a passive connection needs no more.
    full.free(1);
    let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(b, &[]), Some(WAIT)).unwrap();
    full.refill();
    // Turning active needs the reactor, which cannot start: the socket
    // fails as for a read error.
    assert_eq!(gen_tcp::setopts(&c, &[Opt::Active(Active::True)]), Ok(()));
    assert_eq!(closing(&c), ["tcp_error system_limit", "tcp_closed"]);
    // A send the kernel cannot take whole: `inet` must queue the rest for
    // its driver, which cannot start: `system_limit`, the connection is
    // over. `socket` blocks in the caller until the peer has it all.
    let data = vec![7u8; 16 << 20];
    let sent = gen_tcp::send(&big, &data[..]);
    match b {
        InetBackend::Inet => assert_eq!(sent, Err(Error::SystemLimit), "inet send"),
        InetBackend::Socket => assert_eq!(sent, Ok(()), "socket send"),
    }
    // getopts, setopts, getstat, peername: nothing they need is missing.
    let _ = gen_tcp::getopts(&big, &[gen_tcp::OptName::Packet, gen_tcp::OptName::Recbuf]);
    let _ = gen_tcp::getstat(&big, &[]);
    // The first closes of the process, with no descriptor for the
    // placeholder: `ok`, and the peers see the end.
    for s in [&c, &big, &l] {
        assert_eq!(gen_tcp::close(s), Ok(()), "close");
    }
    let mut pending = pending;
    pending.set_read_timeout(Some(WAIT)).unwrap();
    assert!(
        matches!(pending.read(&mut [0u8; 8]), Ok(0) | Err(_)),
        "the pending connection ended with its listen socket"
    );
    let got = drained.join().unwrap();
    if b == InetBackend::Socket {
        assert_eq!(got, data.len(), "the peer got every byte");
    }
    drop(full);
    drop((c, big, l, pending));
    recovered(b);
    assert_eq!(sockets_open(), 1, "only the std listener is left");
    drop(peer_l);
    println!("first-use {}: after:  {}", b.name(), Figures::now());
}

/// With descriptors free again the backend works, active and passive.
fn recovered(b: InetBackend) {
    let (c, s) = crate::pair((b, &[Opt::Active(Active::True)]), (b, &[]));
    gen_tcp::send(&s, "back").unwrap();
    match gen_tcp::receive_from(&c, Some(WAIT)) {
        Some(Message::Tcp(_, d)) => assert_eq!(d, b"back"),
        other => panic!("after recovery: {other:?}"),
    }
    gen_tcp::close(&c).unwrap();
    gen_tcp::close(&s).unwrap();
    while gen_tcp::receive(Some(Duration::ZERO)).is_some() {}
}

/// Closing out of descriptors: an `inet` socket draining its queue, a
/// listen socket with a thread blocked in `accept`, an active socket.
fn close(b: InetBackend) {
    println!("close {}: before: {}", b.name(), Figures::now());
    let peer_l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let peer_port = peer_l.local_addr().unwrap().port();
    let queued =
        gen_tcp::connect(Ipv4Addr::LOCALHOST, peer_port, &opts(b, &[]), Some(WAIT)).unwrap();
    let (p, _) = peer_l.accept().unwrap();
    let active = gen_tcp::connect(
        Ipv4Addr::LOCALHOST,
        peer_port,
        &opts(b, &[Opt::Active(Active::True)]),
        Some(WAIT),
    )
    .unwrap();
    let (p2, _) = peer_l.accept().unwrap();
    let l = gen_tcp::listen(0, &opts(b, &[Opt::Ip(Ipv4Addr::LOCALHOST.into())])).unwrap();
    // `inet`: 4 MiB the peer does not read yet, mostly queued.
    let data = vec![9u8; 4 << 20];
    if b == InetBackend::Inet {
        gen_tcp::send(&queued, &data[..]).unwrap();
    }
    // An acceptor waiting for a connection when the table fills (accept4
    // needs a free descriptor before it looks for a connection: one that
    // started later would answer system_limit, rightly).
    let (tx, rx) = std::sync::mpsc::channel();
    let acceptor = {
        let l = l.clone();
        std::thread::spawn(move || {
            tx.send(crate::figures::gettid()).unwrap();
            gen_tcp::accept(&l, None)
        })
    };
    let tid = rx.recv().unwrap();
    #[allow(unused_mut)]
    let mut polls = vec![libc::SYS_ppoll];
    #[cfg(target_arch = "x86_64")]
    polls.push(libc::SYS_poll);
    while !crate::figures::waiting_in(tid).is_some_and(|n| polls.contains(&n)) {
        std::thread::yield_now();
    }
    let full = Full::fill();
    // The listen socket's close wakes the acceptor.
    assert_eq!(gen_tcp::close(&l), Ok(()));
    assert_eq!(acceptor.join().unwrap().err(), Some(Error::Closed));
    assert_eq!(gen_tcp::close(&active), Ok(()));
    // The queue is written before the end of stream, even so.
    // (The peer starts reading now: the close waits for the queue.)
    let r = reader(p);
    assert_eq!(gen_tcp::close(&queued), Ok(()));
    let drained = r.join().unwrap();
    let want = if b == InetBackend::Inet {
        data.len()
    } else {
        0
    };
    assert_eq!(drained, want, "the peer got the queue, then end of stream");
    let mut p2 = p2;
    p2.set_read_timeout(Some(WAIT)).unwrap();
    assert!(matches!(p2.read(&mut [0u8; 8]), Ok(0) | Err(_)));
    drop(full);
    drop((queued, active, l));
    while gen_tcp::receive(Some(Duration::ZERO)).is_some() {}
    recovered(b);
    assert_eq!(sockets_open(), 2, "the std listener and one peer are left");
    drop((p2, peer_l));
    assert_eq!(sockets_open(), 0, "no socket left open");
    println!("close {}: after:  {}", b.name(), Figures::now());
}

/// Runs `case` on backend `name` (in a child process).
pub fn child(case: &str, backend: &str) {
    let b = match backend {
        "inet" => InetBackend::Inet,
        "socket" => InetBackend::Socket,
        other => panic!("no backend {other}"),
    };
    let _dog = watch(
        format!("exhaust {case} {backend}"),
        Duration::from_secs(120),
    );
    match case {
        "first-use" => first_use(b),
        "close" => close(b),
        other => panic!("no exhaust case {other}"),
    }
    // Stdout is a pipe: make sure the parent sees every line.
    let _ = std::io::stdout().flush();
}

/// Runs every case on both backends, each in a fresh child process.
pub fn part(_scale: Scale) {
    let mut failed = Vec::new();
    for case in CASES {
        for b in BACKENDS {
            let ok = run_child(&["exhaust", case, b.name()]);
            println!("  {case} {}: {}", b.name(), if ok { "ok" } else { "FAIL" });
            if !ok {
                failed.push(format!("{case} {}", b.name()));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "descriptor exhaustion failed: {failed:?}"
    );
}
