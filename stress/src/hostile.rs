//! Hostile peers, for every packet type, against passive and active
//! sockets of both backends.
//!
//! A peer (a plain `std` socket, in a thread of its own) sends what no
//! well-behaved peer sends: a header announcing more than `packet_size`,
//! a line, an ASN.1 tag or an HTTP line that never ends, random garbage,
//! or a packet one byte at a time that it never finishes (slowloris).
//! For each case the receiver must:
//!
//! - end cleanly: `emsgsize`, `closed` or `timeout` (as the case says),
//!   never a panic, a hang (the watchdog) or another reason;
//! - hold no more than `gen_tcp_core::inbound` documents: its peak of
//!   resident memory grows by at most twice the case's limit
//!   ([`gen_tcp_core::inbound::unknown_limit`], or the announced length)
//!   plus [`SLACK`] (plus, with `{active, true}`, the packets delivered
//!   and not yet taken from the mailbox: that mode has no flow control, in
//!   Erlang either);
//! - spend CPU time linear in the bytes: the same case with N and 4N bytes
//!   costs the receiver (the process, less the peer's thread) at most
//!   [`LINEAR`] times more, where quadratic work would cost 16 times.
//!   CPU time is measured, never elapsed time.

use crate::figures::{self, Figures};
use crate::watchdog::watch;
use crate::{with_std_peer, Rng, Scale, BACKENDS};
use gen_tcp::{Active, Error, InetBackend, Message, Opt, PacketType, Socket};
use gen_tcp_core::inbound::unknown_limit;
use gen_tcp_core::SockOpts;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What resident memory may grow by beyond a case's limit: the
/// allocator's slack, the threads' stacks and scratch buffers.
pub const SLACK: u64 = 4 << 20;

/// The most the receiver's CPU time may grow from N to 4N bytes: 4 times
/// for linear work, with room for noise (quadratic work gives 16).
pub const LINEAR: f64 = 8.0;

/// How the receiver takes packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `recv(S, 0, Timeout)` in a loop.
    Passive,
    /// `{active, once}`, re-armed after each packet.
    Once,
    /// `{active, true}`.
    True,
}

/// Every mode.
pub const MODES: [Mode; 3] = [Mode::Passive, Mode::Once, Mode::True];

/// How a case ended for the receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// `closed`, or `{tcp_closed, S}`.
    Closed,
    /// `timeout` (passive), or no message within the timeout (active).
    Timeout,
    /// Another reason (`{tcp_error, S, Reason}` when active).
    Error(Error),
}

/// What the peer sends.
#[derive(Debug, Clone)]
pub enum Stream {
    /// `head`, then `len` bytes of `fill` repeated, then `tail`.
    Fill {
        /// First bytes.
        head: Vec<u8>,
        /// The unit repeated.
        fill: Vec<u8>,
        /// Bytes of `fill`.
        len: usize,
        /// Last bytes.
        tail: Vec<u8>,
    },
    /// `len` random bytes.
    Garbage {
        /// The generator's seed.
        seed: u64,
        /// Bytes.
        len: usize,
    },
}

impl Stream {
    /// Calls `out` with the stream's bytes, a chunk at a time (never the
    /// whole stream at once: the peer must not weigh on the receiver's
    /// memory), until it returns false.
    fn each_chunk(&self, chunk: usize, mut out: impl FnMut(&[u8]) -> bool) {
        let mut buf = vec![0u8; chunk];
        match self {
            Stream::Fill {
                head,
                fill,
                len,
                tail,
            } => {
                if !head.is_empty() && !out(head) {
                    return;
                }
                let mut left = *len;
                let mut at = 0;
                while left > 0 {
                    let n = left.min(chunk);
                    for b in &mut buf[..n] {
                        *b = fill[at % fill.len()];
                        at += 1;
                    }
                    if !out(&buf[..n]) {
                        return;
                    }
                    left -= n;
                }
                if !tail.is_empty() {
                    out(tail);
                }
            }
            Stream::Garbage { seed, len } => {
                let mut rng = Rng::new(*seed);
                let mut left = *len;
                while left > 0 {
                    let n = left.min(chunk);
                    rng.fill(&mut buf[..n]);
                    if !out(&buf[..n]) {
                        return;
                    }
                    left -= n;
                }
            }
        }
    }
}

