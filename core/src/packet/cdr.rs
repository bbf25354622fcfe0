//! `{packet, cdr}`: a CORBA GIOP message. A 12-byte header: `GIOP`, major
//! and minor version, flags (bit 0 set: little-endian), message type, and
//! the 4-byte body size in the byte order of the flags. Delivered whole.

use super::sized::{sized, Body};
use super::{DecodeError, Decoded};

const MAGIC: &[u8; 4] = b"GIOP";
const HEADER: usize = 12;

/// Decodes one GIOP message, header included.
pub(super) fn decode(packet_size: u32, buf: &[u8]) -> Decoded {
    let Some(header) = buf.get(..HEADER) else {
        return Decoded::More(None);
    };
    if &header[..4] != MAGIC {
        return Decoded::Error(DecodeError::Invalid);
    }
    let size = [header[8], header[9], header[10], header[11]];
    let plen = if header[6] & 0x01 != 0 {
        u32::from_le_bytes(size)
    } else {
        u32::from_be_bytes(size)
    };
    sized(buf, HEADER, u64::from(plen), packet_size, Body::Whole)
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::{DecodeError, PacketType};

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const CDR: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"GIOP\x01\x02\x00\x00\x00\x00\x00", 0, 0, M(None)),
        (
            b"GIOP\x01\x02\x00\x00\x00\x00\x00\x03\x01\x02\x03",
            0,
            0,
            P(15, 0..15),
        ),
        (
            b"GIOP\x01\x02\x00\x00\x00\x00\x00\x03\x01",
            0,
            0,
            M(Some(15)),
        ),
        (
            b"GIOP\x01\x02\x01\x00\x03\x00\x00\x00\x01\x02\x03\x04",
            0,
            0,
            P(15, 0..15),
        ),
        (b"GIOP\x01\x02\x03\x00\x03\x00\x00\x00", 0, 0, M(Some(15))),
        (b"GIOX\x01\x02\x00\x00\x00\x00\x00\x03", 0, 0, E),
        (b"giop\x01\x02\x00\x00\x00\x00\x00\x00", 0, 0, E),
        (b"GIOP\x01\x02\x00\x00\x00\x00\x00\x04", 3, 0, E),
        (b"GIOP\x01\x02\x00\x00\x00\x00\x00\x03", 3, 0, M(Some(15))),
        (b"GIOP\x01\x02\x01\x00\xff\xff\xff\x7f", 0, 0, E),
    ];

    #[test]
    fn table_matches_otp() {
        check_table(PacketType::Cdr, CDR);
    }

    #[test]
    fn split_many_and_errors() {
        let c = cfg(PacketType::Cdr, 0, 0);
        let le: &[u8] = b"GIOP\x01\x02\x01\x00\x02\x00\x00\x00hi";
        let be: &[u8] = b"GIOP\x01\x02\x00\x00\x00\x00\x00\x01x";
        check_split_delivery(&c, le, le);
        check_split_delivery(&c, be, be);
        check_many(&c, &[le, be, b"GIO"].concat(), &[le, be]);
        check_error(
            &c,
            b"GIOX\x01\x02\x00\x00\x00\x00\x00\x01",
            DecodeError::Invalid,
        );
        check_error(
            &cfg(PacketType::Cdr, 1, 0),
            b"GIOP\x01\x02\x00\x00\x00\x00\x00\x02",
            DecodeError::TooLarge,
        );
    }
}
