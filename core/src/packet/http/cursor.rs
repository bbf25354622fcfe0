//! A read position in one line, with the few scans the HTTP parser needs.

/// A read position in a line; every scan stops at its end.
pub(super) struct Cursor<'a> {
    rest: &'a [u8],
}

/// OTP's `SP`: a space or a tab.
pub(super) fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Which bytes are token bytes, one table lookup per byte rather than a
/// search of the separators.
static TOKEN: [bool; 256] = token_table();

const fn token_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 33;
    while b < 128 {
        table[b] = true;
        b += 1;
    }
    let separators = b"()<>@,;:\\\"/[]?={}";
    let mut i = 0;
    while i < separators.len() {
        table[separators[i] as usize] = false;
        i += 1;
    }
    table
}

/// A token byte: visible ASCII but not an RFC 2616 separator. DEL (127)
/// counts as a token byte, as in OTP (its `tspecial` table leaves it 0).
pub(super) fn is_token(b: u8) -> bool {
    TOKEN[usize::from(b)]
}

/// Decimal digits accumulated as OTP's `packet_parser.c` does, in a C
/// `int` (`n = 10 * n + d`), which wraps round on the machines OTP runs on.
pub(super) fn c_int(digits: &[u8]) -> i32 {
    digits.iter().fold(0i32, |n, &d| {
        n.wrapping_mul(10)
            .wrapping_add(i32::from(d.wrapping_sub(b'0')))
    })
}

impl<'a> Cursor<'a> {
    pub(super) fn new(line: &'a [u8]) -> Self {
        Cursor { rest: line }
    }

    pub(super) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub(super) fn at_space(&self) -> bool {
        self.rest.first().is_some_and(|&b| is_space(b))
    }

    pub(super) fn skip(&mut self, n: usize) {
        self.rest = self.rest.get(n..).unwrap_or(&[]);
    }

    /// Takes the longest prefix whose bytes satisfy `keep`.
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let n = self
            .rest
            .iter()
            .position(|&b| !keep(b))
            .unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        taken
    }

    /// Skips spaces and tabs; returns how many.
    pub(super) fn spaces(&mut self) -> usize {
        self.take_while(is_space).len()
    }

    pub(super) fn token(&mut self) -> &'a [u8] {
        self.take_while(is_token)
    }

    pub(super) fn until_space(&mut self) -> &'a [u8] {
        self.take_while(|b| !is_space(b))
    }

    /// Decimal digits as a number, `None` when there are none, as OTP
    /// reads it: into a C `int`, so past `i32::MAX` it wraps round (a real
    /// socket delivers `HTTP/1.1 2147483648 OK` as status -2147483648).
    pub(super) fn number(&mut self) -> Option<i32> {
        let digits = self.take_while(|b| b.is_ascii_digit());
        (!digits.is_empty()).then(|| c_int(digits))
    }

    /// `1*DIGIT "." 1*DIGIT`.
    pub(super) fn version(&mut self) -> Option<(i32, i32)> {
        let major = self.number()?;
        if self.rest.first() != Some(&b'.') {
            return None;
        }
        self.skip(1);
        let minor = self.number()?;
        Some((major, minor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values produced by erlang:decode_packet/3 of OTP 25 (and the same
    // from a real socket of either backend).
    #[test]
    fn numbers_wrap_as_a_c_int() {
        for (digits, want) in [
            ("0", 0),
            ("2147483647", i32::MAX),
            ("2147483648", i32::MIN),
            ("3000000000", -1294967296),
            ("4294967295", -1),
            ("4294967296", 0),
            ("4294967297", 1),
            ("99999999999", 1215752191),
        ] {
            assert_eq!(c_int(digits.as_bytes()), want, "{digits}");
        }
    }

    #[test]
    fn token_bytes_are_visible_ascii_but_not_separators() {
        for b in 0..=255u8 {
            let slow = (33..128).contains(&b) && !b"()<>@,;:\\\"/[]?={}".contains(&b);
            assert_eq!(is_token(b), slow, "{b}");
        }
    }
}