/// How the peer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// As fast as the receiver takes it.
    Flat,
    /// One byte at a time, each only once the receiver has read the last
    /// (its kernel queue is empty): one read per byte, the worst case.
    Lockstep,
}

/// One hostile case.
#[derive(Debug, Clone)]
pub struct Case {
    /// What it is.
    pub name: String,
    /// The receiver's options (after binary and passive).
    pub opts: Vec<Opt>,
    /// What the peer sends.
    pub stream: Stream,
    /// How it sends it.
    pub pace: Pace,
    /// After the stream, the peer keeps the connection open (the
    /// receiver must time out) rather than closing it.
    pub hold: bool,
    /// The receiver's timeout for each wait.
    pub timeout: Duration,
    /// How the case may end, per backend.
    pub ends: fn(InetBackend) -> &'static [EndKind],
    /// True when the receiver may get packets.
    pub packets: bool,
    /// The most bytes the case lets the receiver hold at once, beyond the
    /// unknown-length limit of its options (an announced frame, a packet
    /// delivered whole).
    pub holds: usize,
}

/// The kinds of [`End`] a case allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    /// `emsgsize`.
    Emsgsize,
    /// `closed`.
    Closed,
    /// `timeout`.
    Timeout,
}

impl EndKind {
    fn matches(self, end: &End) -> bool {
        matches!(
            (self, end),
            (EndKind::Emsgsize, End::Error(Error::Emsgsize))
                | (EndKind::Closed, End::Closed)
                | (EndKind::Timeout, End::Timeout)
        )
    }
}

/// What one run of a case gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Packets received.
    pub packets: u64,
    /// Their bytes.
    pub bytes: u64,
    /// How it ended.
    pub end: End,
    /// The receiver's CPU time: the process's, less the peer thread's.
    pub cpu: Duration,
    /// How much the peak of resident memory rose above the start, KiB.
    pub peak_growth_kib: u64,
    /// Bytes the peer got into its socket.
    pub written: u64,
}

/// The unknown-length limit of `opts` on `b` (what `inbound` documents).
pub fn limit_of(b: InetBackend, opts: &[Opt]) -> usize {
    let mut o = SockOpts::defaults(b);
    for opt in opts {
        let _ = o.apply(opt);
    }
    unknown_limit(&o)
}

/// Bytes waiting in the kernel for `fd` to read; `None` once the
/// descriptor is no socket any more (closed).
fn unread(fd: RawFd) -> Option<i32> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int, which `n` is. `fd` is a number the
    // receiver's socket keeps taken for as long as the peer runs.
    let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
    (r == 0).then_some(n)
}

/// The peer: sends the stream as `pace` says, then holds the connection
/// or ends its side; returns its own CPU time and the bytes written.
fn run_peer(
    mut peer: TcpStream,
    case: &Case,
    theirs: RawFd,
    sent_all: &AtomicBool,
) -> (Duration, u64) {
    let start = figures::thread_cpu();
    let mut written = 0u64;
    match case.pace {
        Pace::Flat => case
            .stream
            .each_chunk(64 * 1024, |c| match peer.write_all(c) {
                Ok(()) => {
                    written += c.len() as u64;
                    true
                }
                Err(_) => false,
            }),
        Pace::Lockstep => {
            peer.set_nodelay(true).expect("nodelay");
            case.stream.each_chunk(4096, |c| {
                for b in c {
                    if peer.write_all(std::slice::from_ref(b)).is_err() {
                        return false;
                    }
                    written += 1;
                    // Until the receiver has read it (or is gone).
                    while unread(theirs).is_some_and(|n| n > 0) {
                        std::thread::yield_now();
                    }
                }
                true
            })
        }
    }
    sent_all.store(true, Ordering::Release);
    if !case.hold {
        let _ = peer.shutdown(std::net::Shutdown::Write);
    }
    // Until the receiver closes (end of stream, or a reset).
    let mut sink = [0u8; 4096];
    while matches!(peer.read(&mut sink), Ok(n) if n > 0) {}
    (figures::thread_cpu() - start, written)
}

