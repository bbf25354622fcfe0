//! Random use of the whole API against a misbehaving peer: the bytes of an
//! input decode into a sequence of calls on one connected socket
//! (`setopts` of any option with any value, `send`, `recv` and `Read`
//! with small timeouts, active messages, `shutdown`, `close`,
//! `controlling_process`, `getopts`, `getstat`, addresses) and actions of
//! its peer, a plain `std` socket (send bytes, read, half-close, reset,
//! stop reading). Run by the `fuzz_api` target (`just fuzz`) and, on
//! seeded inputs, by the stress suite's `api` part.
//!
//! What must hold, whatever the input:
//! - no panic, and no hang: every wait is bounded (the input can ask only
//!   for small timeouts, and `send_timeout` is always finite);
//! - every error is an Erlang reason (never `io` or `unknown`);
//! - what the peer sent arrives in order: every packet delivered (by
//!   `recv`, `Read` or an active message) is a run of the peer's bytes
//!   found after the previous one;
//! - and nothing is lost silently: when nothing happened that may lose
//!   bytes (an error, a close, `shutdown(read)`, a reset, a change of
//!   packet type or owner, a raw option), everything the peer sent is
//!   received once it ends its side.

use gen_tcp::{
    Active, Data, Deliver, Error, InetBackend, Message, Mode, Opt, OptName, PacketType, Pid,
    Shutdown, Socket, Stat,
};
use gen_tcp_core::port::SocketExt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

/// The most calls one input makes.
const MAX_OPS: usize = 48;

/// Reads the input a field at a time; zeros once it is used up.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        b.to_vec()
    }

    /// A size: mostly small, sometimes any `u32`.
    fn size(&mut self) -> u32 {
        match self.u8() % 4 {
            0 => self.u8() as u32,
            1 => self.u16() as u32,
            2 => 1 << (self.u8() % 32),
            _ => self.u32(),
        }
    }

    /// A timeout this harness may wait for: zero to a few milliseconds.
    fn timeout(&mut self) -> Duration {
        match self.u8() % 8 {
            0..=3 => Duration::ZERO,
            4 => Duration::from_nanos(1),
            5 | 6 => Duration::from_millis(1),
            _ => Duration::from_millis(3),
        }
    }
}

const TYPES: [PacketType; 14] = [
    PacketType::Raw,
    PacketType::One,
    PacketType::Two,
    PacketType::Four,
    PacketType::Line,
    PacketType::Asn1,
    PacketType::Sunrm,
    PacketType::Cdr,
    PacketType::Fcgi,
    PacketType::Tpkt,
    PacketType::Http,
    PacketType::Httph,
    PacketType::HttpBin,
    PacketType::HttphBin,
];

/// Raw options tried: harmless and strange ones, and nonsense.
const RAW: [(i32, i32); 8] = [
    (libc::SOL_SOCKET, libc::SO_KEEPALIVE),
    (libc::SOL_SOCKET, libc::SO_RCVLOWAT),
    (libc::SOL_SOCKET, libc::SO_RCVTIMEO),
    (libc::SOL_SOCKET, libc::SO_SNDTIMEO),
    (libc::IPPROTO_TCP, libc::TCP_NODELAY),
    (libc::IPPROTO_TCP, libc::TCP_CORK),
    (libc::IPPROTO_IP, libc::IP_TOS),
    (999, 999),
];

