//! The printed table: one line per figure, each with its ratio to the
//! baseline row measured in the same run.

use crate::section::{Metric, Unit};
use crate::{http, otp, Figures, Scale, Section, Target};
use gen_tcp::InetBackend;
use std::fmt::Write;

/// What one row gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The section.
    pub section: Section,
    /// What it ran on.
    pub target: Target,
    /// Its figures, or why there are none.
    pub result: Result<Figures, String>,
}

impl Outcome {
    fn figure(&self, key: &str) -> Option<f64> {
        let figures = self.result.as_ref().ok()?;
        figures.iter().find(|(k, _)| k == key).map(|&(_, v)| v)
    }
}

/// One printed line.
struct Line {
    title: String,
    backend: String,
    value: String,
    ratio: String,
}

/// The table, headed by the date, `nproc` and the scale, with notes.
pub fn render(outcomes: &[Outcome], scale: Scale) -> String {
    let mut lines = vec![Line {
        title: "benchmark".into(),
        backend: "backend".into(),
        value: "value".into(),
        ratio: "x baseline".into(),
    }];
    let mut last_section = None;
    for o in outcomes {
        let first = last_section != Some(o.section);
        last_section = Some(o.section);
        let title = if first {
            o.section.title(scale)
        } else {
            String::new()
        };
        match &o.result {
            Err(reason) => lines.push(Line {
                title,
                backend: o.target.to_string(),
                value: if reason == otp::NOT_INSTALLED || reason == http::wrk::NOT_INSTALLED {
                    reason.clone()
                } else {
                    format!("error: {reason}")
                },
                ratio: String::new(),
            }),
            Ok(figures) => lines.extend(figure_lines(o, figures, title, outcomes)),
        }
    }
    let width = |f: fn(&Line) -> &String| lines.iter().map(|l| f(l).len()).max().unwrap_or(0);
    let (wt, wb, wv) = (
        width(|l| &l.title),
        width(|l| &l.backend),
        width(|l| &l.value),
    );
    let mut out = format!(
        "gen_tcp benches, {} (UTC), nproc {}, BENCH_SCALE {}\n\n",
        utc_date(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        scale.factor()
    );
    for l in &lines {
        let row = format!(
            "{:wt$}  {:wb$}  {:wv$}  {}",
            l.title, l.backend, l.value, l.ratio
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
    out.push_str(NOTES);
    out.push_str(&otp_notes(outcomes));
    out
}

const NOTES: &str = "
x baseline: the value over the baseline row's in the same run (for
throughput above 1 is faster; for memory above 1 is more). The baseline
is std, but for e (mio) and decode (the std bulk stream's MB/s; above 1
the decoder outpaces a plain loopback stream); bulk recv(0) is against
std bulk.
a-d: on one CPU (unpinned, thread placement swings them up to 4x).
e, f: the server on one CPU, the load (one mio client thread; wrk -t1)
on another; load N% CPU: the load's CPU time over the run (near 100%:
the load, not the server, set the pace, and the rate ratio understates
the gap). CPU/op: the server's CPU time (its process group, every
thread) over the run per round trip or request, whoever set the pace:
the server's cost (above 1: costs more than the baseline's).
a-f: the fastest of 3 runs, the targets taking turns.
e: the server's own process: growth of its peak RSS (VmHWM) over the
run, and the peak itself in brackets; std is a thread per connection.
f: requests/s as wrk counts them, any non-2xx or socket error fails
the row.
g: (RSS after - RSS before) / connections (both ends of each pair are
sockets of the target) and the handles to them; kernel socket buffers are
not in RSS.
";

