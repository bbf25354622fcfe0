//! `bench --syscalls` (`just bench-syscalls`): syscalls per operation, for
//! every target of every section that makes operations, counted by
//! `strace -f -c`.
//!
//! Each row runs twice, making N and then 3N operations (`BENCH_OPS`),
//! and the counts are the difference over 2N: what start-up, thread
//! creation and the BEAM's boot cost cancels out, and what is left is
//! the cost of one more operation. Where both ends are the target's (a
//! to d) the whole row is traced, both ends counted; where a server is
//! measured against a load (e, f) only the server's process is. The
//! floor is std's row: what a plain blocking program makes for the same
//! work. `failed` counts the calls that failed, most often a read that
//! would block: in e and f how many there are depends on timing (whether
//! the next request has come by the time the server reads again), so
//! those rows vary by a few tenths from run to run.

use crate::section::Section;
use crate::trace::{self, Calls, TRACE_ENV};
use crate::{child, Context, Target};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::Command;

/// The sections counted by default.
pub const SECTIONS: [Section; 7] = [
    Section::PingPong,
    Section::Bulk,
    Section::BulkRecv,
    Section::Framed,
    Section::Setup,
    Section::Served,
    Section::Http,
];

/// How many times more operations the second run makes.
const SPREAD: f64 = 3.0;
/// Syscalls below this many per operation are left out of a row's list.
const SHOWN: f64 = 0.05;

/// `BENCH_SCALE` and the first run's `BENCH_OPS` for a section: few
/// operations, since `strace` slows every syscall down, but the same
/// connection counts as `just bench` for the servers (their syscalls per
/// operation depend on how many connections each wake-up finds ready).
fn plan(section: Section) -> Option<(f64, f64)> {
    match section {
        Section::PingPong | Section::Setup => Some((0.02, 1.0)),
        Section::Bulk | Section::BulkRecv | Section::Framed => Some((0.01, 1.0)),
        Section::Served => Some((1.0, 0.1)),
        Section::Http => Some((1.0, 0.5)),
        Section::Idle | Section::Decode => None,
    }
}

/// What one operation is, and whose syscalls are counted.
fn per(section: Section) -> &'static str {
    match section {
        Section::PingPong => "per round trip, both ends",
        Section::Bulk | Section::BulkRecv => "per 64 KiB sent and received, both ends",
        Section::Framed => "per message sent and received, both ends",
        Section::Setup => "per connect + accept + 2 closes",
        Section::Served => "per round trip, server process only",
        Section::Http => "per request, server process only",
        Section::Idle | Section::Decode => "",
    }
}

/// Syscalls per operation of one row, largest first, and of them the
/// ones that failed (most often a read that would block).
struct PerOp {
    calls: Vec<(String, f64)>,
    failed: f64,
}

/// Counts every target of `sections` (all of [`SECTIONS`] when empty);
/// returns the report.
pub fn run(sections: &[Section]) -> Result<String, String> {
    if !crate::installed("strace") {
        return Err("strace not installed (apt-get install strace)".into());
    }
    let sections = if sections.is_empty() {
        &SECTIONS[..]
    } else {
        sections
    };
    let mut out = String::from(
        "syscalls per operation (strace -f -c, runs of N and 3N operations, the\n\
         difference over 2N: start-up not counted; the baseline row is the floor)\n",
    );
    for &section in sections {
        let Some((factor, ops)) = plan(section) else {
            return Err(format!("{} makes no operations to count", section.name()));
        };
        let _ = writeln!(out, "\n{}: {}", section.name(), per(section));
        let mut rows: Vec<(Target, Result<PerOp, String>)> = Vec::new();
        for &target in section.targets() {
            eprintln!("syscalls: {} on {target} ...", section.name());
            let counted = count(section, target, factor, ops)
                .and_then(|low| Ok((low, count(section, target, factor, ops * SPREAD)?)))
                .and_then(|(low, high)| per_op(&low, &high));
            rows.push((target, counted));
        }
        let (_, base, _) = section.baseline();
        let base_total = rows
            .iter()
            .find(|(t, _)| *t == base)
            .and_then(|(_, r)| r.as_ref().ok())
            .map(total);
        for (target, row) in &rows {
            let line = match row {
                Ok(per) => {
                    let t = total(per);
                    let ratio = match base_total {
                        Some(b) if b > 0.0 => format!("{:>5.2}x {base}", t / b),
                        _ => String::new(),
                    };
                    let top: Vec<String> = per
                        .calls
                        .iter()
                        .filter(|(_, n)| n.abs() >= SHOWN)
                        .map(|(name, n)| format!("{name} {:.2}", tidy(*n)))
                        .collect();
                    let failed = format!("{:.2} failed", tidy(per.failed));
                    let t = tidy(t);
                    format!("{t:>7.2}  {ratio:<12} {failed:<12}  {}", top.join(", "))
                }
                Err(e) => format!("error: {e}"),
            };
            let _ = writeln!(out, "  {:<10} {line}", target.name());
        }
    }
    Ok(out)
}

