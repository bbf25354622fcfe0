//! Erlang terms, as far as programs and traces need them: a parser for the
//! arguments of a step and the printer both interpreters share.
//!
//! The printer is the normal form of a trace: `otp/run.escript` (`pr/1`)
//! prints the same text for the same term. Rules: no spaces; atoms quoted
//! as `io_lib:write_atom/1` quotes them; a binary or a byte list of at
//! most 64 bytes that are all printable (32..=126) prints as a string,
//! other short ones as numbers, longer ones as `<<#Len:Hash>>` or
//! `[#Len:Hash]` (FNV-1a, 32 bits).

use std::fmt;

/// An Erlang term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// An integer.
    Int(i64),
    /// An atom.
    Atom(String),
    /// A tuple.
    Tuple(Vec<Term>),
    /// A list; the tail is `None` for a proper list.
    List(Vec<Term>, Option<Box<Term>>),
    /// A binary.
    Bin(Vec<u8>),
}

/// Longest binary or byte list printed in full.
pub const SHORT: usize = 64;

impl Term {
    /// An atom.
    pub fn atom(s: &str) -> Term {
        Term::Atom(s.to_string())
    }

    /// A tuple.
    pub fn tuple(items: impl IntoIterator<Item = Term>) -> Term {
        Term::Tuple(items.into_iter().collect())
    }

    /// A proper list.
    pub fn list(items: impl IntoIterator<Item = Term>) -> Term {
        Term::List(items.into_iter().collect(), None)
    }

    /// A list of bytes (an Erlang string).
    pub fn bytes_list(b: &[u8]) -> Term {
        Term::list(b.iter().map(|&c| Term::Int(c as i64)))
    }

    /// `{ok, T}`.
    pub fn ok(t: Term) -> Term {
        Term::tuple([Term::atom("ok"), t])
    }

    /// `{error, T}`.
    pub fn error(t: Term) -> Term {
        Term::tuple([Term::atom("error"), t])
    }

    /// The atom's name, if this is an atom.
    pub fn as_atom(&self) -> Option<&str> {
        match self {
            Term::Atom(a) => Some(a),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Term::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The elements of a proper list.
    pub fn as_list(&self) -> Option<&[Term]> {
        match self {
            Term::List(v, None) => Some(v),
            _ => None,
        }
    }

    /// The bytes of a binary or of a proper list of bytes (a string).
    pub fn as_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Term::Bin(b) => Some(b.clone()),
            Term::List(v, None) => v
                .iter()
                .map(|t| t.as_int().and_then(|i| u8::try_from(i).ok()))
                .collect(),
            _ => None,
        }
    }

