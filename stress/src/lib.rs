//! The stress suite of gen_tcp (issue 7: "no panic, no hang, no unbounded
//! work, whatever a caller or a peer does"), run on both backends.
//!
//! `just stress` runs every part at full scale (a few minutes);
//! `just test` runs each at a short scale (seconds) through
//! `stress/tests/short.rs`. Each part runs in a process of its own (the
//! `stress` binary), prints its figures before and after (resident
//! memory and its peak, CPU time, descriptors, threads, from
//! `/proc/self`), and fails on the first broken guarantee:
//!
//! - [`hostile`]: peers that send oversized headers, endless lines,
//!   endless ASN.1 tags, endless HTTP lines, garbage, one byte at a time,
//!   for every packet type, to passive and active sockets: every case
//!   ends in a clean error, resident memory stays within what
//!   `gen_tcp_core::inbound` documents, and the receiver's CPU time is
//!   linear in the bytes (N and 4N bytes compared).
//! - [`exhaust`]: out of descriptors at the first use of each backend and
//!   at close, each in a fresh child process.
//! - [`timeouts`]: every call that takes a timeout, at the extremes of
//!   `Duration`.
//! - [`races`]: `close`, `shutdown`, `controlling_process` and the owner's
//!   end racing calls blocked in `recv`, `accept` and `send`.
//! - [`many`]: 10,000 connections per backend, echoing with integrity.
//! - [`soak`]: a seeded random soak over many pairs of both backends,
//!   sequence-checked end to end.
//! - [`api`]: random sequences of calls and peer actions (what the
//!   `fuzz_api` target runs), on seeded inputs.
//!
//! Every step runs under a hang [`watchdog`]: a step that does not
//! finish ends the process with a report of every thread.

pub mod api;
pub mod exhaust;
pub mod figures;
pub mod hostile;
pub mod many;
pub mod races;
pub mod soak;
pub mod timeouts;
pub mod watchdog;

use gen_tcp::{Active, InetBackend, Opt, Socket};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::Duration;

/// Both backends, in the order the parts run them.
pub const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// The bound of a single wait that should end (a reply, an accept):
/// generous, as it is no timing assertion; the watchdog bounds the rest.
pub const WAIT: Duration = Duration::from_secs(30);

/// How big a part runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Seconds, in `just test`.
    Short,
    /// Minutes in total, in `just stress`.
    Full,
}

impl Scale {
    /// `short` or `full`, as this scale says.
    pub fn pick<T>(self, short: T, full: T) -> T {
        match self {
            Scale::Short => short,
            Scale::Full => full,
        }
    }
}

/// A small seeded generator (xorshift64*): the same seed, the same run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Fills `buf` with random bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }
}

/// `{inet_backend, b}`, binary, passive, then `extra`.
pub fn opts(b: InetBackend, extra: &[Opt]) -> Vec<Opt> {
    let mut o = vec![Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::False)];
    o.extend_from_slice(extra);
    o
}

/// Our socket (options `extra` on backend `b`) connected to a plain
/// `std` peer, so that the peer does exactly what a test says.
pub fn with_std_peer(b: InetBackend, extra: &[Opt]) -> (Socket, TcpStream) {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = l.local_addr().expect("local_addr").port();
    let s =
        gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(b, extra), Some(WAIT)).expect("connect");
    let (peer, _) = l.accept().expect("accept");
    (s, peer)
}

/// A connected pair of our sockets, `(client, server)`, each on its own
/// backend with its own options (after binary and passive).
pub fn pair(
    (cb, copts): (InetBackend, &[Opt]),
    (sb, sopts): (InetBackend, &[Opt]),
) -> (Socket, Socket) {
    let mut lo = vec![Opt::Ip(Ipv4Addr::LOCALHOST.into())];
    lo.extend_from_slice(sopts);
    let l = gen_tcp::listen(0, &opts(sb, &lo)).expect("listen");
    let port = gen_tcp::port(&l).expect("port");
    let c =
        gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(cb, copts), Some(WAIT)).expect("connect");
    let s = gen_tcp::accept(&l, Some(WAIT)).expect("accept");
    gen_tcp::close(&l).expect("close listen socket");
    (c, s)
}

/// Starts each backend's lazily made pieces (its reactor thread, the
/// placeholder descriptor of closed sockets), so that a part's figures
/// before and after compare like with like.
pub fn warm_up() {
    for b in BACKENDS {
        let (c, s) = pair((b, &[Opt::Active(Active::True)]), (b, &[]));
        gen_tcp::send(&s, "warm").expect("send");
        match gen_tcp::receive_from(&c, Some(WAIT)) {
            Some(gen_tcp::Message::Tcp(_, d)) => assert_eq!(d, b"warm"),
            other => panic!("warm-up: {other:?}"),
        }
        gen_tcp::close(&c).expect("close");
        gen_tcp::close(&s).expect("close");
        // The inet driver starts when output is queued, too.
        let (c, s) = pair((b, &[Opt::DelaySend(true)]), (b, &[]));
        gen_tcp::send(&c, "warm").expect("send");
        assert_eq!(gen_tcp::recv(&s, 4, Some(WAIT)).expect("recv"), b"warm");
        gen_tcp::close(&c).expect("close");
        gen_tcp::close(&s).expect("close");
    }
    // The `api` part's listener lives as long as the process.
    api::listener();
}

/// Runs this program again as a child with `args` (after `child`),
/// relays its output, and returns whether it succeeded.
pub fn run_child(args: &[&str]) -> bool {
    let exe = std::env::current_exe().expect("current_exe");
    let out = std::process::Command::new(exe)
        .arg("child")
        .args(args)
        .output()
        .expect("run a child process");
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("  | {line}");
    }
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        eprintln!("  | {line}");
    }
    out.status.success()
}
