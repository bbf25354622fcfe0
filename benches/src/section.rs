//! The benchmark sections, what each measures and how its figures read.

use crate::bulk::{self, Reader};
use crate::{decode, idle, ping_pong, served, Scale, Target};
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
    /// c. 1,000 connections, one `{active, once}` server.
    Served,
    /// d. memory of 10,000 idle connections.
    Idle,
    /// e. `{packet, _}` decoders.
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
    /// Growth of peak RSS, in bytes (printed in MiB).
    PeakRss,
    /// Bytes per connection.
    BytesPerConn,
}

impl Section {
    /// Every section, in table order.
    pub const ALL: [Section; 6] = [
        Section::PingPong,
        Section::Bulk,
        Section::BulkRecv,
        Section::Served,
        Section::Idle,
        Section::Decode,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Section::PingPong => "ping-pong",
            Section::Bulk => "bulk",
            Section::BulkRecv => "bulk-recv",
            Section::Served => "served",
            Section::Idle => "idle",
            Section::Decode => "decode",
        }
    }

    /// Parses what [`Section::name`] gives.
    pub fn from_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The targets measured, baseline first when it has one; OTP's rows
    /// where its gen_tcp runs the same workload (not `Read`, which is
    /// Rust's; idle memory has no OTP row yet).
    pub fn targets(self) -> &'static [Target] {
        match self {
            Section::BulkRecv => &[
                Target::GenTcp(InetBackend::Socket),
                Target::GenTcp(InetBackend::Inet),
                Target::Otp(InetBackend::Socket),
                Target::Otp(InetBackend::Inet),
            ],
            Section::PingPong | Section::Served => &Target::WITH_OTP,
            // Decoding opens no socket: one row, under the baseline's name.
            Section::Decode => &[Target::Std],
            _ => &Target::ALL,
        }
    }

    /// The row whose figures this section's ratios divide by, and the key
    /// to take from it when the keys differ.
    pub fn baseline(self) -> (Section, Target, Option<&'static str>) {
        match self {
            Section::BulkRecv => (Section::Bulk, Target::Std, None),
            // A decoder's MB/s against the plain loopback stream's.
            Section::Decode => (Section::Bulk, Target::Std, Some("rate")),
            s => (s, Target::Std, None),
        }
    }

    /// The figures shown, in order; `None`: all of them, in MB/s.
    pub fn metrics(self) -> Option<&'static [Metric]> {
        const RATE_RT: Metric = Metric {
            key: "rate",
            unit: Unit::RoundTrips,
        };
        const RATE_MB: Metric = Metric {
            key: "rate",
            unit: Unit::MegabytesPerSec,
        };
        const PEAK_RSS: Metric = Metric {
            key: "peak_rss",
            unit: Unit::PeakRss,
        };
        const PER_CONN: Metric = Metric {
            key: "per_conn",
            unit: Unit::BytesPerConn,
        };
        match self {
            Section::PingPong => Some(&[RATE_RT]),
            Section::Bulk | Section::BulkRecv => Some(&[RATE_MB]),
            Section::Served => Some(&[RATE_RT, PEAK_RSS]),
            Section::Idle => Some(&[PER_CONN]),
            Section::Decode => None,
        }
    }

    /// The section's heading at this scale.
    pub fn title(self, scale: Scale) -> String {
        let mib = (scale.count(bulk::TOTAL / bulk::CHUNK) * bulk::CHUNK) >> 20;
        match self {
            Section::PingPong => format!(
                "a. ping-pong 1 B x {}, passive recv, 1 CPU",
                scale.count(ping_pong::ROUND_TRIPS)
            ),
            Section::Bulk => format!("b. bulk {mib} MiB, 64 KiB sends, Read, 1 CPU"),
            Section::BulkRecv => format!("b. bulk {mib} MiB, 64 KiB sends, recv(0), 1 CPU"),
            Section::Served => format!(
                "c. {} conns x {} rt of {} B, 1 server process",
                scale.count(served::CONNECTIONS),
                served::ROUNDS,
                served::MESSAGE
            ),
            Section::Idle => format!("d. {} idle conns, memory", 2 * scale.count(idle::PAIRS)),
            Section::Decode => "e. decode {packet, T}".to_string(),
        }
    }

    /// True for the rows run on one CPU. Ping-pong and bulk are a chain
    /// of wake-ups between two threads: unpinned, where the scheduler puts
    /// the two changes their rate up to fourfold, for seconds at a time,
    /// on this kind of shared machine. On one CPU they measure what they
    /// are meant to, the CPU each target spends per round trip or byte,
    /// and vary by a few percent.
    pub fn pinned(self) -> bool {
        matches!(self, Section::PingPong | Section::Bulk | Section::BulkRecv)
    }

    /// How many times each row runs. Rows with a rate run 3 times, the
    /// targets taking turns, and keep their fastest run: noise only ever
    /// slows a run, and turns spread it over the targets.
    pub fn runs(self) -> usize {
        match self {
            Section::PingPong | Section::Bulk | Section::BulkRecv | Section::Served => 3,
            Section::Idle | Section::Decode => 1,
        }
    }

    /// How long a row may take before its child is stopped.
    pub fn timeout(self) -> Duration {
        Duration::from_secs(match self {
            Section::Served | Section::Idle => 60,
            _ => 30,
        })
    }

    /// Measures one row, in this process.
    pub fn run(self, target: Target, scale: Scale) -> Result<Figures, String> {
        match self {
            Section::PingPong => ping_pong::run(target, scale),
            Section::Bulk => bulk::run(target, scale, Reader::Read),
            Section::BulkRecv => bulk::run(target, scale, Reader::Recv),
            Section::Served => served::run(target, scale),
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
