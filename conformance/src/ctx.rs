//! What a scenario gets: the backend under test and helpers that open
//! loopback sockets on it, with every wait bounded.

use gen_tcp::{Active, Error, InetBackend, Message, Opt, Socket};
use std::fmt::Debug;
use std::sync::mpsc;
use std::time::Duration;

/// A scenario's verdict: `Err` says what was seen instead of what was expected.
pub type Check = Result<(), String>;

/// The longest any single wait in a scenario may take.
pub const WAIT: Duration = Duration::from_secs(5);

/// The context of one scenario run: which backend.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The backend under test.
    pub backend: InetBackend,
}

impl Ctx {
    /// `{inet_backend, B}` followed by `rest`.
    pub fn opts(&self, rest: &[Opt]) -> Vec<Opt> {
        let mut v = vec![Opt::InetBackend(self.backend)];
        v.extend_from_slice(rest);
        v
    }

    /// The value expected on this backend.
    pub fn per_backend<T>(&self, inet: T, socket: T) -> T {
        match self.backend {
            InetBackend::Inet => inet,
            InetBackend::Socket => socket,
        }
    }

    /// A listen socket on 127.0.0.1, ephemeral port.
    pub fn listen(&self, rest: &[Opt]) -> Result<Socket, String> {
        let mut o = vec![Opt::Ip([127, 0, 0, 1].into())];
        o.extend_from_slice(rest);
        gen_tcp::listen(0, &self.opts(&o)).map_err(|e| format!("listen: {e}"))
    }

    /// A client connected to `listener`.
    pub fn connect_to(&self, listener: &Socket, rest: &[Opt]) -> Result<Socket, String> {
        let port = gen_tcp::port(listener).map_err(|e| format!("port: {e}"))?;
        gen_tcp::connect("127.0.0.1", port, &self.opts(rest), Some(WAIT))
            .map_err(|e| format!("connect: {e}"))
    }

    /// A connected pair `(client, server)`, both passive binary unless
    /// `client`/`server` options say otherwise (applied after the defaults).
    pub fn pair(&self, client: &[Opt], server: &[Opt]) -> Result<(Socket, Socket), String> {
        let mut lo = vec![Opt::Binary, Opt::Active(Active::False)];
        lo.extend_from_slice(server);
        let l = self.listen(&lo)?;
        let mut co = vec![Opt::Binary, Opt::Active(Active::False)];
        co.extend_from_slice(client);
        let c = self.connect_to(&l, &co)?;
        let s = gen_tcp::accept(&l, Some(WAIT)).map_err(|e| format!("accept: {e}"))?;
        let _ = gen_tcp::close(&l);
        Ok((c, s))
    }
}

/// Fails with both values when they differ.
pub fn eq<T: PartialEq + Debug>(what: &str, got: T, want: T) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// Fails unless `cond`.
pub fn ensure(what: &str, cond: bool) -> Check {
    if cond {
        Ok(())
    } else {
        Err(format!("{what}: not true"))
    }
}

/// Turns a gen_tcp error into a check failure naming the step.
pub fn step<T>(what: &str, r: Result<T, Error>) -> Result<T, String> {
    r.map_err(|e| format!("{what}: {e}"))
}

/// Reads exactly `n` bytes with passive `recv` calls, bounded by [`WAIT`] each.
pub fn recv_exactly(s: &Socket, n: usize) -> Result<Vec<u8>, String> {
    let mut got = Vec::with_capacity(n);
    while got.len() < n {
        let d = step("recv", gen_tcp::recv(s, 0, Some(WAIT)))?;
        got.extend_from_slice(&d.to_vec());
    }
    Ok(got)
}

/// Reads until `closed` (or another error), returning the bytes and the error.
pub fn recv_to_end(s: &Socket) -> (Vec<u8>, Error) {
    let mut got = Vec::new();
    loop {
        match gen_tcp::recv(s, 0, Some(WAIT)) {
            Ok(d) => got.extend_from_slice(&d.to_vec()),
            Err(e) => return (got, e),
        }
    }
}

/// A short wait for an answer that is expected to be `timeout`.
pub const SHORT: Duration = Duration::from_millis(50);

/// How long a mailbox must stay quiet before [`drain_msgs`] says it has
/// seen every message.
pub const QUIET: Duration = Duration::from_millis(150);

/// The POSIX reason named `name` (`"enotconn"`, `"eaddrinuse"`, ...), as
/// Erlang names it, whatever the platform's errno numbers.
pub fn posix(name: &str) -> Error {
    (1..512)
        .map(Error::from_errno)
        .find(|e| e.reason() == name)
        .unwrap_or_else(|| panic!("no errno is called {name}"))
}

/// A received packet's bytes, so that results compare with byte strings.
pub fn bytes(r: Result<gen_tcp::Data, Error>) -> Result<Vec<u8>, Error> {
    r.map(|d| d.to_vec())
}