/// Runs `case` once on backend `b` in mode `mode`.
pub fn run(case: &Case, b: InetBackend, mode: Mode) -> Outcome {
    let (s, peer) = with_std_peer(b, &case.opts);
    let theirs = s.as_raw_fd();
    let sent_all = Arc::new(AtomicBool::new(false));
    figures::trim();
    figures::reset_peak();
    let before = Figures::now();
    let peer = {
        let case = case.clone();
        let sent_all = sent_all.clone();
        std::thread::spawn(move || run_peer(peer, &case, theirs, &sent_all))
    };
    let (packets, bytes, end) = receive(&s, mode, case.timeout, &sent_all);
    gen_tcp::close(&s).expect("close");
    let (peer_cpu, written) = peer.join().expect("the peer thread");
    let after = Figures::now();
    // What an active socket delivered and was not taken.
    while gen_tcp::receive_from(&s, Some(Duration::ZERO)).is_some() {}
    Outcome {
        packets,
        bytes,
        end,
        cpu: (after.cpu - before.cpu).saturating_sub(peer_cpu),
        peak_growth_kib: after.peak_kib.saturating_sub(before.rss_kib),
        written,
    }
}

/// The receiver: takes packets until the case ends. A timeout while the
/// peer is still sending is no end (a slowloris's bytes are still coming).
fn receive(s: &Socket, mode: Mode, timeout: Duration, sent_all: &AtomicBool) -> (u64, u64, End) {
    let (mut packets, mut bytes) = (0u64, 0u64);
    if mode != Mode::Passive {
        let active = if mode == Mode::Once {
            Active::Once
        } else {
            Active::True
        };
        gen_tcp::setopts(s, &[Opt::Active(active)]).expect("setopts active");
    }
    loop {
        let got = match mode {
            Mode::Passive => match gen_tcp::recv(s, 0, Some(timeout)) {
                Ok(d) => Ok(d.len()),
                Err(Error::Closed) => Err(End::Closed),
                Err(Error::Timeout) => Err(End::Timeout),
                Err(e) => Err(End::Error(e)),
            },
            Mode::Once | Mode::True => match gen_tcp::receive_from(s, Some(timeout)) {
                Some(Message::Tcp(_, d)) => Ok(d.len()),
                Some(Message::TcpClosed(_)) => Err(End::Closed),
                Some(Message::TcpError(_, e)) => Err(End::Error(e)),
                Some(other) => Err(End::Error(Error::Io(Arc::new(std::io::Error::other(
                    format!("unexpected message {other:?}"),
                ))))),
                None => Err(End::Timeout),
            },
        };
        match got {
            Ok(n) => {
                packets += 1;
                bytes += n as u64;
                if mode == Mode::Once {
                    gen_tcp::setopts(s, &[Opt::Active(Active::Once)]).expect("re-arm");
                }
            }
            Err(End::Timeout) if !sent_all.load(Ordering::Acquire) => {}
            Err(end) => return (packets, bytes, end),
        }
    }
}

/// Checks one outcome against the case; `Err` says what broke.
fn check(case: &Case, b: InetBackend, mode: Mode, o: &Outcome) -> Result<(), String> {
    let ends = (case.ends)(b);
    if !ends.iter().any(|k| k.matches(&o.end)) {
        return Err(format!("ended with {:?}, want one of {ends:?}", o.end));
    }
    if !case.packets && o.packets > 0 {
        return Err(format!(
            "{} packets ({} bytes) delivered",
            o.packets, o.bytes
        ));
    }
    let limit = limit_of(b, &case.opts).max(case.holds) as u64;
    let mut bound = 2 * limit + SLACK;
    if mode == Mode::True {
        // Packets waiting in the mailbox: their bytes, and a generous
        // allowance for the message around each (an HTTP packet is a
        // parsed term of no bytes).
        bound += o.bytes + 256 * o.packets;
    }
    if o.peak_growth_kib * 1024 > bound {
        return Err(format!(
            "resident memory grew by {} KiB, over the bound of {} KiB (limit {} KiB)",
            o.peak_growth_kib,
            bound / 1024,
            limit / 1024
        ));
    }
    Ok(())
}

const PS: u32 = 4096;

