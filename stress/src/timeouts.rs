//! Timeouts at the extremes of `Duration`, for every call that takes one
//! (`recv`, `Read` with a timeout, `accept`, `connect`, `{send_timeout, T}`,
//! `receive`, `receive_match`, `receive_from`), on both backends.
//!
//! A tiny timeout (zero, a nanosecond, just under a millisecond) answers
//! `timeout` (or, for `connect`, may connect). A huge one (past what
//! `poll(2)` counts in an `int` of milliseconds, past the clock, up to
//! `Duration::MAX`) must wait: the call is seen blocked in the kernel,
//! and when it waits in `poll` or `ppoll` its own timeout argument is read
//! and must be infinite or at least a day (a huge timeout cut down to a
//! short one is caught there, without waiting for it); then what it waits
//! for comes and it must answer that, never `timeout`.

use crate::figures::{gettid, waiting_in};
use crate::watchdog::watch;
use crate::{opts, with_std_peer, Scale, BACKENDS, WAIT};
use gen_tcp::{Active, Error, InetBackend, Message, Opt, OptName, PacketType};
use gen_tcp_core::port::SocketExt;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::Duration;

/// Timeouts that must answer at once.
pub fn tiny() -> Vec<Duration> {
    vec![
        Duration::ZERO,
        Duration::from_nanos(1),
        Duration::from_nanos(999_999),
        Duration::from_millis(1),
    ]
}

/// Timeouts that must wait for what they wait for.
pub fn huge() -> Vec<Duration> {
    vec![
        // Past poll(2)'s int of milliseconds.
        Duration::from_millis(i32::MAX as u64 + 1),
        Duration::from_millis(u32::MAX as u64 + 1),
        // Past the clock (Instant + it overflows).
        Duration::from_secs(u64::MAX / 2),
        Duration::from_secs(u64::MAX),
        Duration::new(u64::MAX, 999_999_998),
        Duration::MAX,
    ]
}

/// The system calls a call waiting for the network or a message blocks in.
fn blocking_calls() -> Vec<i64> {
    let mut v = vec![
        libc::SYS_ppoll,
        libc::SYS_recvfrom,
        libc::SYS_futex,
        libc::SYS_accept4,
        libc::SYS_sendto,
        libc::SYS_sendmsg,
        libc::SYS_epoll_pwait,
    ];
    #[cfg(target_arch = "x86_64")]
    v.extend([libc::SYS_poll, libc::SYS_epoll_wait, libc::SYS_select]);
    v
}

/// The arguments of the system call thread `tid` waits in.
fn syscall_args(tid: libc::pid_t) -> Vec<u64> {
    std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall"))
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok())
        .collect()
}

/// Reads a `timespec` of this process's memory (the blocked thread's
/// `ppoll` argument) through `/proc/self/mem`, which fails cleanly on a
/// bad address instead of faulting.
fn read_timespec(addr: u64) -> Option<Duration> {
    use std::os::unix::fs::FileExt;
    let mem = std::fs::File::open("/proc/self/mem").ok()?;
    let mut b = [0u8; 16];
    mem.read_exact_at(&mut b, addr).ok()?;
    let sec = i64::from_ne_bytes(b[..8].try_into().ok()?);
    let nsec = i64::from_ne_bytes(b[8..].try_into().ok()?);
    Some(Duration::new(
        sec.max(0) as u64,
        nsec.clamp(0, 999_999_999) as u32,
    ))
}

/// What the wait the thread `tid` is in asks the kernel for, where it
/// can be read: `Some(None)` for no timeout, `Some(Some(d))` for `d`.
fn kernel_timeout(tid: libc::pid_t, call: i64) -> Option<Option<Duration>> {
    let args = syscall_args(tid);
    #[cfg(target_arch = "x86_64")]
    if call == libc::SYS_poll {
        let ms = *args.get(2)? as u32 as i32;
        return Some((ms >= 0).then(|| Duration::from_millis(ms as u64)));
    }
    if call == libc::SYS_ppoll {
        let ts = *args.get(2)?;
        return Some(if ts == 0 { None } else { read_timespec(ts) });
    }
    if call == libc::SYS_recvfrom || call == libc::SYS_accept4 {
        // A blocking call with no timeout of its own.
        return Some(None);
    }
    None
}

