//! Loopback pairs for the scenarios: our socket on one end, a plain std
//! `TcpStream` on the other, so each test sees exactly what the peer got.
#![allow(dead_code)]

use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Active, CreateOpts, Opt, SockAddr, Socket};
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Bounds every wait of a test.
pub const WAIT: Duration = Duration::from_secs(5);

/// A connection made by our `connect` with `opts`, and the peer's end.
pub fn connected(opts: &[Opt]) -> (Socket, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = SockAddr::Inet(l.local_addr().unwrap());
    let c = gen_tcp_backend_inet::connect(&[addr], &CreateOpts::parse(opts).unwrap(), Some(WAIT))
        .unwrap();
    let (peer, _) = l.accept().unwrap();
    peer.set_read_timeout(Some(WAIT)).unwrap();
    (c, peer)
}

/// A passive binary connection.
pub fn passive(extra: &[Opt]) -> (Socket, TcpStream) {
    let mut opts = vec![Opt::Binary, Opt::Active(Active::False)];
    opts.extend_from_slice(extra);
    connected(&opts)
}

/// `n` bytes of a pattern that shows order and loss.
pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// Everything the peer reads until end of stream (or an error).
pub fn read_to_end(peer: &mut TcpStream) -> (Vec<u8>, std::io::Result<()>) {
    let mut got = Vec::new();
    let r = peer.read_to_end(&mut got).map(|_| ());
    (got, r)
}

/// Waits until `f` holds, polling a shared state the test cannot block on.
pub fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + WAIT;
    while !f() {
        assert!(Instant::now() < end, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The output queue's size.
pub fn send_pend(s: &Socket) -> u64 {
    s.port().getstat(&[gen_tcp_core::Stat::SendPend]).unwrap()[0].1
}

/// Makes the peer's close send a reset.
pub fn reset_on_close(peer: &TcpStream) {
    socket2::SockRef::from(peer)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
}

/// The system calls a thread waits in: receiving, polling, a condvar.
pub fn waits() -> Vec<i64> {
    let mut v = vec![libc::SYS_recvfrom, libc::SYS_ppoll, libc::SYS_futex];
    #[cfg(target_arch = "x86_64")]
    v.push(libc::SYS_poll);
    v
}

/// Runs `f` in a thread, and returns once that thread is blocked in the
/// kernel in one of `syscalls` (read from `/proc/self/task/TID/syscall`:
/// a state reached, not a time waited), or has finished.
pub fn spawn_blocked<T: Send + 'static>(
    syscalls: &[i64],
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        // SAFETY: gettid has no preconditions.
        tx.send(unsafe { libc::gettid() }).unwrap();
        f()
    });
    let tid = rx.recv().unwrap();
    let path = format!("/proc/self/task/{tid}/syscall");
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = std::fs::read_to_string(&path).ok().and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<i64>().ok())
        });
        if h.is_finished() || now.is_some_and(|n| syscalls.contains(&n)) {
            return h;
        }
        assert!(std::time::Instant::now() < end, "the thread never blocked");
        std::thread::yield_now();
    }
}
