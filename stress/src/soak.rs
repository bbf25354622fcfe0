//! A seeded random soak: worker processes each run pairs of connected
//! sockets (each end on a random backend, a random packet type), and at
//! random: send sequence-numbered records, receive them passively or in
//! any active mode, switch modes, set and read options and counters, hand
//! pairs to another worker (`controlling_process`), and finish pairs
//! (the sender closes once the receiver has everything) to start new ones.
//!
//! Every record carries its pair and sequence number and bytes derived
//! from them: the receiver checks each, in order, and at the end of a
//! pair that it got exactly what was sent, then `closed`. A watchdog ends
//! a run that stops; the part's ledger checks that no descriptor or
//! thread is left.
//!
//! To narrow a failure down: `STRESS_SOAK=workers,pairs,seconds` sizes
//! the run, `SOAK_BACKENDS=is` puts every sender on `inet` and every
//! receiver on `socket` (`i`/`s` each), and `SOAK_MODES=PassiveTrue`
//! keeps the receivers to those modes (of `Passive`, `Once`, `Many`,
//! `True`).

use crate::figures::Ledger;
use crate::watchdog::watch;
use crate::{Rng, Scale, BACKENDS};
use gen_tcp::{Active, Data, Error, InetBackend, Message, Opt, OptName, PacketType, Pid, Socket};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The packet types records travel in.
const TYPES: [PacketType; 5] = [
    PacketType::Raw,
    PacketType::One,
    PacketType::Two,
    PacketType::Four,
    PacketType::Line,
];

/// Bytes sent and not yet received, at most: kept under what the two
/// kernels buffer, so that no send ever waits for a receiver that only
/// this same worker would run.
const IN_FLIGHT: usize = 32 << 10;

/// A record's header: pair id, sequence number, body length.
const HEADER: usize = 4 + 8 + 2;

/// The body of record `seq` of pair `pair`.
fn body(pair: u32, seq: u64, packet: PacketType) -> Vec<u8> {
    let mut rng = Rng::new(((pair as u64) << 40) ^ seq);
    let max = match packet {
        PacketType::One => 200,
        PacketType::Line => 300,
        _ => 3000,
    };
    let mut b = vec![0u8; rng.below(max + 1) as usize];
    rng.fill(&mut b);
    b
}

/// Record `seq` of pair `pair` as it is sent.
fn record(pair: u32, seq: u64, packet: PacketType) -> Vec<u8> {
    let body = body(pair, seq, packet);
    let mut r = Vec::with_capacity(HEADER + body.len());
    r.extend_from_slice(&pair.to_be_bytes());
    r.extend_from_slice(&seq.to_be_bytes());
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(&body);
    if packet == PacketType::Line {
        // A line may hold no newline: hex.
        let mut hex: Vec<u8> = r
            .iter()
            .flat_map(|b| format!("{b:02x}").into_bytes())
            .collect();
        hex.push(b'\n');
        return hex;
    }
    r
}

/// How the receiver takes packets now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rx {
    Passive,
    Once,
    Many,
    True,
}

/// One pair: a sender and a receiver, and where the stream is.
struct Pair {
    id: u32,
    packet: PacketType,
    tx: Socket,
    rx: Socket,
    mode: Rx,
    /// Records sent and checked.
    sent: u64,
    got: u64,
    /// Bytes sent and received (as they travel).
    sent_bytes: usize,
    got_bytes: usize,
    /// Raw mode: bytes received that do not make a record yet.
    partial: Vec<u8>,
    /// The sender is closed: the receiver reads to the end.
    tx_closed: bool,
}

/// The tally of a worker.
#[derive(Debug, Default, Clone)]
struct Tally {
    records: u64,
    bytes: u64,
    pairs_done: u64,
    migrations: u64,
    mode_changes: u64,
    options: u64,
}

/// What the workers share.
struct Shared {
    /// Migrations started and not yet adopted.
    migrating: AtomicU64,
    /// Past the soak's duration: no new migration starts.
    over: AtomicBool,
    next_pair: AtomicU64,
}