/// Any option with any value, as far as this harness can live with it:
/// `send_timeout` stays finite (an infinite one against a peer that does
/// not read is a wait without end, as asked) and `linger` never waits
/// (a linger of T seconds makes `close` wait that long in the kernel).
fn any_opt(i: &mut Input) -> (Opt, bool) {
    let b = i.bool();
    let opt = match i.u8() % 40 {
        0 => Opt::Active(match i.u8() % 4 {
            0 => Active::False,
            1 => Active::True,
            2 => Active::Once,
            _ => Active::N(i.u16() as i16 as i32),
        }),
        1 => Opt::Buffer(i.size()),
        2 => Opt::Debug(b),
        3 => Opt::DelaySend(b),
        4 => Opt::Deliver(if b { Deliver::Port } else { Deliver::Term }),
        5 => Opt::ExitOnClose(b),
        6 => Opt::Exclusiveaddruse(b),
        7 => Opt::Header(i.size()),
        8 => Opt::HighMsgqWatermark(i.size()),
        9 => Opt::LowMsgqWatermark(i.size()),
        10 => Opt::HighWatermark(i.size()),
        11 => Opt::LowWatermark(i.size()),
        12 => Opt::Mode(if b { Mode::Binary } else { Mode::List }),
        13 => Opt::Packet(TYPES[i.u8() as usize % TYPES.len()]),
        14 => Opt::PacketSize(i.size()),
        15 => Opt::LineDelimiter(i.u8()),
        16 => Opt::SendTimeout(Some(i.timeout())),
        17 => Opt::SendTimeoutClose(b),
        18 => Opt::ShowEconnreset(b),
        19 => Opt::Dontroute(b),
        20 => Opt::Keepalive(b),
        21 => Opt::Linger((b, 0)),
        22 => Opt::Nodelay(b),
        23 => Opt::Priority(i.size()),
        24 => Opt::Recbuf(i.size()),
        25 => Opt::Reuseaddr(b),
        26 => Opt::Reuseport(b),
        27 => Opt::Sndbuf(i.size()),
        28 => Opt::Tos(i.size()),
        29 => Opt::Tclass(i.size()),
        30 => Opt::Ttl(i.size()),
        31 => Opt::Recvtos(b),
        32 => Opt::Recvttl(b),
        33 => Opt::Ipv6V6only(b),
        34 => {
            let n = i.u8() as usize % 20;
            Opt::BindToDevice(i.bytes(n))
        }
        35 => {
            let (level, name) = RAW[i.u8() as usize % RAW.len()];
            let len = i.u8() as usize % 24;
            return (
                Opt::Raw {
                    level,
                    name,
                    value: i.bytes(len),
                },
                true,
            );
        }
        36 => Opt::Binary,
        37 => Opt::List,
        38 => Opt::Backlog(i.size()),
        _ => Opt::Port(i.u16()),
    };
    (opt, false)
}

fn any_names(i: &mut Input) -> Vec<OptName> {
    let n = i.u8() % 6;
    (0..n)
        .map(|_| {
            if i.u8() % 8 == 0 {
                let (level, name) = RAW[i.u8() as usize % RAW.len()];
                OptName::Raw {
                    level,
                    name,
                    size: i.u32() as usize,
                }
            } else {
                OptName::ALL[i.u8() as usize % OptName::ALL.len()].clone()
            }
        })
        .collect()
}

/// True when `API_TRACE` is set: each call is printed (to read a failing
/// input).
fn trace() -> bool {
    static T: OnceLock<bool> = OnceLock::new();
    *T.get_or_init(|| std::env::var_os("API_TRACE").is_some())
}

/// The harness's listener, one per process: the peer's end.
pub fn listener() -> &'static TcpListener {
    static L: OnceLock<TcpListener> = OnceLock::new();
    L.get_or_init(|| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind"))
}

/// Asserts that a failed call answered an Erlang reason.
fn reason<T: std::fmt::Debug>(what: &str, r: &gen_tcp::Result<T>) {
    if let Err(e) = r {
        let name = e.reason();
        assert!(
            name != "io" && name != "unknown",
            "{what}: {e:?} is no Erlang reason"
        );
    }
}

/// Everything one run keeps track of.
struct Run {
    s: Socket,
    peer: Option<TcpStream>,
    /// Every byte the peer wrote.
    from_peer: Vec<u8>,
    /// Where the last packet delivered ended in `from_peer`.
    matched: usize,
    /// Nothing happened that may lose the peer's bytes.
    clean: bool,
    /// The process `controlling_process` hands the socket to.
    other: Option<(Pid, mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
}

impl Run {
    /// A packet delivered: it must be a run of the peer's bytes after
    /// the last one.
    fn delivered(&mut self, what: &str, d: Data) {
        if trace() {
            eprintln!("  {what} delivered {d:?}");
        }
        let bytes = match d {
            Data::Http(_) => {
                // A parsed term: not comparable with bytes.
                self.clean = false;
                return;
            }
            Data::Headed(h, b) => [h, b.to_vec()].concat(),
            other => other.to_vec(),
        };
        if bytes.is_empty() {
            return;
        }
        let rest = &self.from_peer[self.matched..];
        let at = rest.windows(bytes.len()).position(|w| w == &bytes[..]);
        match at {
            Some(p) => {
                // Framing skips headers; a raw stream skips nothing.
                assert!(
                    p == 0 || !self.clean,
                    "{what}: {p} bytes of the peer's stream skipped"
                );
                self.matched += p + bytes.len();
            }
            None => panic!(
                "{what}: {} bytes delivered that are not the peer's next bytes \
                 (peer sent {}, {} matched)",
                bytes.len(),
                self.from_peer.len(),
                self.matched
            ),
        }
    }

