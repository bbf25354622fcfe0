//! The recorded corpus: programs with OTP's traces per backend, replayed
//! on our side without Erlang (`cargo test -p otp-diff`).
//!
//! One file per program (`corpus/*.txt`), in sections:
//!
//! ```text
//! # free text: what the program shows
//! == program
//! listen l [binary,{active,false}]
//! ...
//! == otp inet
//! 1 {ok,l}
//! ...
//! == otp socket
//! ...
//! == expect inet: match
//! == expect socket: known
//! reason text (why we differ, and whether OTP's answer is a bug)
//! == ours socket
//! 1 {ok,l}
//! ...
//! ```
//!
//! `match`: our trace must equal OTP's. `known`: a divergence not fixed
//! yet; our trace must equal the recorded `ours` trace exactly, so that
//! our answer cannot drift silently, and the replay fails once it equals
//! OTP's, asking for the entry to be flipped to `match`. `kept`: a
//! divergence we keep on purpose (OTP's answer is a bug, or Rust cannot
//! express it); checked as `known`, but never asks to be flipped.

use crate::otp::Trace;
use crate::program::Program;
use gen_tcp::InetBackend;
use std::fmt;
use std::path::{Path, PathBuf};

/// What the replay expects of our trace on one backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Our trace equals OTP's.
    Match,
    /// A divergence to fix: our trace equals `ours`, and `reason` says why.
    Known {
        /// Why we differ.
        reason: String,
        /// Our recorded trace.
        ours: Trace,
    },
    /// A divergence kept on purpose (listed in the README).
    Kept {
        /// Why we keep it.
        reason: String,
        /// Our recorded trace.
        ours: Trace,
    },
}

/// One recorded program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The leading comment lines (without `# `).
    pub title: Vec<String>,
    /// The program.
    pub program: Program,
    /// OTP's traces: inet, socket.
    pub otp: [Trace; 2],
    /// What we must answer: inet, socket.
    pub expect: [Expect; 2],
}

/// The backends in the order of [`Entry::otp`] and [`Entry::expect`].
pub const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// The corpus directory in the source tree.
pub fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

/// What the replay of one backend found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// As expected.
    Ok,
    /// A `known` divergence now matches OTP: flip the entry to `match`.
    NowMatches,
    /// Our trace is not what the entry expects.
    Differs {
        /// What the entry expects.
        want: Trace,
        /// What we answered.
        got: Trace,
    },
}

impl Entry {
    /// Checks `ours` against the entry on backend `k` (0 inet, 1 socket).
    pub fn check(&self, k: usize, ours: &Trace) -> Replay {
        match &self.expect[k] {
            Expect::Match if *ours == self.otp[k] => Replay::Ok,
            Expect::Match => Replay::Differs {
                want: self.otp[k].clone(),
                got: ours.clone(),
            },
            Expect::Known { .. } if *ours == self.otp[k] => Replay::NowMatches,
            Expect::Known { ours: want, .. } | Expect::Kept { ours: want, .. } => {
                if ours == want {
                    Replay::Ok
                } else {
                    Replay::Differs {
                        want: want.clone(),
                        got: ours.clone(),
                    }
                }
            }
        }
    }

    /// Parses an entry.
    pub fn parse(text: &str) -> Result<Entry, String> {
        let mut title = Vec::new();
        let mut sections: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines() {
            if let Some(h) = line.strip_prefix("== ") {
                sections.push((h.trim().to_string(), Vec::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push(line.to_string());
            } else if let Some(t) = line.strip_prefix('#') {
                title.push(t.trim_start().to_string());
            }
        }
        let get = |name: &str| -> Option<&Vec<String>> {
            sections.iter().find(|(h, _)| h == name).map(|(_, b)| b)
        };
        let trace = |name: &str| -> Result<Trace, String> {
            Ok(get(name)
                .ok_or(format!("no section {name:?}"))?
                .iter()
                .filter(|l| !l.trim().is_empty())
                .cloned()
                .collect())
        };
        let program = Program::parse(&get("program").ok_or("no program")?.join("\n"))?;
        let mut expect = Vec::new();
        for b in BACKENDS {
            let head = format!("expect {}:", b.name());
            let (h, body) = sections
                .iter()
                .find(|(h, _)| h.starts_with(&head))
                .ok_or(format!("no {head}"))?;
            let kind = h[head.len()..].trim();
            let reason = body.join("\n").trim().to_string();
            let ours = || trace(&format!("ours {}", b.name()));
            expect.push(match kind {
                "match" => Expect::Match,
                "known" => Expect::Known {
                    reason,
                    ours: ours()?,
                },
                "kept" => Expect::Kept {
                    reason,
                    ours: ours()?,
                },
                other => return Err(format!("unknown expectation {other:?}")),
            });
        }
        let [ei, es]: [Expect; 2] = expect.try_into().expect("two backends");
        Ok(Entry {
            title,
            program,
            otp: [trace("otp inet")?, trace("otp socket")?],
            expect: [ei, es],
        })
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.title {
            writeln!(f, "# {t}")?;
        }
        writeln!(f, "== program")?;
        write!(f, "{}", self.program)?;
        for (k, b) in BACKENDS.iter().enumerate() {
            writeln!(f, "== otp {}", b.name())?;
            for l in &self.otp[k] {
                writeln!(f, "{l}")?;
            }
        }
        for (k, b) in BACKENDS.iter().enumerate() {
            match &self.expect[k] {
                Expect::Match => writeln!(f, "== expect {}: match", b.name())?,
                Expect::Known { reason, ours } | Expect::Kept { reason, ours } => {
                    let kind = if matches!(self.expect[k], Expect::Kept { .. }) {
                        "kept"
                    } else {
                        "known"
                    };
                    writeln!(f, "== expect {}: {kind}", b.name())?;
                    if !reason.is_empty() {
                        writeln!(f, "{reason}")?;
                    }
                    writeln!(f, "== ours {}", b.name())?;
                    for l in ours {
                        writeln!(f, "{l}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Every entry of the corpus directory, by file name, sorted.
pub fn load(dir: &Path) -> Result<Vec<(String, Entry)>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            Entry::parse(&text)
                .map(|e| (name, e))
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry::parse(
            "# shows a thing\n== program\nlisten l []\nclose l\n== otp inet\n1 {ok,l}\n2 ok\n\
             == otp socket\n1 {ok,l}\n2 ok\n== expect inet: match\n== expect socket: known\n\
             because\n== ours socket\n1 {ok,l}\n2 {error,closed}\n",
        )
        .unwrap()
    }

    #[test]
    fn entries_print_as_they_parse() {
        let e = entry();
        assert_eq!(Entry::parse(&e.to_string()).unwrap(), e);
        assert_eq!(e.title, ["shows a thing"]);
    }

    #[test]
    fn a_changed_answer_fails_the_replay() {
        let e = entry();
        let otp = e.otp[1].clone();
        let known: Trace = vec!["1 {ok,l}".into(), "2 {error,closed}".into()];
        let drifted: Trace = vec!["1 {ok,l}".into(), "2 {error,einval}".into()];
        assert_eq!(e.check(0, &otp), Replay::Ok);
        assert!(matches!(e.check(0, &known), Replay::Differs { .. }));
        assert_eq!(e.check(1, &known), Replay::Ok);
        assert_eq!(e.check(1, &otp), Replay::NowMatches);
        assert!(matches!(e.check(1, &drifted), Replay::Differs { .. }));
    }
}