/// A worker's own state.
struct Worker {
    me: usize,
    rng: Rng,
    pairs: Vec<Pair>,
    peers: Vec<Pid>,
    listeners: Vec<(InetBackend, Socket, u16)>,
    shared: Arc<Shared>,
    tally: Tally,
}

type Step = Result<(), String>;

impl Worker {
    fn new_pair(&mut self) -> Step {
        let id = self.shared.next_pair.fetch_add(1, Ordering::Relaxed) as u32;
        let packet = *self.rng.pick(&TYPES);
        let (mut cb, mut sb) = (*self.rng.pick(&BACKENDS), *self.rng.pick(&BACKENDS));
        if let Ok(v) = std::env::var("SOAK_BACKENDS") {
            let b = |c: u8| {
                if c == b'i' {
                    InetBackend::Inet
                } else {
                    InetBackend::Socket
                }
            };
            cb = b(v.as_bytes()[0]);
            sb = b(v.as_bytes()[1]);
        }
        let &(_, ref l, port) = self
            .listeners
            .iter()
            .find(|(b, _, _)| *b == sb)
            .ok_or("no listener")?;
        let mut copts = vec![
            Opt::InetBackend(cb),
            Opt::Binary,
            Opt::Active(Active::False),
            Opt::Packet(packet),
        ];
        if self.rng.one_in(3) {
            copts.push(Opt::DelaySend(true));
        }
        if self.rng.one_in(2) {
            copts.push(Opt::Nodelay(true));
        }
        let tx = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &copts, Some(crate::WAIT))
            .map_err(|e| format!("pair {id}: connect: {e}"))?;
        let rx =
            gen_tcp::accept(l, Some(crate::WAIT)).map_err(|e| format!("pair {id}: accept: {e}"))?;
        gen_tcp::setopts(&rx, &[Opt::Packet(packet)])
            .map_err(|e| format!("pair {id}: setopts packet: {e}"))?;
        self.pairs.push(Pair {
            id,
            packet,
            tx,
            rx,
            mode: Rx::Passive,
            sent: 0,
            got: 0,
            sent_bytes: 0,
            got_bytes: 0,
            partial: Vec::new(),
            tx_closed: false,
        });
        Ok(())
    }

    /// One random step on pair `i`.
    fn step(&mut self, i: usize) -> Step {
        let roll = self.rng.below(100);
        let p = &self.pairs[i];
        let full = p.sent_bytes - p.got_bytes >= IN_FLIGHT;
        match roll {
            _ if p.tx_closed => self.receive(i),
            0..=39 if !full => self.send(i),
            0..=71 => self.receive(i),
            72..=83 => self.switch_mode(i),
            84..=92 => self.options(i),
            93..=97 => self.migrate(i),
            _ => self.finish(i),
        }
    }

    fn send(&mut self, i: usize) -> Step {
        let k = 1 + self.rng.below(4);
        for _ in 0..k {
            let p = &self.pairs[i];
            let r = record(p.id, p.sent, p.packet);
            // Any shape of iodata: one buffer, or pieces.
            let sent = if r.len() > 2 && self.rng.one_in(2) {
                let cut = 1 + self.rng.below(r.len() as u64 - 1) as usize;
                gen_tcp::send(&p.tx, vec![&r[..cut], &r[cut..]])
            } else {
                gen_tcp::send(&p.tx, &r[..])
            };
            sent.map_err(|e| format!("pair {}: send #{}: {e}", p.id, p.sent))?;
            let p = &mut self.pairs[i];
            p.sent += 1;
            p.sent_bytes += r.len();
            if p.sent_bytes - p.got_bytes >= IN_FLIGHT {
                break;
            }
        }
        Ok(())
    }

    /// Checks what one packet (or, raw, one piece of the stream) holds.
    fn take(&mut self, i: usize, d: Data) -> Step {
        let p = &mut self.pairs[i];
        let bytes = d.into_bytes();
        p.got_bytes += bytes.len();
        let mut records: Vec<Vec<u8>> = Vec::new();
        match p.packet {
            PacketType::Raw => {
                p.partial.extend_from_slice(&bytes);
                while p.partial.len() >= HEADER {
                    let len = u16::from_be_bytes([p.partial[12], p.partial[13]]) as usize;
                    if p.partial.len() < HEADER + len {
                        break;
                    }
                    records.push(p.partial.drain(..HEADER + len).collect());
                }
            }
            PacketType::Line => {
                let line = bytes
                    .strip_suffix(b"\n")
                    .ok_or_else(|| format!("pair {}: a line without its end", p.id))?;
                let hex = std::str::from_utf8(line).map_err(|_| "a line not hex")?;
                let raw = (0..hex.len() / 2)
                    .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16))
                    .collect::<Result<Vec<u8>, _>>()
                    .map_err(|_| format!("pair {}: a line not hex", p.id))?;
                records.push(raw);
            }
            _ => records.push(bytes.to_vec()),
        }
        for r in records {
            let want = record(p.id, p.got, p.packet);
            let want = if p.packet == PacketType::Line {
                let hex = std::str::from_utf8(&want[..want.len() - 1]).expect("hex");
                (0..hex.len() / 2)
                    .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).expect("hex"))
                    .collect()
            } else {
                want
            };
            if r != want {
                let seq = r
                    .get(4..12)
                    .map(|s| u64::from_be_bytes(s.try_into().unwrap()));
                let from = r
                    .get(..4)
                    .map(|s| u32::from_be_bytes(s.try_into().unwrap()));
                return Err(format!(
                    "pair {} ({}, {:?}): record #{} is wrong (carries pair {from:?} seq {seq:?}, {} bytes, want {})",
                    p.id,
                    p.packet.erlang_name(),
                    p.mode,
                    p.got,
                    r.len(),
                    want.len()
                ));
            }
            p.got += 1;
            self.tally.records += 1;
            self.tally.bytes += r.len() as u64;
        }
        Ok(())
    }

    /// The stream ended: it must be complete.
    fn ended(&mut self, i: usize, how: &str) -> Step {
        let p = &self.pairs[i];
        if !p.tx_closed || p.got != p.sent || !p.partial.is_empty() {
            return Err(format!(
                "pair {} ({}): {how} with {} of {} records (sender closed: {})",
                p.id,
                p.packet.erlang_name(),
                p.got,
                p.sent,
                p.tx_closed
            ));
        }
        let p = self.pairs.swap_remove(i);
        for s in [&p.rx, &p.tx] {
            let r = gen_tcp::close(s);
            if !matches!(r, Ok(()) | Err(Error::Closed)) {
                return Err(format!("pair {}: close: {r:?}", p.id));
            }
        }
        while gen_tcp::receive_from(&p.rx, Some(Duration::ZERO)).is_some() {}
        self.tally.pairs_done += 1;
        Ok(())
    }

    /// Handles one message about pair `i`'s receiver: `Ok(true)` once the
    /// stream has ended (and the pair is gone).
    fn message(&mut self, i: usize, m: Message) -> Result<bool, String> {
        match m {
            Message::Tcp(_, d) => {
                if matches!(self.pairs[i].mode, Rx::Once | Rx::Many) {
                    self.refresh_mode(i)?;
                }
                self.take(i, d)?;
                Ok(false)
            }
            // Maybe from before a later `setopts`: the socket says.
            Message::TcpPassive(_) => self.refresh_mode(i).map(|()| false),
            Message::TcpClosed(_) => self.ended(i, "tcp_closed").map(|()| true),
            Message::TcpError(_, e) => Err(format!("pair {}: tcp_error {e}", self.pairs[i].id)),
            other => Err(format!("unexpected {other:?}")),
        }
    }

    /// Learns whether the receiver is active now: a packet may have made
    /// it passive (`once`, `N`), and a `tcp_passive` in the mailbox may be
    /// older than the last `setopts`. Only this worker makes it active
    /// again, so a passive answer stays true until it does.
    fn refresh_mode(&mut self, i: usize) -> Step {
        let p = &mut self.pairs[i];
        p.mode = match gen_tcp::getopts(&p.rx, &[OptName::Active]).as_deref() {
            Ok([Opt::Active(Active::False)]) => Rx::Passive,
            Ok([Opt::Active(Active::Once)]) => Rx::Once,
            Ok([Opt::Active(Active::N(_))]) => Rx::Many,
            Ok([Opt::Active(Active::True)]) => Rx::True,
            // `{tcp_closed, S}` was sent (the sender has closed): the port
            // is gone, and that message is next.
            Err(Error::Einval) if p.tx_closed => p.mode,
            other => return Err(format!("pair {}: getopts active: {other:?}", p.id)),
        };
        Ok(())
    }

    /// Takes what arrived for pair `i`: the mailbox first (messages
    /// delivered while active come before anything read passively). Once
    /// the sender is closed, waits for the end.
    fn receive(&mut self, i: usize) -> Step {
        while let Some(m) = gen_tcp::receive_from(&self.pairs[i].rx, Some(Duration::ZERO)) {
            if self.message(i, m)? {
                return Ok(());
            }
        }
        loop {
            let p = &self.pairs[i];
            let wait = if p.tx_closed {
                Some(crate::WAIT)
            } else {
                Some(Duration::from_millis(self.rng.below(3)))
            };
            if p.mode != Rx::Passive {
                match gen_tcp::receive_from(&p.rx, wait) {
                    Some(m) => {
                        if self.message(i, m)? {
                            return Ok(());
                        }
                    }
                    None if p.tx_closed => return Err(format!("pair {}: no tcp_closed", p.id)),
                    None => return Ok(()),
                }
            } else {
                match gen_tcp::recv(&p.rx, 0, wait) {
                    Ok(d) => self.take(i, d)?,
                    Err(Error::Timeout) if !p.tx_closed => return Ok(()),
                    Err(Error::Closed) => return self.ended(i, "closed"),
                    Err(e) => return Err(format!("pair {}: recv: {e}", p.id)),
                }
            }
            if !self.pairs[i].tx_closed {
                return Ok(());
            }
        }
    }

    fn switch_mode(&mut self, i: usize) -> Step {
        let mut modes = vec![Rx::Passive, Rx::Once, Rx::Many, Rx::True];
        if let Ok(v) = std::env::var("SOAK_MODES") {
            modes.retain(|m| v.contains(&format!("{m:?}")));
        }
        let mode = *self.rng.pick(&modes);
        let active = match mode {
            Rx::Passive => Active::False,
            Rx::Once => Active::Once,
            Rx::Many => Active::N(1 + self.rng.below(5) as i32),
            Rx::True => Active::True,
        };
        let p = &mut self.pairs[i];
        gen_tcp::setopts(&p.rx, &[Opt::Active(active)])
            .map_err(|e| format!("pair {}: setopts {active:?}: {e}", p.id))?;
        p.mode = mode;
        self.tally.mode_changes += 1;
        Ok(())
    }

    /// Options that change nothing of the stream, and counters.
    fn options(&mut self, i: usize) -> Step {
        let p = &self.pairs[i];
        let which = self.rng.below(6);
        let r = match which {
            0 => gen_tcp::setopts(&p.rx, &[Opt::Buffer(1460 + self.rng.below(8192) as u32)]),
            1 => gen_tcp::setopts(&p.tx, &[Opt::Nodelay(self.rng.one_in(2))]),
            2 => gen_tcp::setopts(&p.tx, &[Opt::Keepalive(self.rng.one_in(2))]),
            3 => gen_tcp::getopts(
                &p.rx,
                &[
                    OptName::Active,
                    OptName::Packet,
                    OptName::Buffer,
                    OptName::Recbuf,
                ],
            )
            .map(drop),
            4 => gen_tcp::getstat(&p.tx, &[]).map(drop),
            _ => gen_tcp::getstat(&p.rx, &[]).map(drop),
        };
        r.map_err(|e| format!("pair {}: options #{which}: {e}", p.id))?;
        self.tally.options += 1;
        Ok(())
    }

    /// Hands pair `i` (both its sockets) to another worker.
    fn migrate(&mut self, i: usize) -> Step {
        if self.peers.len() < 2 {
            return Ok(());
        }
        self.shared.migrating.fetch_add(1, Ordering::SeqCst);
        if self.shared.over.load(Ordering::SeqCst) {
            self.shared.migrating.fetch_sub(1, Ordering::SeqCst);
            return Ok(());
        }
        let mut to = self.rng.below(self.peers.len() as u64) as usize;
        if to == self.me {
            to = (to + 1) % self.peers.len();
        }
        let pid = self.peers[to];
        let p = self.pairs.swap_remove(i);
        for s in [&p.tx, &p.rx] {
            gen_tcp::controlling_process(s, pid)
                .map_err(|e| format!("pair {}: controlling_process: {e}", p.id))?;
        }
        self.tally.migrations += 1;
        pid.send_user(Box::new(p));
        Ok(())
    }

    /// Finishes pair `i`: the sender closes once the receiver has every
    /// record (so that no close waits for a queue only this worker would
    /// drain); the receiver then reads to the end.
    fn finish(&mut self, i: usize) -> Step {
        while self.pairs[i].got < self.pairs[i].sent {
            // What was delivered while active comes first.
            if let Some(m) = gen_tcp::receive_from(&self.pairs[i].rx, Some(Duration::ZERO)) {
                if self.message(i, m)? {
                    return Err("ended before the sender closed".into());
                }
                continue;
            }
            let p = &self.pairs[i];
            if p.mode == Rx::Passive {
                match gen_tcp::recv(&p.rx, 0, Some(crate::WAIT)) {
                    Ok(d) => self.take(i, d)?,
                    Err(e) => return Err(format!("pair {}: recv to finish: {e}", p.id)),
                }
            } else {
                match gen_tcp::receive_from(&p.rx, Some(crate::WAIT)) {
                    Some(m) => {
                        if self.message(i, m)? {
                            return Err("ended before the sender closed".into());
                        }
                    }
                    None => return Err(format!("pair {}: nothing to finish with", p.id)),
                }
            }
        }
        let p = &mut self.pairs[i];
        let r = if self.rng.one_in(3) {
            gen_tcp::shutdown(&p.tx, gen_tcp::Shutdown::Write)
        } else {
            gen_tcp::close(&p.tx)
        };
        r.map_err(|e| format!("pair {}: closing the sender: {e}", p.id))?;
        p.tx_closed = true;
        self.receive(i)
    }

    /// Adopts the pairs other workers handed over, waiting up to `wait`
    /// for the first.
    fn adopt(&mut self, mut wait: Duration) {
        while let Some(Message::User(v)) = gen_tcp::receive_match(
            |m| matches!(m, Message::User(v) if v.is::<Box<Pair>>()),
            Some(wait),
        ) {
            let p = v.downcast::<Box<Pair>>().expect("a pair");
            self.pairs.push(**p);
            self.shared.migrating.fetch_sub(1, Ordering::SeqCst);
            wait = Duration::ZERO;
        }
    }
}

