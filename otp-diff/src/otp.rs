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
        })
    }

    /// Runs every job and returns their traces, in the order of `jobs`.
    pub fn run(&mut self, jobs: &[Job<'_>]) -> std::io::Result<Vec<Trace>> {
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
            while got.len() < jobs.len() {
                line.clear();
                if stdout.read_line(&mut line)? == 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the escript ended early",
                    ));
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
            writer.join().expect("writer")?;
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
