//! Where an HTTP packet ends (the HTTP part of OTP's `packet_get_length`).
//!
//! A packet is one line, ending with `\n` (so `\r\n` and a bare `\n` both
//! work). In the header state a line followed by a space or tab continues
//! on the next line, so a header is only known to be whole once the byte
//! after its `\n` has arrived; an empty line (`\n` or `\r\n`) is the end of
//! the headers at once.
//!
//! The limit is `packet_size`, or when that is 0 the line length
//! (`trunc_len`, the socket's `buffer`): a line longer than the limit is an
//! error, and so is a buffer of at least that many bytes without a `\n`.

use crate::packet::decode::Scan;
use crate::packet::scan::find_byte;
use crate::packet::DecodeError;

/// The length of the first packet of `buf`, `None` when it is not whole
/// yet; the search resumes at `scan` and leaves there where it stopped.
///
/// The search goes through each byte once over any number of calls: line
/// ends known to be continued, and bytes known to hold none, lie before
/// `scan.searched`. A line end at the very end of `buf`, whose next byte
/// decides, is left to the next call.
pub(super) fn packet_len(
    in_headers: bool,
    max: usize,
    buf: &[u8],
    scan: &mut Scan,
) -> Result<Option<usize>, DecodeError> {
    let n = buf.len();
    // An empty line is whole whatever the limit. OTP exempts it only when
    // it is all there is: with `packet_size` 1, `\r\n` followed by more
    // is `{error, invalid}` there. We exempt it always, so that the answer
    // does not depend on how the bytes were cut into reads.
    match buf {
        [b'\n', ..] => return Ok(Some(1)),
        [b'\r', b'\n', ..] => return Ok(Some(2)),
        _ => {}
    }
    let over = |len: usize| max != 0 && len > max;
    let mut from = scan.searched.min(n);
    loop {
        let Some(nl) = find_byte(b'\n', &buf[from..]) else {
            // A lone `\r` may still become the empty line `\r\n`, which
            // no limit refuses: OTP says `{error, invalid}` for it with
            // `packet_size` 1 and `http_eoh` once the `\n` is there. We
            // wait, so that the answer does not depend on how the two
            // bytes were cut into reads.
            return if max != 0 && n >= max && buf != b"\r" {
                Err(DecodeError::TooLarge)
            } else {
                scan.searched = n;
                Ok(None)
            };
        };
        let len = from + nl + 1;
        if over(len) {
            return Err(DecodeError::TooLarge);
        }
        if !in_headers {
            return Ok(Some(len));
        }
        match buf.get(len) {
            // OTP's `plen > 2`: an empty first line never continues.
            Some(b' ' | b'\t') if len > 2 => from = len,
            Some(_) => return Ok(Some(len)),
            None => {
                scan.searched = len - 1;
                return Ok(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The length from the start, `None` while not whole.
    fn packet_len(in_headers: bool, max: usize, buf: &[u8]) -> Result<Option<usize>, DecodeError> {
        super::packet_len(in_headers, max, buf, &mut Scan::default())
    }

    #[test]
    fn request_line_ends_at_the_first_newline() {
        assert_eq!(packet_len(false, 0, b"GET / HTTP/1.1\r\nHo"), Ok(Some(16)));
        assert_eq!(packet_len(false, 0, b"GET / HTTP/1.1\r"), Ok(None));
        assert_eq!(packet_len(false, 0, b"a\nb"), Ok(Some(2)));
    }

    #[test]
    fn header_waits_for_the_next_byte_and_follows_continuations() {
        assert_eq!(packet_len(true, 0, b"A: b\r\n"), Ok(None));
        assert_eq!(packet_len(true, 0, b"A: b\r\nC"), Ok(Some(6)));
        assert_eq!(packet_len(true, 0, b"A: b\r\n c\r\n"), Ok(None));
        assert_eq!(packet_len(true, 0, b"A: b\r\n c\r\n\tz\nX"), Ok(Some(13)));
        assert_eq!(packet_len(true, 0, b"\r\n"), Ok(Some(2)));
        assert_eq!(packet_len(true, 0, b"\n"), Ok(Some(1)));
        assert_eq!(packet_len(true, 0, b"\r\n x"), Ok(Some(2)));
        assert_eq!(packet_len(true, 0, b"\n x"), Ok(Some(1)));
    }

    // Limits as erlang:decode_packet/3 of OTP 25 applies them.
    #[test]
    fn limits() {
        assert_eq!(packet_len(true, 9, b"Host: x\r\n"), Ok(None));
        assert_eq!(
            packet_len(true, 8, b"Host: x\r\n"),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(packet_len(true, 7, b"Host: x"), Err(DecodeError::TooLarge));
        assert_eq!(
            packet_len(false, 15, b"GET / HTTP/1.1\r\n"),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(packet_len(false, 16, b"GET / HTTP/1.1\r\n"), Ok(Some(16)));
        assert_eq!(packet_len(false, 3, b""), Ok(None));
        // Not OTP's `{error, invalid}`: a `\r` waits for its `\n`.
        assert_eq!(packet_len(true, 1, b"\r"), Ok(None));
        assert_eq!(packet_len(true, 1, b"\r\n"), Ok(Some(2)));
        assert_eq!(packet_len(false, 1, b"\r\nx"), Ok(Some(2)));
    }
}