/// How OTP's rows were run, and each of our backends' rate over OTP's
/// on the same backend (the quotient of the two rows' ratios).
fn otp_notes(outcomes: &[Outcome]) -> String {
    let release = outcomes
        .iter()
        .find_map(|o| o.figure("otp_release"))
        .map_or_else(String::new, |r| format!(" {r:.0}"));
    let mut out = format!(
        "otp socket, otp inet: Erlang/OTP{release}'s own gen_tcp, {{inet_backend, B}},
benches/otp/bench.escript, same options and sizes, the BEAM on one CPU
with +S 1:1 (one scheduler). a-d: timed inside the VM (its start-up not
counted), on the same one CPU as our rows. e, f: the same server in
Erlang, the same load; e's memory is the BEAM's own peak RSS.
ours / OTP's, same backend (above 1: ours is faster or, for memory and
CPU per op, costs more):
"
    );
    let mut any = false;
    for section in Section::ALL {
        let Some(metrics) = section.metrics() else {
            continue;
        };
        for &Metric { key, unit } in metrics {
            let pairs: Vec<String> = [InetBackend::Socket, InetBackend::Inet]
                .into_iter()
                .filter_map(|b| {
                    let of = |t: Target| {
                        outcomes
                            .iter()
                            .find(|o| o.section == section && o.target == t)
                            .and_then(|o| o.figure(key))
                    };
                    match (of(Target::GenTcp(b)), of(Target::Otp(b))) {
                        (Some(ours), Some(otp)) if otp > 0.0 => {
                            Some(format!("{} {:.2}", b.name(), ours / otp))
                        }
                        _ => None,
                    }
                })
                .collect();
            if !pairs.is_empty() {
                any = true;
                let what = match unit {
                    Unit::PeakRss => " memory",
                    Unit::CpuPerOp => " CPU per op",
                    _ => "",
                };
                let _ = writeln!(out, "  {}{what}: {}", section.name(), pairs.join(", "));
            }
        }
    }
    if !any {
        out.push_str("  (no OTP row measured: is escript on PATH?)\n");
    }
    out
}

fn figure_lines(o: &Outcome, figures: &Figures, title: String, all: &[Outcome]) -> Vec<Line> {
    let (base_section, base_target, base_key) = o.section.baseline();
    let baseline = all
        .iter()
        .find(|b| b.section == base_section && b.target == base_target);
    let ratio = |key: &str, v: f64| match baseline.and_then(|b| b.figure(base_key.unwrap_or(key))) {
        Some(b) if b > 0.0 => format!("{:.2}", v / b),
        _ => "-".into(),
    };
    match o.section.metrics() {
        Some(metrics) => metrics
            .iter()
            .enumerate()
            .map(|(i, &Metric { key, unit })| {
                let v = o.figure(key);
                Line {
                    title: if i == 0 { title.clone() } else { String::new() },
                    backend: o.target.to_string(),
                    value: v.map_or_else(|| format!("no {key}"), |v| show(unit, v, o)),
                    ratio: v.map_or_else(String::new, |v| ratio(key, v)),
                }
            })
            .collect(),
        // Decoders: one line per packet type, titled with it.
        None => figures
            .iter()
            .map(|(key, v)| Line {
                title: format!(
                    "h. decode {{packet, {}}}",
                    key.trim_start_matches("decode/")
                ),
                backend: "-".into(),
                value: format!("{} MB/s", thousands(*v)),
                ratio: ratio(key, *v),
            })
            .collect(),
    }
}

fn show(unit: Unit, v: f64, o: &Outcome) -> String {
    // How busy the load generator was, where there is one.
    let load = o
        .figure("load_cpu")
        .map_or(String::new(), |c| format!(" (load {:.0}% CPU)", 100.0 * c));
    let mib = |b: f64| b / (1 << 20) as f64;
    match unit {
        Unit::RoundTrips => format!("{} rt/s{load}", thousands(v)),
        Unit::MegabytesPerSec => format!("{} MB/s", thousands(v)),
        Unit::Messages => format!("{} msg/s", thousands(v)),
        Unit::Setups => format!("{} conn/s", thousands(v)),
        Unit::Requests => format!("{} req/s{load}", thousands(v)),
        Unit::CpuPerOp => match o.figure("server_cpu") {
            Some(c) => format!("{:.1} us CPU/op (server {:.0}% CPU)", v * 1e6, 100.0 * c),
            None => format!("{:.1} us CPU/op", v * 1e6),
        },
        Unit::PeakRss => match o.figure("peak_rss_total") {
            Some(t) => format!("+{:.1} MiB peak RSS ({:.1} MiB)", mib(v), mib(t)),
            None => format!("+{:.1} MiB peak RSS", mib(v)),
        },
        Unit::BytesPerConn => match o.figure("pairs") {
            Some(n) => format!("{} B/conn ({} conns)", thousands(v), thousands(n)),
            None => format!("{} B/conn", thousands(v)),
        },
    }
}

/// `1234567.8` as `1,234,568`.
fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn utc_date() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-1000.0), "-1,000");
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