/// Calls seen blocked, and those whose kernel timeout was read.
static BLOCKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static READ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Handed to a call run by [`blocked_then`]: the call says when the
/// wait to check begins (what it does before, such as connecting, may
/// wait too, with timeouts of its own).
struct Ready(std::sync::mpsc::Sender<libc::pid_t>);

impl Ready {
    /// The next wait of this thread is the one to check.
    fn now(self) {
        self.0.send(gettid()).unwrap();
    }
}

/// Runs `call` in a thread until it blocks in the kernel (after it says
/// [`Ready::now`]), checks the timeout it waits with (where the kernel
/// shows it), then runs `unblock` and returns what the call answered. A
/// call that answers before it blocks returns that (the caller's
/// assertion judges it).
fn blocked_then<T: Send + 'static>(
    what: &str,
    call: impl FnOnce(Ready) -> T + Send + 'static,
    unblock: impl FnOnce(),
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || call(Ready(tx)));
    let Ok(tid) = rx.recv() else {
        return h.join().unwrap();
    };
    let calls = blocking_calls();
    loop {
        if h.is_finished() {
            return h.join().unwrap();
        }
        if let Some(n) = waiting_in(tid).filter(|n| calls.contains(n)) {
            BLOCKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let seen = kernel_timeout(tid, n);
            if seen.is_some() {
                READ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            if let Some(Some(t)) = seen {
                // Poll's own timeout goes down as time passes: a day is
                // far below anything huge, far above anything real.
                assert!(
                    t >= Duration::from_secs(86_400),
                    "{what}: blocked in syscall {n} with a timeout of {t:?}"
                );
            }
            break;
        }
        std::thread::yield_now();
    }
    unblock();
    h.join().unwrap()
}

fn recv_cases(b: InetBackend, t: Duration, huge: bool) {
    let what = |c: &str| format!("{c} [{b:?}, {t:?}]");
    // recv(S, 0, T) and recv(S, N, T), raw.
    for n in [0usize, 5] {
        let (s, mut peer) = with_std_peer(b, &[]);
        if huge {
            let s2 = s.clone();
            let got = blocked_then(
                &what("recv"),
                move |r: Ready| {
                    r.now();
                    gen_tcp::recv(&s2, n, Some(t)).map(|d| d.to_vec())
                },
                || peer.write_all(b"hello").unwrap(),
            );
            assert_eq!(got, Ok(b"hello".to_vec()), "{}", what("recv"));
        } else {
            assert_eq!(gen_tcp::recv(&s, n, Some(t)).err(), Some(Error::Timeout));
            peer.write_all(b"hello").unwrap();
            let got = gen_tcp::recv(&s, 5, Some(WAIT)).unwrap();
            assert_eq!(got, b"hello", "{}", what("recv after timeout"));
        }
        gen_tcp::close(&s).unwrap();
    }
    // Half a {packet, 4} frame: the half is kept over a timeout.
    let (s, mut peer) = with_std_peer(b, &[Opt::Packet(PacketType::Four)]);
    peer.write_all(&[0, 0, 0, 4, b'a', b'b']).unwrap();
    if huge {
        let s2 = s.clone();
        let got = blocked_then(
            &what("recv of a frame"),
            move |r: Ready| {
                r.now();
                gen_tcp::recv(&s2, 0, Some(t)).map(|d| d.to_vec())
            },
            || peer.write_all(b"cd").unwrap(),
        );
        assert_eq!(got, Ok(b"abcd".to_vec()), "{}", what("recv of a frame"));
    } else {
        assert_eq!(gen_tcp::recv(&s, 0, Some(t)).err(), Some(Error::Timeout));
        peer.write_all(b"cd").unwrap();
        assert_eq!(gen_tcp::recv(&s, 0, Some(WAIT)).unwrap(), b"abcd");
    }
    gen_tcp::close(&s).unwrap();
    // `Read` with a timeout (the backends' read_into).
    let (s, mut peer) = with_std_peer(b, &[]);
    if huge {
        let s2 = s.clone();
        let got = blocked_then(
            &what("read_into"),
            move |r: Ready| {
                r.now();
                let mut buf = [0u8; 8];
                s2.port()
                    .read_into(&mut buf, Some(t))
                    .map(|n| buf[..n].to_vec())
            },
            || peer.write_all(b"xy").unwrap(),
        );
        assert_eq!(got, Ok(b"xy".to_vec()), "{}", what("read_into"));
    } else {
        let r = s.port().read_into(&mut [0u8; 8], Some(t));
        assert_eq!(r, Err(Error::Timeout), "{}", what("read_into"));
    }
    gen_tcp::close(&s).unwrap();
}

