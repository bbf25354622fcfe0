//! Runs programs on the BEAM through `otp/run.escript`: one BEAM for many
//! programs, which it runs several at a time.

use crate::program::Program;
use gen_tcp::InetBackend;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A trace: one line per step, `"<index> <result>"`.
pub type Trace = Vec<String>;

/// The escript's path in the source tree.
pub fn script() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/otp/run.escript"))
}

/// True when `escript` can be started.
pub fn available() -> bool {
    Command::new("escript")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The trace of a program that ended the BEAM it ran on.
pub const BEAM_DIED: &str = "beam_died";

/// The escript ended before every trace came: those that came, by job.
struct Died(Vec<Option<Trace>>);

/// One job for the BEAM: a program on a backend.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    /// The backend.
    pub backend: InetBackend,
    /// The program.
    pub program: &'a Program,
}

/// A running BEAM with the interpreter loaded.
pub struct Beam {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: usize,
    parallel: usize,
}

impl Beam {
    /// Starts `escript run.escript` running `parallel` programs at a time.
    pub fn start(parallel: usize) -> std::io::Result<Beam> {
        let mut child = Command::new("escript")
            .arg(script())
            .arg(parallel.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Beam {
            child,
            stdin,
            stdout,
            next_id: 0,
            parallel,
        })
    }

    /// Runs every job and returns their traces, in the order of `jobs`.
    ///
    /// A program can end the BEAM itself (OTP 25's socket backend aborts
    /// the VM on some inputs): then the BEAM is started again, the jobs
    /// not finished run again one at a time, and a job that ends the BEAM
    /// alone gets the trace [`BEAM_DIED`] (a run drops such a program).
    pub fn run(&mut self, jobs: &[Job<'_>]) -> std::io::Result<Vec<Trace>> {
        let mut got = match self.run_batch(jobs) {
            Ok(traces) => return Ok(traces),
            Err(Died(got)) => got,
        };
        for (k, job) in jobs.iter().enumerate() {
            if got[k].is_some() {
                continue;
            }
            self.restart()?;
            got[k] = Some(match self.run_batch(std::slice::from_ref(job)) {
                Ok(mut t) => t.pop().unwrap_or_default(),
                Err(_) => {
                    eprintln!(
                        "otp-diff: a program ended the BEAM on {} (dropped):\n{}",
                        job.backend.name(),
                        job.program
                    );
                    vec![BEAM_DIED.to_string()]
                }
            });
        }
        self.restart()?;
        Ok(got.into_iter().map(Option::unwrap_or_default).collect())
    }

    /// A fresh BEAM in place of one that ended.
    fn restart(&mut self) -> std::io::Result<()> {
        if self.child.try_wait()?.is_none() {
            return Ok(());
        }
        let fresh = Beam::start(self.parallel)?;
        // (Dropping the old one reaps its process, which has ended.)
        drop(std::mem::replace(self, fresh));
        Ok(())
    }

    /// Runs `jobs` on this BEAM; `Died` with the traces that came if the
    /// escript ended first.
    fn run_batch(&mut self, jobs: &[Job<'_>]) -> Result<Vec<Trace>, Died> {
        let first = self.next_id;
        self.next_id += jobs.len();
        let mut input = String::new();
        for (k, j) in jobs.iter().enumerate() {
            input.push_str(&format!(
                "prog {} {}\n{}end\n",
                first + k,
                j.backend.name(),
                j.program
            ));
        }
        let stdin = &mut self.stdin;
        let stdout = &mut self.stdout;
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                stdin.write_all(input.as_bytes())?;
                stdin.flush()
            });
            let mut got: HashMap<usize, Trace> = HashMap::new();
            let mut cur: Option<(usize, Trace)> = None;
            let mut line = String::new();
            let died = |mut got: HashMap<usize, Trace>| {
                Died((0..jobs.len()).map(|k| got.remove(&(first + k))).collect())
            };
            while got.len() < jobs.len() {
                line.clear();
                if !matches!(stdout.read_line(&mut line), Ok(n) if n > 0) {
                    return Err(died(got));
                }
                let l = line.trim_end_matches('\n');
                if let Some(hdr) = l.strip_prefix("trace ") {
                    let id = hdr.split(' ').next().and_then(|s| s.parse().ok());
                    cur = id.map(|id| (id, Vec::new()));
                } else if l == "end" {
                    if let Some((id, t)) = cur.take() {
                        got.insert(id, t);
                    }
                } else if let Some((_, t)) = cur.as_mut() {
                    t.push(l.to_string());
                }
            }
            // (A write error means the escript ended: every trace came.)
            let _ = writer.join();
            Ok((0..jobs.len())
                .map(|k| got.remove(&(first + k)).unwrap_or_default())
                .collect())
        })
    }
}

impl Drop for Beam {
    fn drop(&mut self) {
        let _ = self.stdin.write_all(b"quit\n");
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BEAM that ended (here: killed) is started again, and the jobs
    /// it owed run on the new one.
    #[test]
    #[ignore = "needs escript (erlang-base): `just otp-diff` runs it"]
    fn a_beam_that_ended_is_started_again() {
        let program = Program::parse("connect s p []\nclose s\n").unwrap();
        let jobs = [InetBackend::Inet, InetBackend::Socket].map(|backend| Job {
            backend,
            program: &program,
        });
        let mut beam = Beam::start(2).unwrap();
        beam.child.kill().unwrap();
        beam.child.wait().unwrap();
        let traces = beam.run(&jobs).unwrap();
        for t in &traces {
            assert_eq!(t, &["1 {ok,s}", "2 ok"]);
        }
        // And the fresh BEAM goes on serving.
        assert_eq!(beam.run(&jobs).unwrap(), traces);
    }
}
