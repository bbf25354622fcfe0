//! Each row in a child process: `bench --row SECTION TARGET`.
//!
//! The child prints its figures as `@figure KEY VALUE` lines, or one
//! `@error REASON` line; the parent waits at most the section's timeout.
//! A row that fails, panics or hangs becomes an error in the table.

use crate::section::Placement;
use crate::{sys, Figures, Scale, Section, Target};
use std::io::Read;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const FIGURE: &str = "@figure ";
const ERROR: &str = "@error ";

/// The arguments that make the `bench` binary run one row.
pub fn row_args(section: Section, target: Target) -> [&'static str; 3] {
    ["--row", section.name(), target.name()]
}

/// In the child: measures the row and prints the result for the parent.
pub fn serve(section: &str, target: &str) -> ExitCode {
    let result = match (Section::from_name(section), Target::from_name(target)) {
        (Some(s), Some(t)) => Scale::from_env().and_then(|scale| {
            if s.placement() == Placement::OneCpu {
                sys::pin_to_one_cpu()?;
            }
            s.run(t, scale)
        }),
        _ => Err(format!("unknown row {section} {target}")),
    };
    match result {
        Ok(figures) => {
            for (key, value) in figures {
                println!("{FIGURE}{key} {value}");
            }
            ExitCode::SUCCESS
        }
        Err(reason) => {
            println!("{ERROR}{}", reason.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// In the parent: runs the row in a child of this executable.
pub fn run(section: Section, target: Target) -> Result<Figures, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut command = Command::new(exe);
    command.args(row_args(section, target));
    run_command(command, section.timeout())
}

/// Runs a row's command (this executable with [`row_args`], perhaps under
/// `strace`) and reads its figures; stops it after `limit`.
pub fn run_command(mut command: Command, limit: Duration) -> Result<Figures, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let Some(status) = wait(&mut child, limit)? else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("timed out after {limit:?}"));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let mut figures = Figures::new();
    for line in stdout.lines() {
        if let Some(reason) = line.strip_prefix(ERROR) {
            return Err(reason.to_string());
        }
        if let Some((key, value)) = line.strip_prefix(FIGURE).and_then(|f| f.split_once(' ')) {
            let value = value.parse().map_err(|_| format!("bad figure {line:?}"))?;
            figures.push((key.to_string(), value));
        }
    }
    if status.success() {
        Ok(figures)
    } else {
        Err(why_it_died(&stderr).unwrap_or_else(|| format!("exited with {status}")))
    }
}

/// Waits at most `limit` for a child to exit; `None`: still running.
pub fn wait(child: &mut Child, limit: Duration) -> Result<Option<ExitStatus>, String> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait().map_err(|e| format!("wait: {e}"))? {
            Some(status) => return Ok(Some(status)),
            None if Instant::now() >= deadline => return Ok(None),
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Reads a child's pipe to the end in a thread of its own.
pub fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_string(&mut text);
        }
        text
    })
}

/// The message of the first panic in a child's stderr.
fn why_it_died(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    lines.find(|l| l.contains("panicked"))?;
    Some(format!("panic: {}", lines.next().unwrap_or("?").trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_named_by_its_message() {
        let stderr = "\nthread 'main' panicked at src/x.rs:1:2:\nboom\nnote: ...\n";
        assert_eq!(why_it_died(stderr).as_deref(), Some("panic: boom"));
        assert_eq!(why_it_died("nothing"), None);
    }
}