fn accept_connect_cases(b: InetBackend, t: Duration, huge: bool) {
    let what = |c: &str| format!("{c} [{b:?}, {t:?}]");
    let l = gen_tcp::listen(0, &opts(b, &[Opt::Ip(Ipv4Addr::LOCALHOST.into())])).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    if huge {
        let l2 = l.clone();
        let mut client = None;
        let got = blocked_then(
            &what("accept"),
            move |r: Ready| {
                r.now();
                gen_tcp::accept(&l2, Some(t))
            },
            || client = Some(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap()),
        );
        // Owned by the thread that accepted it, which has ended: closed.
        let s = got.unwrap_or_else(|e| panic!("{}: {e}", what("accept")));
        assert!(
            s.is_closed(),
            "{}: the acceptor's end closes it",
            what("accept")
        );
        drop(client);
        // connect with the huge timeout connects.
        let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(b, &[]), Some(t))
            .unwrap_or_else(|e| panic!("{}: {e}", what("connect")));
        let s = gen_tcp::accept(&l, Some(WAIT)).unwrap();
        gen_tcp::close(&c).unwrap();
        gen_tcp::close(&s).unwrap();
    } else {
        assert_eq!(gen_tcp::accept(&l, Some(t)).err(), Some(Error::Timeout));
        // A tiny connect timeout may connect (loopback is quick) or not.
        match gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(b, &[]), Some(t)) {
            Ok(c) => {
                let s = gen_tcp::accept(&l, Some(WAIT)).unwrap();
                gen_tcp::close(&c).unwrap();
                gen_tcp::close(&s).unwrap();
            }
            Err(Error::Timeout) => {
                // Whatever the kernel completed meanwhile is dropped.
                while let Ok(s) = gen_tcp::accept(&l, Some(Duration::ZERO)) {
                    gen_tcp::close(&s).unwrap();
                }
            }
            Err(e) => panic!("{}: {e}", what("connect")),
        }
    }
    gen_tcp::close(&l).unwrap();
}

/// `{send_timeout, T}` against a peer that does not read: `socket` sends
/// until the kernel is full; `inet` (with `delay_send` and watermarks of
/// one byte, so that every send meets a busy port) waits for its driver.
fn send_cases(b: InetBackend, t: Duration, huge: bool) {
    let what = format!("send with send_timeout [{b:?}, {t:?}]");
    let extra = [
        Opt::SendTimeout(Some(t)),
        Opt::DelaySend(true),
        Opt::HighWatermark(1),
        Opt::LowWatermark(1),
    ];
    let (s, peer) = with_std_peer(b, &extra);
    match gen_tcp::getopts(&s, &[OptName::SendTimeout]) {
        Ok(v) if matches!(v.as_slice(), [Opt::SendTimeout(Some(_))]) => {}
        other => panic!("{what}: getopts send_timeout: {other:?}"),
    }
    let data = vec![1u8; 8 << 20];
    if huge {
        let s2 = s.clone();
        let d2 = data.clone();
        let mut reader = None;
        let got = blocked_then(
            &what,
            move |r: Ready| {
                r.now();
                gen_tcp::send(&s2, &d2[..])
            },
            || {
                reader = Some(std::thread::spawn(move || {
                    let mut p = peer;
                    let mut n = 0usize;
                    let mut buf = vec![0u8; 1 << 16];
                    while n < 8 << 20 {
                        match p.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(k) => n += k,
                        }
                    }
                    (p, n)
                }))
            },
        );
        assert_eq!(got, Ok(()), "{what}");
        let (_p, n) = reader.unwrap().join().unwrap();
        assert_eq!(n, data.len(), "{what}: the peer got every byte");
    } else {
        let r = gen_tcp::send(&s, &data[..]);
        let ok = match b {
            InetBackend::Inet => r == Err(Error::Timeout) || r.is_ok(),
            InetBackend::Socket => matches!(r, Err(Error::TimeoutRest(_))),
        };
        assert!(ok, "{what}: {r:?}");
        if b == InetBackend::Inet {
            // Every inet send after the first meets the busy port.
            let r = gen_tcp::send(&s, "more");
            assert_eq!(r, Err(Error::Timeout), "{what}: the second send");
        }
        drop(peer);
    }
    // A linger of zero: the close does not wait for a queue nobody reads.
    let _ = gen_tcp::setopts(&s, &[Opt::Linger((true, 0))]);
    gen_tcp::close(&s).unwrap();
}

