//! A header line, or the empty line that ends the headers.
//!
//! The name is the token before `:`. OTP puts it in canonical case (first
//! letter and each letter after `-` upper, the others lower) and looks that
//! up among the known headers; a name longer than 50 bytes is neither
//! re-cased nor looked up. Spaces and tabs after `:` are skipped; the value
//! is the rest of the line, continuation line ends included.

use bytes::Bytes;

use super::cursor::{is_space, is_token};
use super::{HttpField, HttpHeader, HttpPacket};

/// OTP's `HTTP_MAX_NAME_LEN`.
const MAX_NAME_LEN: usize = 50;

/// Parses a header line (without its line end); `None` is `http_error`.
pub(super) fn parse(line: &[u8]) -> Option<HttpPacket> {
    if line.is_empty() {
        return Some(HttpPacket::Eoh);
    }
    let name_len = line.iter().position(|&b| !is_token(b))?;
    if line[name_len] != b':' {
        return None;
    }
    let raw = &line[..name_len];
    let field = if name_len <= MAX_NAME_LEN {
        let mut buf = [0u8; MAX_NAME_LEN];
        let canonical = canonical_case(raw, &mut buf);
        match HttpHeader::lookup(canonical) {
            Some(known) => HttpField::Known(known),
            None => HttpField::Other(Bytes::copy_from_slice(canonical)),
        }
    } else {
        HttpField::Other(Bytes::copy_from_slice(raw))
    };
    let after = &line[name_len + 1..];
    let skip = after.iter().take_while(|&&b| is_space(b)).count();
    Some(HttpPacket::Header {
        field,
        raw_field: Bytes::copy_from_slice(raw),
        value: Bytes::copy_from_slice(&after[skip..]),
    })
}

/// OTP's re-casing: upper-case the first byte and the byte after each `-`
/// that is not itself right after a `-` turn, lower-case the others.
/// Writes into `out` (names up to [`MAX_NAME_LEN`] bytes, longer ones cut)
/// so that looking up a known header allocates nothing.
fn canonical_case<'a>(name: &[u8], out: &'a mut [u8; MAX_NAME_LEN]) -> &'a [u8] {
    let mut up = true;
    let n = name.len().min(MAX_NAME_LEN);
    for (o, &c) in out.iter_mut().zip(&name[..n]) {
        *o = if up {
            up = false;
            c.to_ascii_uppercase()
        } else if c == b'-' {
            up = true;
            c
        } else {
            c.to_ascii_lowercase()
        };
    }
    &out[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_case_matches_otp() {
        let mut buf = [0; MAX_NAME_LEN];
        let mut c = |s: &[u8]| canonical_case(s, &mut buf).to_vec();
        assert_eq!(c(b"content-length"), b"Content-Length");
        assert_eq!(c(b"x-foo-BAR"), b"X-Foo-Bar");
        assert_eq!(c(b"a--b"), b"A--b");
        assert_eq!(c(b"-a"), b"-a");
        assert_eq!(c(b"WWW-AUTHENTICATE"), b"Www-Authenticate");
    }
}