    /// The result of a receiving call. Messages already in the mailbox
    /// came first: `{active, once}` (or `N`) made the socket passive as it
    /// delivered its last one, before this call could read; nothing is
    /// delivered while it is passive.
    fn received(&mut self, what: &str, r: gen_tcp::Result<Data>) {
        reason(what, &r);
        match r {
            Ok(d) => {
                self.messages(Duration::ZERO);
                self.delivered(what, d)
            }
            Err(Error::Timeout) => {}
            Err(_) => self.clean = false,
        }
    }

    /// The active messages waiting, up to `wait` for the first.
    fn messages(&mut self, wait: Duration) {
        let mut wait = Some(wait);
        while let Some(m) = gen_tcp::receive_from(&self.s, wait) {
            wait = Some(Duration::ZERO);
            match m {
                Message::Tcp(_, d) => self.delivered("{tcp, S, Data}", d),
                Message::TcpError(_, e) => {
                    reason::<()>("tcp_error", &Err(e));
                    self.clean = false;
                }
                Message::TcpClosed(_) => self.clean = false,
                _ => {}
            }
        }
    }

    fn peer_send(&mut self, bytes: &[u8]) {
        if trace() {
            eprintln!("  peer sends {bytes:?}");
        }
        let Some(p) = &mut self.peer else { return };
        match p.write(bytes) {
            Ok(n) => self.from_peer.extend_from_slice(&bytes[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => self.clean = false,
        }
    }

    fn peer_read(&mut self) {
        let Some(p) = &mut self.peer else { return };
        let mut buf = [0u8; 64 * 1024];
        for _ in 0..16 {
            match p.read(&mut buf) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }

    /// `close`, with the peer reading meanwhile: `inet`'s close waits
    /// until its queue is written.
    fn close(&mut self) {
        let drain = self
            .peer
            .as_ref()
            .and_then(|p| p.try_clone().ok())
            .map(|mut p| {
                std::thread::spawn(move || {
                    let _ = p.set_nonblocking(false);
                    let _ = p.set_read_timeout(Some(Duration::from_millis(20)));
                    let end = Instant::now() + Duration::from_secs(10);
                    let mut buf = vec![0u8; 64 * 1024];
                    while Instant::now() < end {
                        match p.read(&mut buf) {
                            Ok(0) => break,
                            Ok(_) => {}
                            Err(e)
                                if matches!(
                                    e.kind(),
                                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                                ) => {}
                            Err(_) => break,
                        }
                    }
                    let _ = p.set_nonblocking(true);
                })
            });
        let r = gen_tcp::close(&self.s);
        reason("close", &r);
        if let Some(d) = drain {
            let _ = d.join();
        }
        self.clean = false;
    }

    fn controlling_process(&mut self, to_dead: bool) {
        let to = if to_dead {
            let (pid, h) = gen_tcp::spawn_with_handle(|| {});
            let _ = h.join();
            pid
        } else {
            match &self.other {
                Some((pid, _, _)) => *pid,
                None => {
                    let (tx, rx) = mpsc::channel::<()>();
                    let (pid, h) = gen_tcp::spawn_with_handle(move || {
                        let _ = rx.recv();
                    });
                    self.other = Some((pid, tx, h));
                    pid
                }
            }
        };
        let r = gen_tcp::controlling_process(&self.s, to);
        reason("controlling_process", &r);
        self.clean = false;
    }

    fn op(&mut self, i: &mut Input) {
        let code = i.u8() % 20;
        if trace() {
            eprintln!(
                "op {code} (peer sent {}, matched {}, clean {})",
                self.from_peer.len(),
                self.matched,
                self.clean
            );
        }
        match code {
            0..=2 => {
                let (opt, raw) = any_opt(i);
                let r = gen_tcp::setopts(&self.s, std::slice::from_ref(&opt));
                if trace() {
                    eprintln!("  setopts {opt:?}: {r:?}");
                }
                reason("setopts", &r);
                // A raw option may do anything to the stream; so may
                // reframing bytes already buffered.
                if raw || matches!(opt, Opt::Packet(p) if p != PacketType::Raw) {
                    self.clean = false;
                }
            }
            3 | 4 => {
                let n = i.u8() as usize;
                let data = i.bytes(n);
                let cut = if data.is_empty() {
                    0
                } else {
                    i.u8() as usize % data.len()
                };
                let r = if i.bool() {
                    gen_tcp::send(&self.s, &data[..])
                } else {
                    gen_tcp::send(&self.s, vec![&data[..cut], &data[cut..]])
                };
                reason("send", &r);
            }
            5 => {
                // A large send: queued (`inet`), or until send_timeout.
                let n = (i.u16() as usize) << 6;
                let r = gen_tcp::send(&self.s, vec![0x42u8; n]);
                reason("large send", &r);
            }
            6 | 7 => {
                let length = match i.u8() % 4 {
                    0 => i.u8() as usize,
                    1 => i.u32() as usize,
                    _ => 0,
                };
                let t = i.timeout();
                let r = gen_tcp::recv(&self.s, length, Some(t));
                self.received("recv", r);
            }
            8 => {
                let mut buf = vec![0u8; 1 + i.u8() as usize];
                let t = i.timeout();
                let r = self.s.port().read_into(&mut buf, Some(t));
                reason("read", &r);
                match r {
                    Ok(n) => {
                        self.messages(Duration::ZERO);
                        self.delivered("read", Data::Binary(buf[..n].to_vec().into()))
                    }
                    Err(Error::Timeout) => {}
                    Err(_) => self.clean = false,
                }
            }
            9 => {
                let t = i.timeout();
                self.messages(t);
            }
            10 => {
                let how = match i.u8() % 3 {
                    0 => Shutdown::Read,
                    1 => Shutdown::Write,
                    _ => Shutdown::ReadWrite,
                };
                let r = gen_tcp::shutdown(&self.s, how);
                reason("shutdown", &r);
                if how != Shutdown::Write {
                    self.clean = false;
                }
            }
            11 => {
                if i.u8() % 4 == 0 {
                    self.close();
                }
            }
            12 => {
                let dead = i.u8() % 4 == 0;
                self.controlling_process(dead);
            }
            13 => {
                let names = any_names(i);
                reason("getopts", &gen_tcp::getopts(&self.s, &names));
                let n = i.u8() as usize % 4;
                let stats: Vec<Stat> = (0..n)
                    .map(|_| Stat::ALL[i.u8() as usize % Stat::ALL.len()])
                    .collect();
                reason("getstat", &gen_tcp::getstat(&self.s, &stats));
            }
            14 => {
                reason("peername", &gen_tcp::peername(&self.s));
                reason("sockname", &gen_tcp::sockname(&self.s));
                let _ = self.s.status();
            }
            15 | 16 => {
                let n = i.u8() as usize;
                let data = i.bytes(n);
                self.peer_send(&data);
            }
            17 => self.peer_read(),
            18 => {
                // The peer ends its side: no more bytes from it.
                if let Some(p) = &self.peer {
                    let _ = p.shutdown(std::net::Shutdown::Write);
                }
                self.clean = false;
            }
            _ => {
                // The peer resets the connection.
                if let Some(p) = self.peer.take() {
                    let _ = socket2::SockRef::from(&p).set_linger(Some(Duration::ZERO));
                }
                self.clean = false;
            }
        }
    }

    /// Nothing may have been lost: the peer ends its side and every byte
    /// it sent is received, in order, then the end.
    fn check_complete(&mut self) {
        let raw = matches!(
            gen_tcp::getopts(&self.s, &[OptName::Packet]).as_deref(),
            Ok([Opt::Packet(PacketType::Raw)])
        );
        if !self.clean || !raw || self.peer.is_none() {
            return;
        }
        let Some(p) = &self.peer else { return };
        let _ = p.shutdown(std::net::Shutdown::Write);
        // What was delivered actively comes first.
        self.messages(Duration::ZERO);
        if gen_tcp::setopts(&self.s, &[Opt::Active(Active::False)]).is_err() {
            return;
        }
        self.messages(Duration::ZERO);
        let end = Instant::now() + Duration::from_secs(10);
        while self.clean && self.matched < self.from_peer.len() {
            assert!(Instant::now() < end, "the peer's bytes never all came");
            let r = gen_tcp::recv(&self.s, 0, Some(Duration::from_millis(100)));
            self.received("recv to the end", r);
        }
        if self.clean {
            assert_eq!(
                self.matched,
                self.from_peer.len(),
                "bytes the peer sent were lost"
            );
        }
    }
}

/// Runs one input (see the module docs); panics on a broken invariant.
pub fn run(data: &[u8]) {
    let mut i = Input(data);
    let b = if i.u8() & 1 == 0 {
        InetBackend::Inet
    } else {
        InetBackend::Socket
    };
    let l = listener();
    let port = l.local_addr().expect("local_addr").port();
    let opts = [
        Opt::InetBackend(b),
        Opt::Binary,
        Opt::Active(Active::False),
        Opt::SendTimeout(Some(Duration::from_millis(2))),
        Opt::Packet(if i.bool() {
            PacketType::Raw
        } else {
            TYPES[i.u8() as usize % TYPES.len()]
        }),
    ];
    let s = match gen_tcp::connect(
        Ipv4Addr::LOCALHOST,
        port,
        &opts,
        Some(Duration::from_secs(10)),
    ) {
        Ok(s) => s,
        Err(e) => panic!("connect: {e}"),
    };
    let (peer, _) = l.accept().expect("accept");
    peer.set_nonblocking(true).expect("nonblocking");
    let packet_raw = matches!(opts[4], Opt::Packet(PacketType::Raw));
    let mut run = Run {
        s,
        peer: Some(peer),
        from_peer: Vec::new(),
        matched: 0,
        clean: packet_raw,
        other: None,
    };
    for _ in 0..MAX_OPS {
        if i.is_empty() {
            break;
        }
        run.op(&mut i);
    }
    run.check_complete();
    // Tear down: the peer resets (so that no close waits for a queue),
    // our socket closes, the other process ends.
    if let Some(p) = run.peer.take() {
        let _ = socket2::SockRef::from(&p).set_linger(Some(Duration::ZERO));
    }
    reason("close", &gen_tcp::close(&run.s));
    if let Some((_, tx, h)) = run.other.take() {
        drop(tx);
        let _ = h.join();
    }
    while gen_tcp::receive(Some(Duration::ZERO)).is_some() {}
}

/// The stress part: `n` seeded random inputs through [`run`].
pub fn part(scale: crate::Scale, seed: u64) {
    let n = scale.pick(400, 20_000);
    let _dog = crate::watchdog::watch(
        format!("{n} API runs, seed {seed}"),
        Duration::from_secs(900),
    );
    let mut rng = crate::Rng::new(seed);
    for k in 0..n {
        let len = rng.below(512) as usize;
        let mut input = vec![0u8; len];
        rng.fill(&mut input);
        let one =
            crate::watchdog::watch(format!("API run #{k}: {input:?}"), Duration::from_secs(60));
        if let Err(e) = std::panic::catch_unwind(|| run(&input)) {
            let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
            eprintln!("API run #{k} failed; again with: stress child api {hex}");
            std::panic::resume_unwind(e);
        }
        drop(one);
    }
    println!("  {n} random API runs (seed {seed}) on both backends: ok");
}

/// Runs one input given in hex (`stress child api HEX`).
pub fn child(hex: &str) {
    let input: Vec<u8> = (0..hex.len() / 2)
        .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).expect("hex"))
        .collect();
    run(&input);
    println!("ok");
}