/// `x`, with what rounds to zero at two decimals shown as 0.00 (not -0.00).
fn tidy(x: f64) -> f64 {
    if x.abs() < 0.005 {
        0.0
    } else {
        x
    }
}

fn total(per: &PerOp) -> f64 {
    per.calls.iter().map(|(_, n)| n).sum()
}

/// One traced run: the calls per syscall, and the operations made.
struct Counted {
    calls: Vec<Calls>,
    ops: f64,
}

fn count(section: Section, target: Target, factor: f64, ops: f64) -> Result<Counted, String> {
    let file = temp_file(section, target);
    let exe = std::env::current_exe().ctx("current_exe")?;
    let mut command = Command::new(exe);
    command
        .args(child::row_args(section, target))
        .env(crate::scale::SCALE_ENV, factor.to_string())
        .env(crate::scale::OPS_ENV, ops.to_string())
        .env(trace::SLOW_ENV, "1");
    let command = if section.has_server_process() {
        command.env(TRACE_ENV, &file);
        command
    } else {
        trace::under_strace(command, &file)
    };
    // strace slows every syscall down: more time than an untraced row.
    let figures = child::run_command(command, section.timeout() * trace::SLOWDOWN);
    let table = std::fs::read_to_string(&file);
    let _ = std::fs::remove_file(&file);
    let figures = figures?;
    let ops = figures
        .iter()
        .find(|(k, _)| k == "ops")
        .map(|&(_, v)| v)
        .ok_or("the row gave no operation count")?;
    let calls = trace::parse_summary(&table.ctx("strace's table")?)?;
    Ok(Counted { calls, ops })
}

/// The difference of two runs per extra operation, largest first.
fn per_op(low: &Counted, high: &Counted) -> Result<PerOp, String> {
    let extra = high.ops - low.ops;
    if extra <= 0.0 {
        return Err(format!("runs of {} and {} operations", low.ops, high.ops));
    }
    let of = |c: &Counted, name: &str| {
        c.calls
            .iter()
            .find(|l| l.name == name)
            .map_or(0.0, |l| l.calls as f64)
    };
    let failed = |c: &Counted| c.calls.iter().map(|l| l.errors as f64).sum::<f64>();
    let mut names: Vec<&str> = high.calls.iter().map(|l| l.name.as_str()).collect();
    for l in &low.calls {
        if !names.contains(&l.name.as_str()) {
            names.push(&l.name);
        }
    }
    let mut calls: Vec<(String, f64)> = names
        .into_iter()
        .map(|n| (n.to_string(), (of(high, n) - of(low, n)) / extra))
        .collect();
    calls.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(PerOp {
        calls,
        failed: (failed(high) - failed(low)) / extra,
    })
}

fn temp_file(section: Section, target: Target) -> PathBuf {
    std::env::temp_dir().join(format!(
        "gen_tcp-bench-strace-{}-{}-{}.txt",
        std::process::id(),
        section.name(),
        target.name().replace(' ', "-")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(calls: &[(&str, u64)], ops: f64) -> Counted {
        Counted {
            calls: calls
                .iter()
                .map(|&(n, c)| Calls {
                    name: n.to_string(),
                    calls: c,
                    errors: c / 4,
                })
                .collect(),
            ops,
        }
    }

    #[test]
    fn start_up_cancels_out() {
        // 100 syscalls of start-up, then 2 reads and 2 writes per op.
        let low = counted(&[("mmap", 100), ("read", 2_000), ("write", 2_000)], 1_000.0);
        let high = counted(&[("mmap", 100), ("read", 6_000), ("write", 6_000)], 3_000.0);
        let per = per_op(&low, &high).unwrap();
        assert_eq!(total(&per), 4.0);
        assert_eq!(per.failed, 1.0);
        assert_eq!(per.calls.iter().find(|(n, _)| n == "mmap").unwrap().1, 0.0);
        assert_eq!(per.calls[0].1, 2.0);
    }

    #[test]
    fn a_syscall_of_one_run_only_counts_as_zero_in_the_other() {
        let low = counted(&[("read", 10)], 10.0);
        let high = counted(&[("read", 30), ("epoll_wait", 20)], 30.0);
        let per = per_op(&low, &high).unwrap();
        assert_eq!(
            per.calls,
            vec![("read".into(), 1.0), ("epoll_wait".into(), 1.0)]
        );
    }
}