fn emsgsize(_: InetBackend) -> &'static [EndKind] {
    &[EndKind::Emsgsize]
}

fn closed(_: InetBackend) -> &'static [EndKind] {
    &[EndKind::Closed]
}

fn timeout(_: InetBackend) -> &'static [EndKind] {
    &[EndKind::Timeout]
}

fn any_clean(_: InetBackend) -> &'static [EndKind] {
    &[EndKind::Emsgsize, EndKind::Closed]
}

/// A fill stream.
fn fill(head: &[u8], unit: &[u8], len: usize, tail: &[u8]) -> Stream {
    Stream::Fill {
        head: head.to_vec(),
        fill: unit.to_vec(),
        len,
        tail: tail.to_vec(),
    }
}

/// Headers announcing one byte more than `packet_size` allows, per type.
fn oversized_headers() -> Vec<(PacketType, u32, Vec<u8>)> {
    let over = PS + 1;
    let be = |n: u32| n.to_be_bytes().to_vec();
    let mut cdr = b"GIOP\x01\x00\x00\x00".to_vec();
    cdr.extend_from_slice(&be(over));
    let fcgi = vec![1, 1, 0, 1, (over >> 8) as u8, over as u8, 0, 0];
    let tpkt_len = over + 4;
    vec![
        (PacketType::One, 100, vec![101]),
        (PacketType::Two, PS, be(over)[2..].to_vec()),
        (PacketType::Four, PS, be(over)),
        (PacketType::Sunrm, PS, be(0x8000_0000 | over)),
        (PacketType::Cdr, PS, cdr),
        (PacketType::Fcgi, PS, fcgi),
        (
            PacketType::Tpkt,
            PS,
            vec![3, 0, (tpkt_len >> 8) as u8, tpkt_len as u8],
        ),
        (
            PacketType::Asn1,
            PS,
            vec![0x04, 0x82, (over >> 8) as u8, over as u8],
        ),
        // No limit asked: the 64 MiB of `inbound::MAX_UNFINISHED`.
        (PacketType::Four, 0, be(u32::MAX)),
    ]
}