/// An active-mode message reduced to what a scenario compares: the Erlang
/// term without the socket (every message checked is about one socket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// `{tcp, S, Data}`.
    Tcp(gen_tcp::Data),
    /// `{tcp_closed, S}`.
    Closed,
    /// `{tcp_error, S, Reason}`.
    Error(Error),
    /// `{tcp_passive, S}`.
    Passive,
    /// Anything else.
    Other,
}

impl Seen {
    /// The reduced form of `m`.
    pub fn of(m: Message) -> Seen {
        match m {
            Message::Tcp(_, d) => Seen::Tcp(d),
            Message::TcpClosed(_) => Seen::Closed,
            Message::TcpError(_, e) => Seen::Error(e),
            Message::TcpPassive(_) => Seen::Passive,
            _ => Seen::Other,
        }
    }

    /// `{tcp, S, Bytes}` in binary mode.
    pub fn tcp(b: &[u8]) -> Seen {
        Seen::Tcp(gen_tcp::Data::Binary(bytes::Bytes::copy_from_slice(b)))
    }
}

/// The caller's messages about `s`, in order: waits up to [`WAIT`] for the
/// first `at_least` of them, then takes more until none arrives for [`QUIET`].
pub fn drain_msgs(s: &Socket, at_least: usize) -> Vec<Seen> {
    let mut got = Vec::new();
    while got.len() < at_least {
        match gen_tcp::receive_from(s, Some(WAIT)) {
            Some(m) => got.push(Seen::of(m)),
            None => return got,
        }
    }
    while let Some(m) = gen_tcp::receive_from(s, Some(QUIET)) {
        got.push(Seen::of(m));
    }
    got
}

/// Runs `f` in a new process and returns a receiver for its answer.
pub fn in_process<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> (gen_tcp::Pid, mpsc::Receiver<T>) {
    let (tx, rx) = mpsc::channel();
    let pid = gen_tcp::spawn(move || {
        let _ = tx.send(f());
    });
    (pid, rx)
}

/// The answer of a process started with [`in_process`], waiting up to [`WAIT`].
pub fn answer<T>(what: &str, rx: &mpsc::Receiver<T>) -> Result<T, String> {
    rx.recv_timeout(WAIT)
        .map_err(|_| format!("{what}: no answer within {WAIT:?}"))
}

