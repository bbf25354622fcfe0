//! The benchmark sections, what each measures and how its figures read.

use crate::bulk::{self, Reader};
use crate::{decode, framed, http, idle, ping_pong, served, setup, Scale, Target};
use gen_tcp::InetBackend;
use std::time::Duration;

/// Named figures of one row, as `(key, value)`.
pub type Figures = Vec<(String, f64)>;

/// One part of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// a. 1-byte ping-pong.
    PingPong,
    /// b. 1 GiB stream, read with `std::io::Read`.
    Bulk,
    /// b. the same stream, read with `recv(S, 0)`.
    BulkRecv,
    /// c. `{packet, 4}` messages.
    Framed,
    /// d. connect + accept + close.
    Setup,
    /// e. 1,000 connections, one server, one event-loop client.
    Served,
    /// f. an HTTP/1.1 keep-alive server under `wrk`.
    Http,
    /// g. memory of 10,000 idle connections.
    Idle,
    /// h. `{packet, _}` decoders.
    Decode,
}

/// How one figure of a section reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// The figure's key.
    pub key: &'static str,
    /// How it is shown.
    pub unit: Unit,
}

/// The unit of a figure, which says how to print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Round trips per second.
    RoundTrips,
    /// 10^6 bytes per second.
    MegabytesPerSec,
    /// Messages per second.
    Messages,
    /// Connections opened and closed per second.
    Setups,
    /// HTTP requests per second.
    Requests,
    /// A server's CPU time per operation, in seconds (printed in µs).
    CpuPerOp,
    /// Growth of peak RSS, in bytes (printed in MiB).
    PeakRss,
    /// Bytes per connection.
    BytesPerConn,
}

impl Unit {
    /// True for a rate (above 1 is better), false for a cost (memory,
    /// CPU per operation: above 1 is more).
    pub fn is_rate(self) -> bool {
        !matches!(self, Unit::PeakRss | Unit::BytesPerConn | Unit::CpuPerOp)
    }
}

/// Where a row's processes run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Everything on one CPU: the row's child pins itself first.
    OneCpu,
    /// The server on one CPU, the load on another: the row places them.
    ServerAndLoad,
    /// Wherever the scheduler puts them.
    Free,
}