/// The packet types garbage is tried on.
const ALL_TYPES: [PacketType; 14] = [
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

/// The cases that must end in a clean error with bounded memory.
pub fn cases(scale: Scale) -> Vec<Case> {
    let mut v = Vec::new();
    // Past every limit a case's options give, so that a receiver that
    // kept buffering would be caught by the memory bound.
    let endless = scale.pick(1 << 20, 160 << 20);
    // Short: a packet_size keeps the limits small; full: the defaults too
    // (64 MiB on `socket`).
    let sizes: &[Option<u32>] = scale.pick(&[Some(256 << 10)], &[Some(256 << 10), None]);
    let wait = Duration::from_secs(20);
    for (t, ps, head) in oversized_headers() {
        v.push(Case {
            name: format!(
                "oversized header, {{packet, {}}}, packet_size {ps}",
                t.erlang_name()
            ),
            opts: vec![Opt::Packet(t), Opt::PacketSize(ps)],
            stream: fill(&head, b"x", scale.pick(256 << 10, 8 << 20), &[]),
            pace: Pace::Flat,
            hold: false,
            timeout: wait,
            ends: emsgsize,
            packets: false,
            holds: 0,
        });
    }
    // A frame announced within the limit (60 MiB, no packet_size) whose
    // body stops coming: only what came is held, not what was announced.
    let body = scale.pick(1 << 20, 16 << 20);
    v.push(Case {
        name: "announced 60 MiB frame, body cut short, {packet, 4}".into(),
        opts: vec![Opt::Packet(PacketType::Four), Opt::PacketSize(0)],
        stream: fill(&(60u32 << 20).to_be_bytes(), b"y", body, &[]),
        pace: Pace::Flat,
        hold: false,
        timeout: wait,
        ends: closed,
        packets: false,
        holds: body,
    });
    for &ps in sizes {
        let mut with = |name: &str, t: PacketType, stream: Stream, ends: fn(InetBackend) -> _| {
            let mut opts = vec![Opt::Packet(t)];
            if let Some(ps) = ps {
                opts.push(Opt::PacketSize(ps));
            }
            let size = ps.map_or("default".into(), |p| p.to_string());
            v.push(Case {
                name: format!(
                    "{name}, {{packet, {}}}, packet_size {size}",
                    t.erlang_name()
                ),
                opts,
                stream,
                pace: Pace::Flat,
                hold: false,
                timeout: wait,
                ends,
                packets: t == PacketType::Line,
                holds: 0,
            });
        };
        // `inet` cuts an endless line at `buffer` and delivers the pieces
        // (as inet_drv); `socket` answers emsgsize at packet_size.
        with(
            "endless line",
            PacketType::Line,
            fill(b"", b"a", endless, b""),
            |b| match b {
                InetBackend::Inet => &[EndKind::Closed],
                InetBackend::Socket => &[EndKind::Emsgsize],
            },
        );
        with(
            "endless ASN.1 tag",
            PacketType::Asn1,
            fill(b"\x1f", b"\x80", endless, b""),
            emsgsize,
        );
        with(
            "endless HTTP request line",
            PacketType::Http,
            fill(b"GET /", b"a", endless, b""),
            emsgsize,
        );
        with(
            "endless continued header",
            PacketType::HttphBin,
            fill(b"X-Long: a", b"\r\n a", endless, b""),
            emsgsize,
        );
    }
    for (i, t) in ALL_TYPES.into_iter().enumerate() {
        v.push(Case {
            name: format!("garbage, {{packet, {}}}", t.erlang_name()),
            opts: vec![Opt::Packet(t), Opt::PacketSize(64 << 10)],
            stream: Stream::Garbage {
                seed: 0x5eed + i as u64,
                len: scale.pick(128 << 10, 32 << 20),
            },
            pace: Pace::Flat,
            hold: false,
            timeout: wait,
            ends: any_clean,
            packets: true,
            holds: 64 << 10,
        });
    }
    v.extend(slowloris(scale.pick(200, 3000)));
    v
}

/// Slowloris: `n` bytes of a packet never finished, one byte per read,
/// then the peer holds the connection: the receiver times out.
pub fn slowloris(n: usize) -> Vec<Case> {
    let frames: [(PacketType, &[u8], &[u8]); 4] = [
        (PacketType::Four, &[0, 0x10, 0, 0], b"z"),
        (PacketType::Line, b"", b"a"),
        (PacketType::Asn1, b"\x1f", b"\x80"),
        (PacketType::HttpBin, b"GET /", b"a"),
    ];
    frames
        .into_iter()
        .map(|(t, head, unit)| Case {
            name: format!(
                "slowloris, {n} bytes one at a time, {{packet, {}}}",
                t.erlang_name()
            ),
            opts: vec![
                Opt::Packet(t),
                Opt::PacketSize(1 << 20),
                Opt::Buffer(1 << 20),
            ],
            stream: fill(head, unit, n, b""),
            pace: Pace::Lockstep,
            hold: true,
            timeout: Duration::from_millis(50),
            ends: timeout,
            packets: false,
            holds: 1 << 20,
        })
        .collect()
}

/// The linearity cases: packets of `n` bytes that do end, read in small
/// pieces (a small receive buffer makes many reads, as a slow peer would).
pub fn linear_cases(n: usize) -> Vec<Case> {
    /// The type, the packet's head, the unit repeated, its end.
    type Frame = (PacketType, &'static [u8], &'static [u8], &'static [u8]);
    let frames: [Frame; 4] = [
        (PacketType::Line, b"", b"a", b"\n"),
        (PacketType::Asn1, b"\x1f", b"\x80", b"\x01\x02hi"),
        (PacketType::HttpBin, b"GET /", b"a", b" HTTP/1.1\r\n"),
        (PacketType::HttphBin, b"X-Long: a", b"\r\n a", b"\r\n"),
    ];
    let limit = (n as u32 + 4096).next_power_of_two();
    frames
        .into_iter()
        .map(|(t, head, unit, tail)| Case {
            name: format!(
                "one {n}-byte packet in small reads, {{packet, {}}}",
                t.erlang_name()
            ),
            opts: vec![
                Opt::Packet(t),
                Opt::PacketSize(limit),
                Opt::Buffer(limit),
                Opt::Recbuf(4096),
            ],
            stream: fill(head, unit, n / unit.len(), tail),
            pace: Pace::Flat,
            hold: false,
            timeout: Duration::from_secs(20),
            ends: closed,
            packets: true,
            holds: limit as usize,
        })
        .collect()
}

/// Runs the part: every case on both backends in every mode, then the
/// linearity comparisons. Panics on the first broken guarantee.
pub fn part(scale: Scale) {
    let mut failures = Vec::new();
    let cases = cases(scale);
    for case in &cases {
        for b in BACKENDS {
            for mode in MODES {
                let _dog = watch(
                    format!("{} [{b:?} {mode:?}]", case.name),
                    Duration::from_secs(120),
                );
                let o = run(case, b, mode);
                let verdict = check(case, b, mode, &o);
                println!(
                    "  {:<6} {:<7} {:<64} {:>5} pkts {:>9} B in, end {:<10} peak +{:>6} KiB, cpu {:>7.2} ms {}",
                    b.name(),
                    format!("{mode:?}"),
                    case.name,
                    o.packets,
                    o.written,
                    end_name(&o.end),
                    o.peak_growth_kib,
                    o.cpu.as_secs_f64() * 1e3,
                    if verdict.is_ok() { "ok" } else { "FAIL" }
                );
                if let Err(e) = verdict {
                    failures.push(format!("{} [{b:?} {mode:?}]: {e}", case.name));
                }
            }
        }
    }
    failures.extend(linearity(scale));
    if !failures.is_empty() {
        panic!("hostile peers:\n  {}", failures.join("\n  "));
    }
}

fn end_name(e: &End) -> String {
    match e {
        End::Closed => "closed".into(),
        End::Timeout => "timeout".into(),
        End::Error(e) => e.to_string(),
    }
}

/// The receiver's CPU time for N and 4N bytes, per case, backend and mode
/// (the least of a few runs each, against noise); fails where the ratio
/// is over [`LINEAR`].
fn linearity(scale: Scale) -> Vec<String> {
    let n = scale.pick(512 << 10, 4 << 20);
    let t = scale.pick(500, 3000);
    let runs = scale.pick(2, 3);
    let mut failures = Vec::new();
    let small: Vec<Case> = linear_cases(n).into_iter().chain(slowloris(t)).collect();
    let large: Vec<Case> = linear_cases(4 * n)
        .into_iter()
        .chain(slowloris(4 * t))
        .collect();
    for (a, b4) in small.iter().zip(&large) {
        for b in BACKENDS {
            for mode in [Mode::Passive, Mode::Once] {
                let _dog = watch(
                    format!("linearity of {} [{b:?} {mode:?}]", a.name),
                    Duration::from_secs(300),
                );
                let mut least = |case: &Case| {
                    (0..runs)
                        .map(|_| {
                            let o = run(case, b, mode);
                            if let Err(e) = check(case, b, mode, &o) {
                                failures.push(format!("{} [{b:?} {mode:?}]: {e}", case.name));
                            }
                            o.cpu
                        })
                        .min()
                        .expect("runs")
                };
                // A busy machine can disturb one measurement; work that is
                // not linear fails every time.
                let (mut c1, mut c4, mut ratio) = (Duration::ZERO, Duration::ZERO, f64::MAX);
                for _ in 0..3 {
                    (c1, c4) = (least(a), least(b4));
                    ratio = c4.as_secs_f64() / c1.as_secs_f64().max(1e-4);
                    if ratio <= LINEAR {
                        break;
                    }
                }
                let ok = ratio <= LINEAR;
                println!(
                    "  {:<6} {:<7} {:<64} cpu N {:>7.2} ms, 4N {:>7.2} ms: x{ratio:.1} {}",
                    b.name(),
                    format!("{mode:?}"),
                    a.name,
                    c1.as_secs_f64() * 1e3,
                    c4.as_secs_f64() * 1e3,
                    if ok { "ok" } else { "FAIL" }
                );
                if !ok {
                    failures.push(format!(
                        "{} [{b:?} {mode:?}]: CPU x{ratio:.1} for 4x the bytes (over {LINEAR})",
                        a.name
                    ));
                }
            }
        }
    }
    failures
}
