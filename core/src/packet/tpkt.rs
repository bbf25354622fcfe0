//! `{packet, tpkt}`: TPKT (RFC 1006): version 3, a reserved byte, and a
//! 2-byte big-endian length that counts the 4-byte header. Delivered whole.

use super::sized::{sized, Body};
use super::{DecodeError, Decoded};

const VERSION: u8 = 3;

/// Decodes one TPKT packet, header included.
pub(super) fn decode(packet_size: u32, buf: &[u8]) -> Decoded {
    let Some(&[version, _reserved, hi, lo]) = buf.get(..4) else {
        return Decoded::More(None);
    };
    if version != VERSION {
        return Decoded::Error(DecodeError::Invalid);
    }
    // OTP subtracts the header in unsigned arithmetic: a length below 4
    // wraps to a huge body and is refused.
    let Some(plen) = u16::from_be_bytes([hi, lo]).checked_sub(4) else {
        return Decoded::Error(DecodeError::Invalid);
    };
    sized(buf, 4, u64::from(plen), packet_size, Body::Whole)
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::{DecodeError, PacketType};

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const TPKT: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"\x03\x00\x00", 0, 0, M(None)),
        (b"\x03\x00\x00\x04", 0, 0, P(4, 0..4)),
        (b"\x03\x00\x00\x06\x01\x02\x09", 0, 0, P(6, 0..6)),
        (b"\x03\x00\x00\x07\x01\x02", 0, 0, M(Some(7))),
        (b"\x03\x00\x00\x03", 0, 0, E),
        (b"\x03\x00\x00\x00", 0, 0, E),
        (b"\x02\x00\x00\x04", 0, 0, E),
        (b"\x03\xff\x00\x05\x01", 0, 0, P(5, 0..5)),
        (b"\x03\x00\x00\x07", 2, 0, E),
        (b"\x03\x00\x00\x07", 3, 0, M(Some(7))),
        (b"\x03\x00\xff\xff", 0, 0, M(Some(65535))),
    ];

    #[test]
    fn table_matches_otp() {
        check_table(PacketType::Tpkt, TPKT);
    }

    #[test]
    fn split_many_and_errors() {
        let c = cfg(PacketType::Tpkt, 0, 0);
        check_split_delivery(&c, b"\x03\x00\x00\x06hi", b"\x03\x00\x00\x06hi");
        check_many(
            &c,
            b"\x03\x00\x00\x04\x03\x00\x00\x05x\x03",
            &[b"\x03\x00\x00\x04", b"\x03\x00\x00\x05x"],
        );
        check_error(&c, b"\x02\x00\x00\x04", DecodeError::Invalid);
        check_error(&c, b"\x03\x00\x00\x03", DecodeError::Invalid);
        check_error(
            &cfg(PacketType::Tpkt, 2, 0),
            b"\x03\x00\x00\x07",
            DecodeError::TooLarge,
        );
    }
}