impl Section {
    /// Every section, in table order.
    pub const ALL: [Section; 9] = [
        Section::PingPong,
        Section::Bulk,
        Section::BulkRecv,
        Section::Framed,
        Section::Setup,
        Section::Served,
        Section::Http,
        Section::Idle,
        Section::Decode,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Section::PingPong => "ping-pong",
            Section::Bulk => "bulk",
            Section::BulkRecv => "bulk-recv",
            Section::Framed => "framed",
            Section::Setup => "setup",
            Section::Served => "served",
            Section::Http => "http",
            Section::Idle => "idle",
            Section::Decode => "decode",
        }
    }

    /// Parses what [`Section::name`] gives.
    pub fn from_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The targets measured, baseline first when it has one; mio where
    /// an event loop does the same work; OTP's rows where its gen_tcp runs
    /// the same workload (not `Read`, which is Rust's; idle memory has no
    /// OTP row yet).
    pub fn targets(self) -> &'static [Target] {
        const SERVED: [Target; 6] = [
            Target::Mio,
            Target::Std,
            Target::GenTcp(InetBackend::Socket),
            Target::GenTcp(InetBackend::Inet),
            Target::Otp(InetBackend::Socket),
            Target::Otp(InetBackend::Inet),
        ];
        match self {
            Section::BulkRecv => &[
                Target::GenTcp(InetBackend::Socket),
                Target::GenTcp(InetBackend::Inet),
                Target::Otp(InetBackend::Socket),
                Target::Otp(InetBackend::Inet),
            ],
            Section::PingPong | Section::Framed | Section::Setup => &Target::WITH_MIO_AND_OTP,
            Section::Served => &SERVED,
            Section::Http => &Target::WITH_OTP,
            // Decoding opens no socket: one row, under the baseline's name.
            Section::Decode => &[Target::Std],
            Section::Bulk | Section::Idle => &Target::ALL,
        }
    }

    /// The row whose figures this section's ratios divide by, and the key
    /// to take from it when the keys differ.
    pub fn baseline(self) -> (Section, Target, Option<&'static str>) {
        match self {
            Section::BulkRecv => (Section::Bulk, Target::Std, None),
            // The server against the floor an event loop has.
            Section::Served => (Section::Served, Target::Mio, None),
            // A decoder's MB/s against the plain loopback stream's.
            Section::Decode => (Section::Bulk, Target::Std, Some("rate")),
            s => (s, Target::Std, None),
        }
    }

    /// The figures shown, in order; `None`: all of them, in MB/s.
    pub fn metrics(self) -> Option<&'static [Metric]> {
        const fn rate(unit: Unit) -> Metric {
            Metric { key: "rate", unit }
        }
        const ROUND_TRIPS: Metric = rate(Unit::RoundTrips);
        const MB: Metric = rate(Unit::MegabytesPerSec);
        const MESSAGES: Metric = rate(Unit::Messages);
        const SETUPS: Metric = rate(Unit::Setups);
        const REQUESTS: Metric = rate(Unit::Requests);
        const PEAK_RSS: Metric = Metric {
            key: "peak_rss",
            unit: Unit::PeakRss,
        };
        const CPU_PER_OP: Metric = Metric {
            key: "cpu_per_op",
            unit: Unit::CpuPerOp,
        };
        const PER_CONN: Metric = Metric {
            key: "per_conn",
            unit: Unit::BytesPerConn,
        };
        match self {
            Section::PingPong => Some(&[ROUND_TRIPS]),
            Section::Bulk | Section::BulkRecv => Some(&[MB]),
            Section::Framed => Some(&[MESSAGES]),
            Section::Setup => Some(&[SETUPS]),
            Section::Served => Some(&[ROUND_TRIPS, CPU_PER_OP, PEAK_RSS]),
            Section::Http => Some(&[REQUESTS, CPU_PER_OP]),
            Section::Idle => Some(&[PER_CONN]),
            Section::Decode => None,
        }
    }

    /// The section's heading at this scale.
    pub fn title(self, scale: Scale) -> String {
        let mib = (scale.ops(bulk::TOTAL / bulk::CHUNK) * bulk::CHUNK) >> 20;
        match self {
            Section::PingPong => format!(
                "a. ping-pong 1 B x {}, passive recv, 1 CPU",
                scale.ops(ping_pong::ROUND_TRIPS)
            ),
            Section::Bulk => format!("b. bulk {mib} MiB, 64 KiB sends, Read, 1 CPU"),
            Section::BulkRecv => format!("b. bulk {mib} MiB, 64 KiB sends, recv(0), 1 CPU"),
            Section::Framed => format!(
                "c. {{packet,4}} {} B x {}, recv(0) each, 1 CPU",
                framed::BODY,
                scale.ops(framed::MESSAGES)
            ),
            Section::Setup => format!(
                "d. connect+accept+close x {}, 1 CPU",
                scale.ops(setup::SETUPS)
            ),
            Section::Served => format!(
                "e. {} conns x {} rt of {} B, 1 server, mio client",
                scale.count(served::CONNECTIONS),
                scale.repeat(served::ROUNDS),
                served::MESSAGE
            ),
            Section::Http => format!(
                "f. HTTP/1.1 keep-alive, wrk -c {} -d {}s",
                http::CONNECTIONS,
                http::seconds(scale)
            ),
            Section::Idle => format!("g. {} idle conns, memory", 2 * scale.count(idle::PAIRS)),
            Section::Decode => "h. decode {packet, T}".to_string(),
        }
    }

    /// A short name for the section in the chart, one or two lines.
    pub fn label(self) -> &'static str {
        match self {
            Section::PingPong => "ping-pong\n1 B",
            Section::Bulk => "bulk\nRead",
            Section::BulkRecv => "bulk\nrecv(0)",
            Section::Framed => "{packet,4}\n100 B",
            Section::Setup => "connect+\naccept+close",
            Section::Served => "1,000 conns\n(1.0 = mio)",
            Section::Http => "HTTP keep-\nalive (wrk)",
            Section::Idle => "idle\nmemory",
            Section::Decode => "decode",
        }
    }

    /// Where the row runs. Ping-pong, bulk, framed and setup are a chain
    /// of wake-ups between two threads (or one thread's syscalls):
    /// unpinned, where the scheduler puts the two changes their rate up
    /// to fourfold, for seconds at a time, on this kind of shared
    /// machine. On one CPU they measure what they are meant to, the CPU
    /// each target spends per operation, and vary by a few percent. The
    /// servers (e, f) run on one CPU and their load on another, so that
    /// the load does not take the server's CPU.
    pub fn placement(self) -> Placement {
        match self {
            Section::PingPong
            | Section::Bulk
            | Section::BulkRecv
            | Section::Framed
            | Section::Setup => Placement::OneCpu,
            Section::Served | Section::Http => Placement::ServerAndLoad,
            Section::Idle | Section::Decode => Placement::Free,
        }
    }

    /// True when the rows measure a server in a process of its own, whose
    /// syscalls are counted apart from the load's ([`crate::trace`]).
    pub fn has_server_process(self) -> bool {
        self.placement() == Placement::ServerAndLoad
    }

    /// How many times each row runs. Rows with a rate run 3 times, the
    /// targets taking turns, and keep their fastest run: noise only ever
    /// slows a run, and turns spread it over the targets.
    pub fn runs(self) -> usize {
        match self {
            Section::Idle | Section::Decode => 1,
            _ => 3,
        }
    }

    /// How long a row may take before its child is stopped ([`SLOWDOWN`]
    /// times longer in a row that `bench --syscalls` traces).
    ///
    /// [`SLOWDOWN`]: crate::trace::SLOWDOWN
    pub fn timeout(self) -> Duration {
        let t = Duration::from_secs(match self {
            Section::Served | Section::Idle | Section::Setup | Section::Http => 60,
            _ => 30,
        });
        if crate::trace::slowed() {
            t * crate::trace::SLOWDOWN
        } else {
            t
        }
    }

    /// Measures one row, in this process.
    pub fn run(self, target: Target, scale: Scale) -> Result<Figures, String> {
        match self {
            Section::PingPong => ping_pong::run(target, scale),
            Section::Bulk => bulk::run(target, scale, Reader::Read),
            Section::BulkRecv => bulk::run(target, scale, Reader::Recv),
            Section::Framed => framed::run(target, scale),
            Section::Setup => setup::run(target, scale),
            Section::Served => served::run(target, scale),
            Section::Http => http::run(target, scale),
            Section::Idle => idle::run(target, scale),
            Section::Decode => Ok(decode::run()),
        }
    }
}

/// Of two runs of a row, the one with the higher `rate`.
pub fn faster(a: Figures, b: Figures) -> Figures {
    let rate = |f: &Figures| f.iter().find(|(k, _)| k == "rate").map_or(0.0, |&(_, v)| v);
    if rate(&b) > rate(&a) {
        b
    } else {
        a
    }
}