/// One worker: makes `pairs` pairs and steps them at random until
/// `until`, then finishes every pair it has.
fn worker(
    me: usize,
    seed: u64,
    pairs: usize,
    until: Instant,
    shared: Arc<Shared>,
) -> Result<Tally, String> {
    let peers = match gen_tcp::receive(Some(crate::WAIT)) {
        Some(Message::User(v)) => *v.downcast::<Vec<Pid>>().map_err(|_| "no peers")?,
        other => return Err(format!("worker {me}: {other:?}")),
    };
    let mut w = Worker {
        me,
        rng: Rng::new(seed ^ ((me as u64) << 48)),
        pairs: Vec::new(),
        peers,
        listeners: Vec::new(),
        shared,
        tally: Tally::default(),
    };
    for b in BACKENDS {
        let lo = [
            Opt::InetBackend(b),
            Opt::Binary,
            Opt::Active(Active::False),
            Opt::Ip(Ipv4Addr::LOCALHOST.into()),
        ];
        let l = gen_tcp::listen(0, &lo).map_err(|e| format!("listen: {e}"))?;
        let port = gen_tcp::port(&l).map_err(|e| format!("port: {e}"))?;
        w.listeners.push((b, l, port));
    }
    let run = |w: &mut Worker| -> Step {
        while Instant::now() < until {
            w.adopt(Duration::ZERO);
            while w.pairs.len() < pairs {
                w.new_pair()?;
            }
            let i = w.rng.below(w.pairs.len() as u64) as usize;
            w.step(i)?;
        }
        // Past the end: no more migrations; finish what is here and what
        // is still coming.
        w.shared.over.store(true, Ordering::SeqCst);
        loop {
            w.adopt(Duration::ZERO);
            if !w.pairs.is_empty() {
                if w.pairs[0].tx_closed {
                    w.receive(0)?;
                } else {
                    w.finish(0)?;
                }
                continue;
            }
            if w.shared.migrating.load(Ordering::SeqCst) == 0 {
                return Ok(());
            }
            // A pair on its way here: it comes as a message.
            w.adopt(Duration::from_millis(10));
        }
    };
    let r = run(&mut w);
    for (_, l, _) in &w.listeners {
        let _ = gen_tcp::close(l);
    }
    r.map(|()| w.tally)
}