    /// Parses one term (the whole string).
    pub fn parse(s: &str) -> Result<Term, String> {
        let mut p = Parser {
            s: s.as_bytes(),
            i: 0,
        };
        let t = p.term()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!("trailing text in {s:?}"));
        }
        Ok(t)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected {:?} at {}", c as char, self.i))
        }
    }

    fn term(&mut self) -> Result<Term, String> {
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let items = self.seq(b'}')?;
                Ok(Term::Tuple(items))
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Ok(Term::List(items, None));
                }
                loop {
                    items.push(self.term()?);
                    if self.eat(b',') {
                        continue;
                    }
                    if self.eat(b'|') {
                        let tail = self.term()?;
                        self.expect(b']')?;
                        return Ok(match tail {
                            Term::List(mut rest, t) => {
                                items.append(&mut rest);
                                Term::List(items, t)
                            }
                            other => Term::List(items, Some(Box::new(other))),
                        });
                    }
                    self.expect(b']')?;
                    return Ok(Term::List(items, None));
                }
            }
            Some(b'<') => {
                self.expect(b'<')?;
                self.expect(b'<')?;
                let mut out = Vec::new();
                self.ws();
                if self.peek() == Some(b'>') {
                    self.expect(b'>')?;
                    self.expect(b'>')?;
                    return Ok(Term::Bin(out));
                }
                loop {
                    match self.term()? {
                        Term::Int(i) => out.push(i as u8),
                        t => out.extend(t.as_bytes().ok_or("bad binary element")?),
                    }
                    if self.eat(b',') {
                        continue;
                    }
                    self.expect(b'>')?;
                    self.expect(b'>')?;
                    return Ok(Term::Bin(out));
                }
            }
            Some(b'"') => Ok(Term::bytes_list(&self.quoted(b'"', "string")?)),
            Some(b'\'') => {
                let out = self.quoted(b'\'', "atom")?;
                Ok(Term::Atom(String::from_utf8_lossy(&out).into_owned()))
            }
            Some(b'$') => {
                self.i += 1;
                let c = match self.peek() {
                    Some(b'\\') => {
                        self.i += 1;
                        self.escape()?
                    }
                    Some(c) => {
                        self.i += 1;
                        c
                    }
                    None => return Err("bad char literal".into()),
                };
                Ok(Term::Int(c as i64))
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                self.i += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                let s = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                s.parse()
                    .map(Term::Int)
                    .map_err(|_| format!("bad integer {s:?}"))
            }
            Some(c) if c.is_ascii_lowercase() => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'@')
                {
                    self.i += 1;
                }
                let s = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Ok(Term::atom(s))
            }
            other => Err(format!(
                "unexpected {:?} at {}",
                other.map(|c| c as char),
                self.i
            )),
        }
    }

    fn seq(&mut self, close: u8) -> Result<Vec<Term>, String> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.term()?);
            if self.eat(b',') {
                continue;
            }
            self.expect(close)?;
            return Ok(items);
        }
    }

    /// The bytes of a string or quoted atom from its opening `delim` to
    /// its closing one, escapes resolved.
    fn quoted(&mut self, delim: u8, what: &str) -> Result<Vec<u8>, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(format!("unterminated {what}")),
                Some(c) if c == delim => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    out.push(self.escape()?);
                }
                Some(c) => {
                    self.i += 1;
                    out.push(c);
                }
            }
        }
    }

    fn escape(&mut self) -> Result<u8, String> {
        let c = self.peek().ok_or("bad escape")?;
        self.i += 1;
        Ok(match c {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b's' => b' ',
            b'e' => 27,
            b'0'..=b'7' => {
                let mut v = (c - b'0') as u32;
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            self.i += 1;
                            v = v * 8 + (d - b'0') as u32;
                        }
                        _ => break,
                    }
                }
                v as u8
            }
            b'x' => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) && self.i - start < 2 {
                    self.i += 1;
                }
                let h = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                u8::from_str_radix(h, 16).map_err(|_| "bad \\x escape")?
            }
            other => other,
        })
    }
}

/// FNV-1a, 32 bits, as 8 hex digits (`hash/1` in the escript).
pub fn hash(b: &[u8]) -> String {
    let h = b.iter().fold(0x811c_9dc5u32, |a, &c| {
        (a ^ c as u32).wrapping_mul(0x0100_0193)
    });
    format!("{h:08x}")
}

fn printable(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(|&c| (32..=126).contains(&c))
}

fn esc(b: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for &c in b {
        match c {
            b'"' => f.write_str("\\\"")?,
            b'\\' => f.write_str("\\\\")?,
            c => write!(f, "{}", c as char)?,
        }
    }
    Ok(())
}

const RESERVED: &[&str] = &[
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case",
    "catch", "cond", "div", "end", "fun", "if", "let", "maybe", "not", "of", "or", "orelse",
    "receive", "rem", "try", "when", "xor",
];

