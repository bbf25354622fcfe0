//! Counting syscalls with `strace -f -c`: wrapping a command, and reading
//! the summary table `strace -c` writes.
//!
//! `bench --syscalls` ([`crate::syscalls`]) runs a row under `strace`
//! when the row is all the target's own work (both ends of a ping-pong
//! are the target), and otherwise sets [`TRACE_ENV`] so that the row
//! wraps only the server it measures ([`wrap`]), not the load on it.

use std::path::Path;
use std::process::Command;

/// When set, the file the measured server's `strace -c` summary goes to.
pub const TRACE_ENV: &str = "BENCH_TRACE";

/// Set in a row run under `bench --syscalls`: its waits are
/// [`SLOWDOWN`] times longer, since `strace` slows every syscall.
pub const SLOW_ENV: &str = "BENCH_UNDER_STRACE";

/// How much longer a traced row may take.
pub const SLOWDOWN: u32 = 3;

/// True in a row run under `bench --syscalls`.
pub fn slowed() -> bool {
    std::env::var_os(SLOW_ENV).is_some()
}

/// `command` under `strace -f -c -o FILE` when [`TRACE_ENV`] names a
/// file, else `command` itself.
pub fn wrap(command: Command) -> Command {
    match std::env::var_os(TRACE_ENV) {
        Some(file) => under_strace(command, Path::new(&file)),
        None => command,
    }
}

/// `command` under `strace -f -c -o out`: every thread and child counted,
/// the table written when the last of them exits.
pub fn under_strace(command: Command, out: &Path) -> Command {
    let mut traced = Command::new("strace");
    traced
        .args(["-f", "-c", "-o"])
        .arg(out)
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(v) => traced.env(key, v),
            None => traced.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        traced.current_dir(dir);
    }
    traced
}

/// One line of a `strace -c` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calls {
    /// The syscall's name.
    pub name: String,
    /// How many were made, failed ones included (a call that fails, as
    /// a read that would block, is still made).
    pub calls: u64,
    /// How many of them failed.
    pub errors: u64,
}

/// The `calls` and `errors` columns of a `strace -c` table, per syscall
/// (`total` left out).
pub fn parse_summary(table: &str) -> Result<Vec<Calls>, String> {
    let mut calls = Vec::new();
    let mut in_table = false;
    for line in table.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.first() == Some(&"%") {
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with('-') || cols.len() < 5 {
            continue;
        }
        // % time, seconds, usecs/call, calls, [errors], syscall
        let name = cols[cols.len() - 1];
        if name == "total" {
            continue;
        }
        let number = |s: &str| {
            s.parse::<u64>()
                .map_err(|_| format!("strace: bad line {line:?}"))
        };
        calls.push(Calls {
            name: name.to_string(),
            calls: number(cols[3])?,
            errors: if cols.len() >= 6 { number(cols[4])? } else { 0 },
        });
    }
    if !in_table {
        return Err("strace wrote no table".into());
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 60.00    0.000300           3       100           write
 40.00    0.000200           1       150        50 read
  0.00    0.000000           0         1         1 access
------ ----------- ----------- --------- --------- ----------------
100.00    0.000500           1       251        51 total
";

    #[test]
    fn calls_are_read_per_syscall_with_errors_counted() {
        let c = |name: &str, calls, errors| Calls {
            name: name.into(),
            calls,
            errors,
        };
        assert_eq!(
            parse_summary(TABLE).unwrap(),
            vec![c("write", 100, 0), c("read", 150, 50), c("access", 1, 1)]
        );
    }

    #[test]
    fn no_table_is_an_error() {
        assert!(parse_summary("strace: exec: No such file").is_err());
    }

    #[test]
    fn a_command_keeps_its_arguments_and_environment_under_strace() {
        let mut c = Command::new("server");
        c.arg("--port").arg("0").env("BENCH_SCALE", "0.1");
        let t = under_strace(c, Path::new("/tmp/x"));
        assert_eq!(t.get_program(), "strace");
        let args: Vec<_> = t.get_args().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args,
            ["-f", "-c", "-o", "/tmp/x", "--", "server", "--port", "0"]
        );
        assert!(t
            .get_envs()
            .any(|(k, v)| k == "BENCH_SCALE" && v.is_some_and(|v| v == "0.1")));
    }
}
