//! `{packet, 1 | 2 | 4}`: a big-endian length header, stripped on receive.

use super::sized::{sized, Body};
use super::Decoded;

/// Decodes a packet whose header is `hlen` (1, 2 or 4) bytes.
pub(super) fn decode(hlen: usize, packet_size: u32, buf: &[u8]) -> Decoded {
    let Some(header) = buf.get(..hlen) else {
        return Decoded::More(None);
    };
    let plen = header.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
    sized(buf, hlen, plen, packet_size, Body::AfterHeader)
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::{DecodeError, PacketType};

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const ONE: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"\x00", 0, 0, P(1, 1..1)),
        (b"\x03ab", 0, 0, M(Some(4))),
        (b"\x03abc", 0, 0, P(4, 1..4)),
        (b"\x03abcd", 0, 0, P(4, 1..4)),
        (b"\xff", 0, 0, M(Some(256))),
        (b"\x03a", 2, 0, E),
        (b"\x02ab", 2, 0, P(3, 1..3)),
        (b"\x00\x01x", 0, 0, P(1, 1..1)),
    ];

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const TWO: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"\x00", 0, 0, M(None)),
        (b"\x00\x00", 0, 0, P(2, 2..2)),
        (b"\x00\x03ab", 0, 0, M(Some(5))),
        (b"\x00\x03abcd", 0, 0, P(5, 2..5)),
        (b"\x01\x00", 0, 0, M(Some(258))),
        (b"\x01\x00", 255, 0, E),
        (b"\x01\x00", 256, 0, M(Some(258))),
        (b"\xff\xff\x01", 0, 0, M(Some(65537))),
        (b"\x00\x05\x01", 5, 0, M(Some(7))),
        (b"\x00\x06", 5, 0, E),
    ];

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    // A total above INT_MAX is refused even with no packet_size.
    const FOUR: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"\x00\x00\x00", 0, 0, M(None)),
        (b"\x00\x00\x00\x00", 0, 0, P(4, 4..4)),
        (b"\x00\x00\x00\x02abc", 0, 0, P(6, 4..6)),
        (b"\x00\x00\x00\x03a", 0, 0, M(Some(7))),
        (b"\x7f\xff\xff\xfb", 0, 0, M(Some(2147483647))),
        (b"\x7f\xff\xff\xfc", 0, 0, E),
        (b"\x80\x00\x00\x00", 0, 0, E),
        (b"\xff\xff\xff\xff", 0, 0, E),
        (b"\x00\x01\x00\x00", 65535, 0, E),
        (b"\x00\x01\x00\x00", 65536, 0, M(Some(65540))),
        (b"\xff\xff\xff\xff", 4294967295, 0, E),
    ];

    #[test]
    fn tables_match_otp() {
        check_table(PacketType::One, ONE);
        check_table(PacketType::Two, TWO);
        check_table(PacketType::Four, FOUR);
    }

    #[test]
    fn split_delivery_waits_for_header_then_body() {
        check_split_delivery(&cfg(PacketType::One, 0, 0), b"\x03abc", b"abc");
        check_split_delivery(&cfg(PacketType::Two, 0, 0), b"\x00\x05hello", b"hello");
        check_split_delivery(&cfg(PacketType::Four, 0, 0), b"\x00\x00\x00\x02hi", b"hi");
        check_split_delivery(&cfg(PacketType::Four, 2, 0), b"\x00\x00\x00\x02hi", b"hi");
    }

    #[test]
    fn many_packets_in_one_buffer() {
        let c = cfg(PacketType::Two, 0, 0);
        check_many(
            &c,
            b"\x00\x01a\x00\x00\x00\x02bc\x00\x03de",
            &[b"a", b"", b"bc"],
        );
        let c = cfg(PacketType::One, 0, 0);
        check_many(&c, b"\x01a\x02bc\x00\x01", &[b"a", b"bc", b""]);
    }

    #[test]
    fn oversize_is_too_large_as_soon_as_the_header_is_read() {
        check_error(&cfg(PacketType::One, 2, 0), b"\x03", DecodeError::TooLarge);
        check_error(
            &cfg(PacketType::Two, 255, 0),
            b"\x01\x00",
            DecodeError::TooLarge,
        );
        check_error(
            &cfg(PacketType::Four, 0, 0),
            b"\x80\x00\x00\x00",
            DecodeError::TooLarge,
        );
    }
}