fn receive_cases(t: Duration, huge: bool) {
    if !huge {
        assert!(gen_tcp::receive(Some(t)).is_none());
        assert!(gen_tcp::receive_match(|_| true, Some(t)).is_none());
        return;
    }
    // The receiving process waits; another sends.
    let what = format!("receive [{t:?}]");
    let (tx, rx) = std::sync::mpsc::channel();
    let ok = blocked_then(
        &what,
        move |r: Ready| {
            tx.send(gen_tcp::self_pid()).unwrap();
            r.now();
            let m = gen_tcp::receive(Some(t));
            let first = matches!(m, Some(Message::User(v)) if v.downcast_ref::<u32>() == Some(&1));
            let m =
                gen_tcp::receive_match(|m| matches!(m, Message::User(v) if v.is::<u8>()), Some(t));
            first && m.is_some()
        },
        || {
            let pid = rx.recv().unwrap();
            pid.send_user(1u32);
            pid.send_user(2u8);
        },
    );
    assert!(ok, "{what}");
}

/// `receive_from` with a huge timeout on an active socket.
fn receive_from_case(b: InetBackend, t: Duration) {
    let what = format!("receive_from [{b:?}, {t:?}]");
    let (tx, rx) = std::sync::mpsc::channel();
    let got = blocked_then(
        &what,
        move |r: Ready| {
            // This thread owns the socket: its messages come here.
            let (s, peer) = with_std_peer(b, &[Opt::Active(Active::Once)]);
            tx.send(peer).unwrap();
            r.now();
            let got = match gen_tcp::receive_from(&s, Some(t)) {
                Some(Message::Tcp(_, d)) => Some(d.to_vec()),
                _ => None,
            };
            gen_tcp::close(&s).unwrap();
            got
        },
        || {
            let mut peer = rx.recv().unwrap();
            peer.write_all(b"m").unwrap();
        },
    );
    assert_eq!(got, Some(b"m".to_vec()), "{what}");
}

/// Runs the part.
pub fn part(_scale: Scale) {
    let _dog = watch("timeouts", Duration::from_secs(300));
    for b in BACKENDS {
        for (values, huge) in [(tiny(), false), (huge(), true)] {
            for t in values {
                recv_cases(b, t, huge);
                accept_connect_cases(b, t, huge);
                send_cases(b, t, huge);
                if huge {
                    receive_from_case(b, t);
                }
            }
        }
        println!(
            "  {}: recv, read, accept, connect, send_timeout: ok",
            b.name()
        );
    }
    for t in tiny() {
        receive_cases(t, false);
    }
    for t in huge() {
        receive_cases(t, true);
    }
    println!("  receive, receive_match: ok");
    let load = |c: &std::sync::atomic::AtomicUsize| c.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "  {} calls with a huge timeout seen blocked in the kernel, {} of them with the \
         kernel's timeout read (infinite or over a day)",
        load(&BLOCKED),
        load(&READ)
    );
}
