//! A header line, or the empty line that ends the headers.
//!
//! The name is the token before `:`. OTP puts it in canonical case (first
//! letter and each letter after `-` upper, the others lower) and looks that
//! up among the known headers; a name longer than 50 bytes is neither
//! re-cased nor looked up. Spaces and tabs after `:` are skipped; the value
//! is the rest of the line, continuation line ends included.
//!
//! Re-casing only for the lookup would be wasted: a name is known exactly
//! when it equals a known name in any case (see
//! [`HttpHeader::lookup_spelled`]), and a known header's usual
//! spellings are statics. Only unknown names are re-cased.

use bytes::Bytes;

use super::cursor::{is_space, is_token};
use super::share::{copy, pieces};
use super::{HttpField, HttpHeader, HttpPacket};
use crate::packet::scan::find_byte;

/// OTP's `HTTP_MAX_NAME_LEN`.
const MAX_NAME_LEN: usize = 50;

/// Parses a header line (without its line end); `None` is `http_error`.
#[inline]
pub(super) fn parse(line: &[u8]) -> Option<HttpPacket> {
    if line.is_empty() {
        return Some(HttpPacket::Eoh);
    }
    // The name is the longest token prefix and must end at a `:`: so it
    // ends at the first `:`, and every byte before is a token byte. (Found
    // a word at a time, then checked without a branch per byte.)
    let name_len = find_byte(b':', line)?;
    let raw = &line[..name_len];
    if !raw.iter().fold(true, |ok, &b| ok & is_token(b)) {
        return None;
    }
    let skip = line[name_len + 1..]
        .iter()
        .take_while(|&&b| is_space(b))
        .count();
    let value = name_len + 1 + skip..line.len();
    // Known names are short (at most 24 bytes), so a long one is never found.
    Some(match HttpHeader::lookup_spelled(raw) {
        Some((known, spelled)) => {
            let [raw_field, value] = match spelled {
                Some(spelled) => [Bytes::from_static(spelled), copy(line, value)],
                None => pieces(line, [0..name_len, value]),
            };
            HttpPacket::Header {
                field: HttpField::Known(known),
                raw_field,
                value,
            }
        }
        None => other(line, name_len, value),
    })
}

/// An unknown header: the name in canonical case when at most
/// [`MAX_NAME_LEN`] bytes, as sent when longer.
fn other(line: &[u8], name_len: usize, value: std::ops::Range<usize>) -> HttpPacket {
    let raw = &line[..name_len];
    let mut buf = [0u8; MAX_NAME_LEN];
    let canonical = if name_len <= MAX_NAME_LEN {
        canonical_case(raw, &mut buf)
    } else {
        raw
    };
    if canonical == raw {
        let [raw_field, value] = pieces(line, [0..name_len, value]);
        return HttpPacket::Header {
            field: HttpField::Other(raw_field.clone()),
            raw_field,
            value,
        };
    }
    // One allocation for the line and the re-cased name after it.
    let mut owned = Vec::with_capacity(line.len() + name_len);
    owned.extend_from_slice(line);
    owned.extend_from_slice(canonical);
    let [raw_field, value, field] = pieces(&owned, [0..name_len, value, line.len()..owned.len()]);
    HttpPacket::Header {
        field: HttpField::Other(field),
        raw_field,
        value,
    }
}

/// OTP's re-casing: upper-case the first byte and the byte after each `-`
/// that is not itself right after a `-` turn, lower-case the others.
/// Writes into `out` (names up to [`MAX_NAME_LEN`] bytes, longer ones cut)
/// so that it allocates nothing.
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

    // What makes the case-blind lookup OTP's: every known name is its own
    // canonical case, and re-casing any spelling of it gives it back.
    #[test]
    fn known_names_are_canonical_so_any_case_finds_them() {
        let mut buf = [0; MAX_NAME_LEN];
        for &h in HttpHeader::ALL {
            let name = h.name().as_bytes();
            assert_eq!(canonical_case(name, &mut buf), name);
            let upper = name.to_ascii_uppercase();
            assert_eq!(canonical_case(&upper, &mut buf), name);
        }
    }

    #[test]
    fn spellings_are_kept_and_names_recased() {
        let h = |line: &[u8]| match parse(line) {
            Some(HttpPacket::Header {
                field,
                raw_field,
                value,
            }) => (field.as_bytes().to_vec(), raw_field, value),
            other => panic!("{other:?}"),
        };
        for (line, field, raw, value) in [
            (
                &b"content-LENGTH:  5"[..],
                "Content-Length",
                "content-LENGTH",
                "5",
            ),
            (b"content-length:", "Content-Length", "content-length", ""),
            (b"x-request-id: \t7", "X-Request-Id", "x-request-id", "7"),
            (b"X-Request-Id:7", "X-Request-Id", "X-Request-Id", "7"),
            (b"x-a:", "X-A", "x-a", ""),
        ] {
            let (f, r, v) = h(line);
            assert_eq!(f, field.as_bytes(), "{line:?}");
            assert_eq!(r, raw.as_bytes(), "{line:?}");
            assert_eq!(v, value.as_bytes(), "{line:?}");
        }
    }
}
