//! The `otp socket` and `otp inet` rows: Erlang/OTP's own gen_tcp on the
//! same workloads, run by `benches/otp/bench.escript` in a BEAM of its own.
//!
//! The script takes the section's name, the backend and the sizes, and
//! prints `KEY VALUE` lines: `otp_release R` first, then its result
//! (`rt_per_s`, `mb_per_s`, `msg_per_s`, `conn_per_s`; for the servers of
//! `served` and `http`, `port` once it listens, and for `served`
//! `peak_rss` once every client has closed), or `error REASON`. It times
//! inside the VM, so the VM's start-up is not measured.
//!
//! The BEAM always runs on one CPU, the one the row's child process (or,
//! for a server, the thread starting it) is pinned to, with `+S 1:1`:
//! the BEAM starts a scheduler per online CPU whatever its affinity, and
//! two schedulers on one CPU would only take turns.

use crate::spawned::Spawned;
use crate::{trace, Figures, Section};
use gen_tcp::InetBackend;
use std::process::Command;
use std::time::{Duration, Instant};

/// The row's value when `escript` is not on `PATH`.
pub const NOT_INSTALLED: &str = "not installed (apt-get install erlang-base)";

/// The script, where this crate's sources are.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/otp/bench.escript");

/// The BEAM is stopped this long before the parent would stop the row,
/// so that it never outlives the row.
const MARGIN: Duration = Duration::from_secs(5);

/// Emulator flags: one scheduler, on the one CPU the BEAM is pinned to.
const ONE_CPU_FLAGS: &str = "+S 1:1";

/// Runs a section whose result is one rate line (`key`); figures: `rate`
/// and `otp_release`.
pub fn rate(
    section: Section,
    backend: InetBackend,
    sizes: &[usize],
    key: &str,
) -> Result<Figures, String> {
    let mut script = start(section, backend, sizes)?;
    let release = script.expect("otp_release")?;
    let rate = script.expect(key)?;
    script.finish()?;
    Ok(vec![("rate".into(), rate), ("otp_release".into(), release)])
}

/// Starts `escript bench.escript SECTION BACKEND SIZES...`, under
/// `strace` when the row counts a server's syscalls ([`trace::wrap`]).
pub fn start(section: Section, backend: InetBackend, sizes: &[usize]) -> Result<Spawned, String> {
    if !crate::installed("escript") {
        return Err(NOT_INSTALLED.into());
    }
    let mut command = Command::new("escript");
    command
        .arg(SCRIPT)
        .arg(section.name())
        .arg(backend.name())
        .args(sizes.iter().map(usize::to_string))
        .env("ERL_FLAGS", ONE_CPU_FLAGS);
    let deadline = Instant::now() + section.timeout().saturating_sub(MARGIN);
    Spawned::start(trace::wrap(command), "escript", deadline)
}
