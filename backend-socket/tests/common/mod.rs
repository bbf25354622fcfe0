//! Helpers for the backend's own tests: loopback pairs on ephemeral ports.
#![allow(dead_code)]

use gen_tcp_backend_socket as backend;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Active, CreateOpts, InetBackend, Opt, Socket};
use std::time::Duration;

/// A short bound for every wait in these tests.
pub const T: Option<Duration> = Some(Duration::from_secs(3));

/// Creation options on this backend, binary mode, plus `extra`.
pub fn opts(extra: &[Opt]) -> CreateOpts {
    let mut o = vec![Opt::InetBackend(InetBackend::Socket), Opt::Binary];
    o.extend_from_slice(extra);
    CreateOpts::parse(&o).unwrap()
}

/// A passive listen socket on 127.0.0.1.
pub fn listener(extra: &[Opt]) -> Socket {
    let mut o = vec![Opt::Ip([127, 0, 0, 1].into()), Opt::Active(Active::False)];
    o.extend_from_slice(extra);
    backend::listen(0, &opts(&o)).unwrap()
}

/// Connects to `l`.
pub fn connect_to(l: &Socket, extra: &[Opt]) -> Socket {
    let addr = l.port().sockname().unwrap();
    let mut o = vec![Opt::Active(Active::False)];
    o.extend_from_slice(extra);
    backend::connect(&[addr], &opts(&o), T).unwrap()
}

/// A connected pair (client, server), both passive, binary.
pub fn pair(client: &[Opt], server: &[Opt]) -> (Socket, Socket) {
    let l = listener(server);
    let c = connect_to(&l, client);
    let s = l.port().accept(T).unwrap();
    l.port().close().unwrap();
    (c, s)
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
