//! `{packet, sunrm}`: Sun RPC record marking (RFC 1831, section 10).
//!
//! A 4-byte big-endian header whose top bit marks the last fragment and
//! whose other 31 bits give the fragment length. OTP delivers the header
//! with the data and ignores the last-fragment bit.

use super::sized::{sized, Body};
use super::Decoded;

/// Decodes one record fragment, header included.
pub(super) fn decode(packet_size: u32, buf: &[u8]) -> Decoded {
    let Some(&[a, b, c, d]) = buf.get(..4) else {
        return Decoded::More(None);
    };
    let plen = u32::from_be_bytes([a, b, c, d]) & 0x7fff_ffff;
    sized(buf, 4, u64::from(plen), packet_size, Body::Whole)
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::PacketType;

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const SUNRM: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"\x00\x00\x00", 0, 0, M(None)),
        (b"\x00\x00\x00\x00", 0, 0, P(4, 0..4)),
        (b"\x00\x00\x00\x02\x01", 0, 0, M(Some(6))),
        (b"\x00\x00\x00\x02\x01\x02\x03", 0, 0, P(6, 0..6)),
        (b"\x80\x00\x00\x02\x01\x02", 0, 0, P(6, 0..6)),
        (b"\xff\xff\xff\xff", 0, 0, E),
        (b"\x7f\xff\xff\xfb", 0, 0, M(Some(2147483647))),
        (b"\x00\x00\x00\x03", 2, 0, E),
        (b"\x00\x00\x00\x02\x01\x02", 2, 0, P(6, 0..6)),
    ];

    #[test]
    fn table_matches_otp() {
        check_table(PacketType::Sunrm, SUNRM);
    }

    #[test]
    fn split_and_many() {
        let c = cfg(PacketType::Sunrm, 0, 0);
        check_split_delivery(&c, b"\x80\x00\x00\x03abc", b"\x80\x00\x00\x03abc");
        check_many(
            &c,
            b"\x00\x00\x00\x01a\x80\x00\x00\x00\x00",
            &[b"\x00\x00\x00\x01a", b"\x80\x00\x00\x00"],
        );
    }
}
