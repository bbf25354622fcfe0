//! The `otp socket` and `otp inet` rows: Erlang/OTP's own gen_tcp on the
//! same workloads, run by `benches/otp/bench.escript` in a BEAM of its own.
//!
//! The script takes the section's name, the backend and the sizes, and
//! prints `KEY VALUE` lines: `otp_release R` first, then its result
//! (`rt_per_s`, `mb_per_s`; for `served`, `port` once it listens and
//! `peak_rss` once every client has closed), or `error REASON`. It times
//! inside the VM, so the VM's start-up is not measured.
//!
//! On a pinned section the BEAM inherits the one CPU the row's child
//! process pinned itself to ([`crate::child`]), and runs with `+S 1:1`:
//! the BEAM starts a scheduler per online CPU whatever its affinity, and
//! two schedulers on one CPU would only take turns.

use crate::{child, Figures, Section};
use gen_tcp::InetBackend;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The row's value when `escript` is not on `PATH`.
pub const NOT_INSTALLED: &str = "not installed (apt-get install erlang-base)";

/// The script, where this crate's sources are.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/otp/bench.escript");

/// The BEAM is stopped this long before the parent would stop the row,
/// so that it never outlives the row.
const MARGIN: Duration = Duration::from_secs(5);

/// Emulator flags for a section run on one CPU.
const ONE_CPU_FLAGS: &str = "+S 1:1";

/// Runs a section whose result is one rate line (`key`); figures: `rate`
/// and `otp_release`.
pub fn rate(
    section: Section,
    backend: InetBackend,
    sizes: &[usize],
    key: &str,
) -> Result<Figures, String> {
    let mut script = Escript::start(section, backend, sizes)?;
    let release = script.expect("otp_release")?;
    let rate = script.expect(key)?;
    script.finish()?;
    Ok(vec![("rate".into(), rate), ("otp_release".into(), release)])
}

/// A running `bench.escript`, stopped when dropped.
pub struct Escript {
    child: Child,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
    deadline: Instant,
}

impl Escript {
    /// Starts `escript bench.escript SECTION BACKEND SIZES...`.
    pub fn start(
        section: Section,
        backend: InetBackend,
        sizes: &[usize],
    ) -> Result<Escript, String> {
        let mut command = Command::new("escript");
        command
            .arg(SCRIPT)
            .arg(section.name())
            .arg(backend.name())
            .args(sizes.iter().map(usize::to_string))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if section.pinned() {
            command.env("ERL_FLAGS", ONE_CPU_FLAGS);
        }
        let mut child = match command.spawn() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(NOT_INSTALLED.into()),
            Err(e) => return Err(format!("escript: {e}")),
        };
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take();
        std::thread::spawn(move || {
            let Some(out) = stdout else { return };
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stderr = Some(child::drain(child.stderr.take()));
        Ok(Escript {
            child,
            lines,
            stderr,
            deadline: Instant::now() + section.timeout().saturating_sub(MARGIN),
        })
    }

    /// The value of the next `key VALUE` line; an `error` line, the
    /// script's end or its deadline is an error.
    pub fn expect(&mut self, key: &str) -> Result<f64, String> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => return Err("escript timed out".into()),
                Err(RecvTimeoutError::Disconnected) => return Err(self.why_it_ended(key)),
            };
            match line.split_once(' ') {
                Some(("error", reason)) => return Err(format!("escript: {reason}")),
                Some((k, v)) if k == key => {
                    return v
                        .trim()
                        .parse()
                        .map_err(|_| format!("escript: bad line {line:?}"))
                }
                _ => {} // a line this caller does not ask for
            }
        }
    }

    /// Waits for the script to exit after its last line.
    pub fn finish(mut self) -> Result<(), String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match child::wait(&mut self.child, left)? {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err(format!("escript exited with {status}")),
            None => Err("escript did not exit".into()),
        }
    }

    /// The exit status and the last line of stderr, once stdout closed
    /// without `key`.
    fn why_it_ended(&mut self, key: &str) -> String {
        let status = self
            .child
            .wait()
            .map_or_else(|e| e.to_string(), |s| s.to_string());
        let stderr = self.stderr.take().map(|h| h.join().unwrap_or_default());
        let last = stderr
            .as_deref()
            .and_then(|s| s.lines().rev().find(|l| !l.trim().is_empty()));
        format!(
            "escript ended ({status}) without {key}{}",
            last.map_or(String::new(), |l| format!(": {}", l.trim()))
        )
    }
}

impl Drop for Escript {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