/// Runs the part: workers for `secs` seconds.
pub fn part(scale: Scale, seed: u64) {
    let (mut workers, mut pairs, mut secs) = scale.pick((3, 4, 3), (4, 16, 120));
    if let Ok(v) = std::env::var("STRESS_SOAK") {
        let n: Vec<u64> = v.split(',').filter_map(|x| x.parse().ok()).collect();
        if let [w, p, s] = n[..] {
            (workers, pairs, secs) = (w as usize, p as usize, s);
        }
    }
    let _dog = watch(
        format!("soak of {secs} s, seed {seed}"),
        Duration::from_secs(secs + 180),
    );
    let ledger = Ledger::open("soak");
    let shared = Arc::new(Shared {
        migrating: AtomicU64::new(0),
        over: AtomicBool::new(false),
        next_pair: AtomicU64::new(0),
    });
    let until = Instant::now() + Duration::from_secs(secs);
    let mut handles = Vec::new();
    for me in 0..workers {
        let shared = shared.clone();
        handles.push(gen_tcp::spawn_with_handle(move || {
            worker(me, seed, pairs, until, shared)
        }));
    }
    let pids: Vec<Pid> = handles.iter().map(|(p, _)| *p).collect();
    for p in &pids {
        p.send_user(pids.clone());
    }
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for (pid, h) in handles {
        match h.join() {
            Ok(Ok(t)) => {
                total.records += t.records;
                total.bytes += t.bytes;
                total.pairs_done += t.pairs_done;
                total.migrations += t.migrations;
                total.mode_changes += t.mode_changes;
                total.options += t.options;
            }
            Ok(Err(e)) => failures.push(format!("worker {pid}: {e}")),
            Err(_) => failures.push(format!("worker {pid} panicked")),
        }
    }
    println!(
        "  seed {seed}, {workers} workers x {pairs} pairs, {secs} s: {} records ({} bytes) checked, \
         {} pairs finished, {} migrations, {} mode changes, {} option calls",
        total.records,
        total.bytes,
        total.pairs_done,
        total.migrations,
        total.mode_changes,
        total.options
    );
    assert!(failures.is_empty(), "soak:\n  {}", failures.join("\n  "));
    ledger.close();
}