/// Polls `cond` every few milliseconds until it holds or [`WAIT`] passes:
/// for states that no message or call announces.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) -> Check {
    let deadline = std::time::Instant::now() + WAIT;
    while !cond() {
        if std::time::Instant::now() > deadline {
            return Err(format!("{what}: still not true after {WAIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

/// Bytes waiting in `s`'s kernel receive queue, not read yet (`FIONREAD`);
/// 0 once the socket is closed.
pub fn unread(s: &Socket) -> usize {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int, which `n` is; the socket keeps its
    // descriptor number for as long as `s` lives.
    let r = unsafe { libc::ioctl(s.as_raw_fd(), libc::FIONREAD, &mut n) };
    if r == 0 {
        n.max(0) as usize
    } else {
        0
    }
}

/// Bytes the kernel has received for `s` over TCP (`TCP_INFO`'s
/// `tcpi_bytes_received`, Linux 4.1 on), read by `s` or not; `None` for a
/// unix socket or an older kernel.
pub fn kernel_received(s: &Socket) -> Option<usize> {
    use std::os::fd::AsRawFd;
    // `tcpi_bytes_received` is the u64 at this offset of `struct tcp_info`
    // (after `tcpi_bytes_acked`); libc's struct stops before it.
    const OFFSET: usize = 128;
    let mut info = [0u8; 256];
    let mut len = info.len() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `info`.
    let r = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if r != 0 || (len as usize) < OFFSET + 8 {
        return None;
    }
    let bytes: [u8; 8] = info[OFFSET..OFFSET + 8].try_into().ok()?;
    Some(u64::from_ne_bytes(bytes) as usize)
}

/// Bytes `s` has taken from its kernel: what the kernel received less
/// what waits there. (Not `recv_oct`: the `inet` backend counts a packet
/// when it delivers it, as `inet_drv`, not when it reads it.) For a
/// socket without `TCP_INFO`, `recv_oct`.
pub fn taken(s: &Socket) -> usize {
    match kernel_received(s) {
        Some(n) => n.saturating_sub(unread(s)),
        None => match gen_tcp::getstat(s, &[gen_tcp::Stat::RecvOct]).as_deref() {
            Ok([(_, n)]) => *n as usize,
            _ => 0,
        },
    }
}

/// Bytes that have reached `s`: taken by it or waiting in its kernel.
pub fn arrived(s: &Socket) -> usize {
    kernel_received(s).unwrap_or_else(|| taken(s) + unread(s))
}

/// Waits until `n` bytes sent to `s` have reached it: what a sleep "to
/// let them arrive" guessed, as a state.
pub fn wait_arrived(s: &Socket, n: usize) -> Check {
    wait_until(&format!("{n} bytes reached the socket"), || arrived(s) >= n)
}

/// Waits until `s` itself has read `n` bytes from its kernel ([`taken`]):
/// a reader blocked in it, or the driver of an active socket, took them.
pub fn wait_read(s: &Socket, n: usize) -> Check {
    wait_until(&format!("the socket read {n} bytes"), || taken(s) >= n)
}

/// The kernel's TCP state of `s` (`TCP_INFO`'s `tcpi_state`: 1
/// established, 7 closed, 8 close-wait); `None` if it cannot be read.
pub fn tcp_state(s: &Socket) -> Option<u8> {
    use std::os::fd::AsRawFd;
    // SAFETY: an all-zero tcp_info is valid; getsockopt writes at most
    // `len` bytes into it.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let r = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    (r == 0).then_some(info.tcpi_state)
}

/// `TCP_CLOSE_WAIT`: the peer's FIN has arrived.
pub const TCP_CLOSE_WAIT: u8 = 8;
/// `TCP_CLOSE`: the connection is over (a reset arrived, say).
pub const TCP_CLOSE: u8 = 7;

/// Waits until the kernel's TCP state of `s` is `state`: a FIN or a
/// reset from the peer has arrived, which nothing in the API announces.
pub fn wait_tcp_state(s: &Socket, state: u8) -> Check {
    wait_until(&format!("TCP state {state}"), || {
        tcp_state(s) == Some(state)
    })
}

/// Runs `f` in a new process and returns, with a receiver for its answer,
/// once that process is blocked in the kernel (in a wait: a receive, a
/// poll, a lock or a condition variable) or has answered: the state "it
/// is waiting" that a pause would have guessed.
pub fn in_process_blocked<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<(gen_tcp::Pid, mpsc::Receiver<T>), String> {
    let (tid_tx, tid_rx) = mpsc::channel();
    let (pid, rx) = in_process(move || {
        // SAFETY: gettid has no preconditions.
        let _ = tid_tx.send(unsafe { libc::gettid() });
        f()
    });
    let tid = tid_rx
        .recv_timeout(WAIT)
        .map_err(|_| "the process never started".to_string())?;
    wait_blocked(tid)?;
    Ok((pid, rx))
}

/// Waits until thread `tid` of this process is in a system call that
/// waits (or is gone).
pub fn wait_blocked(tid: libc::pid_t) -> Check {
    let mut waits = vec![
        libc::SYS_recvfrom,
        libc::SYS_ppoll,
        libc::SYS_futex,
        libc::SYS_accept4,
        libc::SYS_sendto,
        libc::SYS_sendmsg,
    ];
    #[cfg(target_arch = "x86_64")]
    waits.push(libc::SYS_poll);
    let path = format!("/proc/self/task/{tid}/syscall");
    wait_until(&format!("thread {tid} waits"), || {
        match std::fs::read_to_string(&path) {
            // The thread is gone: it finished.
            Err(_) => true,
            Ok(s) => s
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<i64>().ok())
                .is_some_and(|n| waits.contains(&n)),
        }
    })
}

/// `n` bytes of a recognisable pattern (position modulo 251).
pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// A fresh path in the temporary directory for a `local` socket, unique
/// to this process, backend and call.
pub fn unique_path(ctx: &Ctx, tag: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!(
        "gen_tcp_conf_{}_{}_{tag}_{n}.sock",
        std::process::id(),
        ctx.backend.name()
    ));
    let _ = std::fs::remove_file(&p);
    p
}

/// More than the two kernel buffers on loopback hold.
pub const BIG: usize = 16 * 1024 * 1024;

/// A [`BIG`] send with `{send_timeout, 200}` to a peer that does not read:
/// `inet` queues it all (`ok`, with `send_pend` > 0), `socket` gives up
/// with `{timeout, Rest}`. Returns `(client, server, data, bytes that left
/// our side)`.
pub fn send_to_non_reader(
    ctx: &Ctx,
) -> Result<(gen_tcp::Socket, gen_tcp::Socket, Vec<u8>, usize), String> {
    let (c, s) = ctx.pair(&[Opt::SendTimeout(Some(Duration::from_millis(200)))], &[])?;
    let data = pattern(BIG);
    let sent = match gen_tcp::send(&c, &data[..]) {
        Ok(()) => BIG,
        Err(Error::TimeoutRest(rest)) => BIG - rest.len(),
        Err(e) => return Err(format!("send: {e}")),
    };
    eq("all queued", sent == BIG, ctx.backend == InetBackend::Inet)?;
    if ctx.backend == InetBackend::Inet {
        let pend = crate::scenarios::send_queue::send_pend(&c)?;
        ensure(&format!("send_pend {pend} > 0"), pend > 0)?;
    }
    Ok((c, s, data, sent))
}
