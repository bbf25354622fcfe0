//! Running `wrk` (Debian's package) and reading its report.

use crate::{sys, Context};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The row's value when `wrk` is not on `PATH`.
pub const NOT_INSTALLED: &str = "wrk not installed (apt-get install wrk)";

/// What one `wrk` run reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Requests completed.
    pub requests: u64,
    /// `Requests/sec`.
    pub requests_per_sec: f64,
    /// `wrk`'s CPU time over the time it ran.
    pub cpu_share: f64,
}

/// `wrk -t1 -c CONNS -d SECSs http://127.0.0.1:PORT/`, one thread (on the
/// CPU of the calling thread).
pub fn run(port: u16, conns: usize, secs: u64) -> Result<Report, String> {
    let started = Instant::now();
    let mut child = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{conns}"),
            &format!("-d{secs}s"),
            "--timeout",
            "10s",
        ])
        .arg(format!("http://127.0.0.1:{port}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => NOT_INSTALLED.to_string(),
            _ => format!("wrk: {e}"),
        })?;
    let mut out = String::new();
    if let Some(mut o) = child.stdout.take() {
        o.read_to_string(&mut out).ctx("wrk's output")?;
    }
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let cpu = sys::reap_with_cpu_time(child.id())?;
    let mut report = parse(&out).map_err(|e| format!("{e} {}", err.trim()))?;
    report.cpu_share = cpu.as_secs_f64() / started.elapsed().as_secs_f64();
    Ok(report)
}

/// Reads `wrk`'s report; non-2xx responses and socket errors are errors.
pub fn parse(out: &str) -> Result<Report, String> {
    let mut requests = None;
    let mut rate = None;
    for line in out.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix("Non-2xx or 3xx responses:") {
            return Err(format!("wrk: {} non-2xx responses", n.trim()));
        }
        if let Some(errors) = line.strip_prefix("Socket errors:") {
            return Err(format!("wrk: socket errors:{errors}"));
        }
        if let Some(r) = line.strip_prefix("Requests/sec:") {
            rate = r.trim().parse::<f64>().ok();
        }
        if line.contains(" requests in ") {
            requests = line.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    }
    match (requests, rate) {
        (Some(requests), Some(requests_per_sec)) => Ok(Report {
            requests,
            requests_per_sec,
            cpu_share: 0.0,
        }),
        _ => Err(format!("wrk: no result in {:?}", out.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "Running 2s test @ http://127.0.0.1:40000/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   420.00us  100.00us   2.00ms   90.00%
    Req/Sec    75.00k     2.00k   78.00k    80.00%
  149822 requests in 2.00s, 12.00MB read
Requests/sec:  74911.00
Transfer/sec:      6.00MB
";

    #[test]
    fn a_clean_run_gives_requests_and_rate() {
        let r = parse(CLEAN).unwrap();
        assert_eq!(r.requests, 149_822);
        assert_eq!(r.requests_per_sec, 74_911.0);
    }

    #[test]
    fn errors_and_bad_statuses_fail_the_run() {
        let bad = CLEAN.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 7\nRequests/sec",
        );
        assert_eq!(parse(&bad), Err("wrk: 7 non-2xx responses".into()));
        let errs = CLEAN.replace(
            "Requests/sec",
            "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec",
        );
        assert!(parse(&errs).unwrap_err().contains("read 3"));
        assert!(parse("unable to connect").is_err());
    }
}
