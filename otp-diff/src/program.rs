//! Programs of the step language (`LANGUAGE.md`): one step per line, a
//! verb and its arguments, each argument one Erlang term without spaces.
//! `go A <step>` runs a step in process `A`. Both interpreters parse this
//! text; the generator and the minimiser build and print it.

use crate::term::{arg, Term};
use std::fmt;

/// The verbs of the language, with the number of arguments each takes.
pub const VERBS: &[(&str, &[usize])] = &[
    ("listen", &[2]),
    ("connect", &[3, 4]),
    ("pconnect", &[2, 3]),
    ("accept", &[3]),
    ("send", &[2]),
    ("recv", &[3]),
    ("setopts", &[2]),
    ("getopts", &[2]),
    ("getstat", &[2]),
    ("shutdown", &[2]),
    ("close", &[1]),
    ("ctl", &[2]),
    ("sockname", &[1]),
    ("peername", &[1]),
    ("port", &[1]),
    ("sleep", &[1]),
    ("flush", &[0]),
    ("spawn", &[1]),
    ("join", &[1]),
    ("end", &[1]),
    ("kill", &[1]),
    ("psend", &[2]),
    ("precv", &[2]),
    ("pshutdown", &[2]),
    ("pclose", &[1]),
    ("preset", &[1]),
];

/// One step: `verb args...`, run by the program's main process or, with
/// `go`, by the named helper process.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Step {
    /// `Some(a)` for `go a ...`.
    pub by: Option<String>,
    /// The verb.
    pub verb: String,
    /// The arguments.
    pub args: Vec<Term>,
}

impl Step {
    /// A step run by the main process.
    pub fn new(verb: &str, args: Vec<Term>) -> Step {
        Step {
            by: None,
            verb: verb.to_string(),
            args,
        }
    }

    /// The same step, run by helper `a`.
    pub fn by(mut self, a: &str) -> Step {
        self.by = Some(a.to_string());
        self
    }

    /// Parses one line.
    pub fn parse(line: &str) -> Result<Step, String> {
        let mut words = line.split(' ').filter(|w| !w.is_empty());
        let first = words.next().ok_or("empty step")?;
        if first == "go" {
            let a = words.next().ok_or("go without a process")?;
            let rest: Vec<&str> = words.collect();
            let mut s = Step::parse(&rest.join(" "))?;
            if s.by.is_some() {
                return Err("nested go".into());
            }
            s.by = Some(a.to_string());
            return Ok(s);
        }
        let args = words.map(Term::parse).collect::<Result<Vec<_>, _>>()?;
        let Some((_, arities)) = VERBS.iter().find(|(v, _)| *v == first) else {
            return Err(format!("unknown verb {first:?}"));
        };
        if !arities.contains(&args.len()) {
            return Err(format!("{first} takes {arities:?} arguments"));
        }
        Ok(Step {
            by: None,
            verb: first.to_string(),
            args,
        })
    }

    /// The role names this step mentions (atoms in role positions).
    pub fn roles(&self) -> Vec<String> {
        let role_args = match self.verb.as_str() {
            "listen" | "send" | "recv" | "setopts" | "getopts" | "getstat" | "shutdown"
            | "close" | "sockname" | "peername" | "port" | "spawn" | "join" | "end" | "kill"
            | "psend" | "precv" | "pshutdown" | "pclose" | "preset" => 1,
            "connect" | "pconnect" | "accept" | "ctl" => 2,
            _ => 0,
        };
        let mut v: Vec<String> = self
            .args
            .iter()
            .take(role_args)
            .filter_map(|t| t.as_atom().map(str::to_string))
            .collect();
        if self.verb == "accept" {
            v.truncate(1);
            if let Some(s) = self.args.get(1).and_then(Term::as_atom) {
                v.push(s.to_string());
            }
        }
        if let Some(a) = &self.by {
            v.push(a.clone());
        }
        v
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(a) = &self.by {
            write!(f, "go {a} ")?;
        }
        f.write_str(&self.verb)?;
        for a in &self.args {
            write!(f, " {}", arg(a))?;
        }
        Ok(())
    }
}

/// A program: steps run in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Program {
    /// The steps.
    pub steps: Vec<Step>,
}

impl Program {
    /// Parses a program, one step per line; blank lines and `#` comments
    /// are skipped.
    pub fn parse(text: &str) -> Result<Program, String> {
        let steps = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Step::parse(l).map_err(|e| format!("{l:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Program { steps })
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True when there is no step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.steps {
            writeln!(f, "{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_print_as_they_parse() {
        let text = "listen l [binary,{active,false}]\npconnect p l\naccept l s 1000\n\
                    go a recv s 0 infinity\npsend p \"a\\sb\\n\"\nflush\n";
        let p = Program::parse(text).unwrap();
        assert_eq!(p.len(), 6);
        assert_eq!(p.steps[3].by.as_deref(), Some("a"));
        assert_eq!(p.to_string(), text);
        assert_eq!(Program::parse(&p.to_string()).unwrap(), p);
    }

    #[test]
    fn bad_steps_are_refused() {
        assert!(Step::parse("frobnicate s").is_err());
        assert!(Step::parse("close").is_err());
        assert!(Step::parse("go a go b close s").is_err());
    }
}
