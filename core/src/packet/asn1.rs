//! `{packet, asn1}`: one ASN.1 BER tag-length-value, delivered whole.
//!
//! As OTP reads it: a tag byte, and when its low five bits are all set
//! (long tag) further tag bytes up to one without the top bit; then a length
//! byte, either the length itself (short form) or `0x80 | k` followed by a
//! `k`-byte big-endian length, `k` at most 4. The indefinite form `0x80`
//! (`k = 0`) is taken as a length of 0: OTP does not look for the
//! end-of-contents octets, so such a packet is its tag and length bytes only.
//! `k` above 4 is an error, but only once the `k` bytes are there.

use super::decode::Scan;
use super::scan::examined;
use super::sized::{sized, Body};
use super::{DecodeError, Decoded};

/// Decodes one TLV, header included. A long tag is scanned from
/// `scan.searched` on: the tag bytes before it are known to continue it.
pub(super) fn decode(packet_size: u32, buf: &[u8], scan: &mut Scan) -> Decoded {
    if buf.len() < 2 {
        return Decoded::More(None);
    }
    // Index of the length byte.
    let mut at = 1;
    if buf[0] & 0x1f == 0x1f {
        at = scan.searched.clamp(1, buf.len());
        let more = buf[at..].iter().take_while(|&&b| b & 0x80 != 0).count();
        examined(more);
        at += more;
        scan.searched = at;
        // The last tag byte and the length byte must both be there.
        if buf.len() - at < 2 {
            return Decoded::More(None);
        }
        at += 1;
    }
    let first = buf[at];
    at += 1;
    let plen = if first & 0x80 == 0 {
        u64::from(first)
    } else {
        let k = usize::from(first & 0x7f);
        let Some(bytes) = buf.get(at..at + k) else {
            return Decoded::More(None);
        };
        if k > 4 {
            return Decoded::Error(DecodeError::Invalid);
        }
        at += k;
        bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b))
    };
    sized(buf, at, plen, packet_size, Body::Whole)
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::{DecodeError, PacketType};

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const ASN1: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"0", 0, 0, M(None)),
        (b"0\x00", 0, 0, P(2, 0..2)),
        (b"0\x02\x01", 0, 0, M(Some(4))),
        (b"0\x02\x01\x02\x03", 0, 0, P(4, 0..4)),
        (b"0\x80\x01\x02", 0, 0, P(2, 0..2)),
        (b"0\x81", 0, 0, M(None)),
        (b"0\x81\x02\x01\x02", 0, 0, P(5, 0..5)),
        (b"0\x82\x00", 0, 0, M(None)),
        (b"0\x82\x00\x02\x01\x02", 0, 0, P(6, 0..6)),
        (b"0\x83\x00\x00\x01\x09", 0, 0, P(6, 0..6)),
        (b"0\x84\x00\x00\x00\x01\x09", 0, 0, P(7, 0..7)),
        (b"0\x85\x00\x00\x00", 0, 0, M(None)),
        (b"0\x85\x00\x00\x00\x00\x01", 0, 0, E),
        (b"0\xff", 0, 0, M(None)),
        (b"\x1f", 0, 0, M(None)),
        (b"\x1f\x81", 0, 0, M(None)),
        (b"\x1f\x81\x82", 0, 0, M(None)),
        (b"\x1f\x81\x82\x03", 0, 0, M(None)),
        (b"\x1f\x81\x82\x03\x02\x01\x02", 0, 0, P(7, 0..7)),
        (b"\x1f\x05\x01\x07", 0, 0, P(4, 0..4)),
        (b"0\x84\xff\xff\xff\xff", 0, 0, E),
        (b"0\x05", 4, 0, E),
        (b"0\x04", 4, 0, M(Some(6))),
        (b"0\x84\x7f\xff\xff\xff", 0, 0, E),
        (b"0\x84\x7f\xff\xff\xf9", 0, 0, M(Some(2147483647))),
    ];

    #[test]
    fn table_matches_otp() {
        check_table(PacketType::Asn1, ASN1);
    }

    #[test]
    fn split_many_and_errors() {
        let c = cfg(PacketType::Asn1, 0, 0);
        let short: &[u8] = b"\x04\x03abc";
        let long_len: &[u8] = b"\x04\x82\x00\x02hi";
        let long_tag: &[u8] = b"\x1f\x81\x01\x01z";
        check_split_delivery(&c, short, short);
        check_split_delivery(&c, long_len, long_len);
        check_split_delivery(&c, long_tag, long_tag);
        check_many(
            &c,
            &[short, long_len, long_tag, b"\x30"].concat(),
            &[short, long_len, long_tag],
        );
        check_error(&c, b"\x30\x85\x00\x00\x00\x00\x01", DecodeError::Invalid);
        check_error(
            &cfg(PacketType::Asn1, 4, 0),
            b"\x30\x05",
            DecodeError::TooLarge,
        );
    }

    #[test]
    fn indefinite_length_is_the_header_alone() {
        check_many(
            &cfg(PacketType::Asn1, 0, 0),
            b"\x30\x80\x04\x00",
            &[b"\x30\x80", b"\x04\x00"],
        );
    }
}
