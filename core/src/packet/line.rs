//! `{packet, line}`: a packet ends with the line delimiter, which it keeps.
//!
//! OTP's rules (`packet_get_length`, `TCP_PB_LINE_LF`), in this order:
//! * no delimiter yet: more than `packet_size` bytes is an error; else at
//!   least `trunc_len` bytes (the socket's `buffer` size) is a packet of
//!   exactly `trunc_len` bytes, the rest of the line coming as later packets;
//!   else wait;
//! * a delimiter: a line longer than `packet_size` is an error; a line longer
//!   than `trunc_len` is cut to `trunc_len` bytes; else the line is a packet.

use super::decode::Scan;
use super::scan::find_byte;
use super::{DecodeError, Decoded, FrameConfig};

/// Decodes one line, searching for the delimiter from `scan.searched` on:
/// the bytes before it are known to hold none.
///
/// Only the first `trunc_len` bytes are searched when they decide: a line
/// cut at `trunc_len` does not look at the bytes after the cut, which are
/// the next packets (a long line in a large buffer would else be searched
/// once for each piece cut from it). They are looked at only for the
/// `packet_size` rule, when the buffer holds more than `packet_size` bytes.
pub(super) fn decode(cfg: &FrameConfig, buf: &[u8], scan: &mut Scan) -> Decoded {
    let n = buf.len();
    let max = cfg.packet_size as usize;
    let trunc = cfg.trunc_len as usize;
    let over = |len: usize| max != 0 && len > max;
    // A delimiter past here would make a line longer than `trunc_len`.
    let horizon = if trunc != 0 { n.min(trunc) } else { n };
    let from = scan.searched.min(horizon);
    let len = match find_byte(cfg.line_delimiter, &buf[from..horizon]) {
        Some(at) if over(from + at + 1) => return Decoded::Error(DecodeError::TooLarge),
        Some(at) => from + at + 1,
        // No end before the cut: a piece of `trunc_len` bytes, unless the
        // line is longer than `packet_size`, which a delimiter before
        // `packet_size` would disprove.
        None if trunc != 0 && n >= trunc => {
            if over(n) && find_byte(cfg.line_delimiter, &buf[trunc..max.max(trunc)]).is_none() {
                return Decoded::Error(DecodeError::TooLarge);
            }
            trunc
        }
        None if over(n) => return Decoded::Error(DecodeError::TooLarge),
        None => {
            scan.searched = n;
            return Decoded::More(None);
        }
    };
    Decoded::Packet {
        consumed: len,
        body: 0..len,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::{decode, DecodeError, Decoded, FrameConfig, PacketType};

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs
    // (its `line_length` option is our `trunc_len`).
    const LINE: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"abc", 0, 0, M(None)),
        (b"\x0a", 0, 0, P(1, 0..1)),
        (b"abc\x0a", 0, 0, P(4, 0..4)),
        (b"abc\x0adef\x0a", 0, 0, P(4, 0..4)),
        (b"abc\x0d\x0ax", 0, 0, P(5, 0..5)),
        (b"abcdef", 3, 0, E),
        (b"abc", 3, 0, M(None)),
        (b"abcd", 3, 0, E),
        (b"abc\x0a", 3, 0, E),
        (b"ab\x0a", 3, 0, P(3, 0..3)),
        (b"abcdef", 0, 3, P(3, 0..3)),
        (b"ab", 0, 3, M(None)),
        (b"ab\x0acdef", 0, 2, P(2, 0..2)),
        (b"abcd\x0a", 0, 4, P(4, 0..4)),
        (b"abc\x0a", 0, 4, P(4, 0..4)),
        (b"ab", 2, 2, P(2, 0..2)),
        (b"abc", 2, 2, E),
        (b"abcdef", 4, 2, E),
        (b"abcdef\x0a", 10, 3, P(3, 0..3)),
        // Cut at line_length, but the whole line must fit packet_size.
        (b"abc\x0adefghij", 5, 2, P(2, 0..2)),
        (b"abcd\x0afghij", 5, 2, P(2, 0..2)),
        (b"abcde\x0aghij", 5, 2, E),
        (b"abcdef\x0a", 5, 2, E),
    ];

    #[test]
    fn table_matches_otp() {
        check_table(PacketType::Line, LINE);
    }

    #[test]
    fn split_delivery_waits_for_the_delimiter() {
        check_split_delivery(&cfg(PacketType::Line, 0, 0), b"hello\n", b"hello\n");
        check_split_delivery(&cfg(PacketType::Line, 6, 0), b"hello\n", b"hello\n");
        check_split_delivery(&cfg(PacketType::Line, 0, 6), b"hello\n", b"hello\n");
    }

    #[test]
    fn many_lines_in_one_buffer() {
        let c = cfg(PacketType::Line, 0, 0);
        check_many(&c, b"a\n\nbc\r\nde", &[b"a\n", b"\n", b"bc\r\n"]);
        // Cut at trunc_len: the tail of a long line comes as further packets.
        let c = cfg(PacketType::Line, 0, 3);
        check_many(&c, b"abcdefg\nxy", &[b"abc", b"def", b"g\n"]);
    }

    #[test]
    fn custom_delimiter_is_kept() {
        let c = FrameConfig {
            line_delimiter: b';',
            ..cfg(PacketType::Line, 0, 0)
        };
        check_many(&c, b"a;b\n;c", &[b"a;", b"b\n;"]);
    }

    #[test]
    fn overlong_lines_are_too_large() {
        let c = cfg(PacketType::Line, 3, 0);
        check_error(&c, b"abcd", DecodeError::TooLarge);
        check_error(&c, b"abc\n", DecodeError::TooLarge);
        // Exactly packet_size bytes without a delimiter still waits.
        assert_eq!(decode(&c, b"abc"), Decoded::More(None));
    }
}
