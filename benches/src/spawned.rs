//! A process a row starts beside itself (a server, OTP's BEAM) that
//! reports on its stdout in `KEY VALUE` lines, `error REASON` when it
//! fails.
//!
//! It leads a process group of its own, so that stopping it stops what
//! it started too (the BEAM behind `escript`, a server behind `strace`);
//! it is stopped when dropped. A server whose syscalls a row counts is
//! given here already wrapped by [`crate::trace::wrap`].

use crate::{child, sys};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a stopped process has to exit before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// A running reporter process.
pub struct Spawned {
    what: String,
    child: Child,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
    deadline: Instant,
}

impl Spawned {
    /// Starts `command` (named `what` in errors) with piped stdout and
    /// stderr; it must be done by `deadline`.
    pub fn start(command: Command, what: &str, deadline: Instant) -> Result<Spawned, String> {
        Spawned::start_or(command, what, deadline, |e| format!("{what}: {e}"))
    }

    /// As [`Spawned::start`], with `on_error` saying what a failed spawn
    /// means (`not installed`, for a missing program).
    pub fn start_or(
        command: Command,
        what: &str,
        deadline: Instant,
        on_error: impl FnOnce(std::io::Error) -> String,
    ) -> Result<Spawned, String> {
        let mut command = command;
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().map_err(on_error)?;
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
        Ok(Spawned {
            what: what.to_string(),
            child,
            lines,
            stderr,
            deadline,
        })
    }

    /// The value of the next `key VALUE` line; an `error` line, the
    /// process's end or the deadline is an error.
    pub fn expect(&mut self, key: &str) -> Result<f64, String> {
        self.expect_line(key, |line| match line.split_once(' ') {
            Some((k, v)) if k == key => v.trim().parse().ok(),
            _ => None,
        })
    }

    /// The first line `parse` accepts (lines it does not are skipped);
    /// `looking_for` names it in errors.
    pub fn expect_line<T>(
        &mut self,
        looking_for: &str,
        mut parse: impl FnMut(&str) -> Option<T>,
    ) -> Result<T, String> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!("{} timed out", self.what));
                }
                Err(RecvTimeoutError::Disconnected) => return Err(self.why_it_ended(looking_for)),
            };
            if let Some(reason) = line.strip_prefix("error ") {
                return Err(format!("{}: {reason}", self.what));
            }
            if let Some(v) = parse(&line) {
                return Ok(v);
            }
        }
    }

    /// The process's id (its group's id too).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit by itself after its last line.
    pub fn finish(mut self) -> Result<(), String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match child::wait(&mut self.child, left)? {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err(format!("{} exited with {status}", self.what)),
            None => Err(format!("{} did not exit", self.what)),
        }
    }

    /// Stops a process that would run on (a server): SIGTERM to its
    /// group, which lets `strace` write its counts, then SIGKILL if it
    /// has not exited within a few seconds.
    pub fn stop(mut self) -> Result<(), String> {
        sys::signal_group(self.child.id(), libc::SIGTERM);
        match child::wait(&mut self.child, GRACE)? {
            Some(_) => Ok(()),
            None => Err(format!("{} did not stop on SIGTERM", self.what)),
        }
    }

    /// The exit status and the last line of stderr, once stdout closed
    /// without what was looked for.
    fn why_it_ended(&mut self, looking_for: &str) -> String {
        let status = self
            .child
            .wait()
            .map_or_else(|e| e.to_string(), |s| s.to_string());
        let stderr = self.stderr.take().map(|h| h.join().unwrap_or_default());
        let last = stderr
            .as_deref()
            .and_then(|s| s.lines().rev().find(|l| !l.trim().is_empty()));
        format!(
            "{} ended ({status}) without {looking_for}{}",
            self.what,
            last.map_or(String::new(), |l| format!(": {}", l.trim()))
        )
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            sys::signal_group(self.child.id(), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}