fn write_atom(a: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let bare = a.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@')
        && !RESERVED.contains(&a);
    if bare {
        f.write_str(a)
    } else {
        f.write_str("'")?;
        for c in a.chars() {
            match c {
                '\'' => f.write_str("\\'")?,
                '\\' => f.write_str("\\\\")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("'")
    }
}

fn write_items(items: &[Term], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, t) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{t}")?;
    }
    Ok(())
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Int(i) => write!(f, "{i}"),
            Term::Atom(a) => write_atom(a, f),
            Term::Tuple(items) => {
                f.write_str("{")?;
                write_items(items, f)?;
                f.write_str("}")
            }
            Term::Bin(b) if b.len() > SHORT => write!(f, "<<#{}:{}>>", b.len(), hash(b)),
            Term::Bin(b) if printable(b) => {
                f.write_str("<<\"")?;
                esc(b, f)?;
                f.write_str("\">>")
            }
            Term::Bin(b) => {
                f.write_str("<<")?;
                for (i, c) in b.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str(">>")
            }
            Term::List(items, None) if items.is_empty() => f.write_str("[]"),
            Term::List(items, tail) => {
                if tail.is_none() {
                    if let Some(b) = self.as_bytes() {
                        if b.len() > SHORT {
                            return write!(f, "[#{}:{}]", b.len(), hash(&b));
                        }
                        if printable(&b) {
                            f.write_str("\"")?;
                            esc(&b, f)?;
                            return f.write_str("\"");
                        }
                    }
                }
                f.write_str("[")?;
                write_items(items, f)?;
                if let Some(t) = tail {
                    write!(f, "|{t}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A term written as a step argument: the printed form, with spaces
/// written `\s` so that a step line splits on spaces (both parsers read
/// `\s` in strings as a space).
pub fn arg(t: &Term) -> String {
    match t {
        Term::Int(i) => i.to_string(),
        Term::Atom(_) => t.to_string(),
        Term::Tuple(items) => format!("{{{}}}", args(items)),
        Term::List(items, None) if items.is_empty() => "[]".into(),
        Term::List(items, tail) => {
            if tail.is_none() {
                if let Some(b) = t.as_bytes() {
                    return format!("\"{}\"", escape_arg(&b));
                }
            }
            match tail {
                None => format!("[{}]", args(items)),
                Some(tl) => format!("[{}|{}]", args(items), arg(tl)),
            }
        }
        Term::Bin(b) => format!("<<\"{}\">>", escape_arg(b)),
    }
}

fn args(items: &[Term]) -> String {
    items.iter().map(arg).collect::<Vec<_>>().join(",")
}

fn escape_arg(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        match c {
            b' ' => s.push_str("\\s"),
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            33..=126 => s.push(c as char),
            c => s.push_str(&format!("\\{:03o}", c)),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(s: &str) -> String {
        Term::parse(s).unwrap().to_string()
    }

    #[test]
    fn prints_as_the_escript_does() {
        assert_eq!(
            rt("{ok,[{active,false},{packet,0}]}"),
            "{ok,[{active,false},{packet,0}]}"
        );
        assert_eq!(rt("<<\"ab\\ncd\">>"), "<<97,98,10,99,100>>");
        assert_eq!(rt("<<\"hello\\sworld\">>"), "<<\"hello world\">>");
        assert_eq!(rt("[97,98|<<\"cde\">>]"), "[97,98|<<\"cde\">>]");
        assert_eq!(rt("'end'"), "'end'");
        assert_eq!(rt("'S'"), "'S'");
        assert_eq!(rt("\"abc\""), "\"abc\"");
        assert_eq!(rt("[]"), "[]");
        assert_eq!(rt("[1,2]"), "[1,2]");
        assert_eq!(rt("$;"), "59");
        let long = Term::Bin(vec![b'a'; 100]);
        assert_eq!(long.to_string(), format!("<<#100:{}>>", hash(&[b'a'; 100])));
    }

    #[test]
    fn args_round_trip_without_spaces() {
        for s in [
            "<<\"a b\\n\\000\">>",
            "[{packet,2},binary]",
            "\"x\\\"y\"",
            "[1|2]",
        ] {
            let t = Term::parse(s).unwrap();
            let a = arg(&t);
            assert!(!a.contains(' '), "{a}");
            assert_eq!(Term::parse(&a).unwrap(), t, "{s} -> {a}");
        }
    }

    #[test]
    fn fnv_matches_the_escript() {
        // erlang: hash(lists:duplicate(100, $a)) in run.escript
        assert_eq!(hash(b""), "811c9dc5");
        assert_eq!(hash(b"a"), "e40c292c");
    }
}
