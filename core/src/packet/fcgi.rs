//! `{packet, fcgi}`: a FastCGI record. An 8-byte header (version 1, type,
//! request id, 2-byte content length, padding length, reserved), then the
//! content and the padding. OTP delivers header and content and drops the
//! padding; `packet_size` limits content plus padding.

use super::sized::{sized, Body};
use super::{DecodeError, Decoded};

const VERSION: u8 = 1;
const HEADER: usize = 8;

/// Decodes one FastCGI record: header and content delivered, padding consumed.
pub(super) fn decode(packet_size: u32, buf: &[u8]) -> Decoded {
    let Some(header) = buf.get(..HEADER) else {
        return Decoded::More(None);
    };
    if header[0] != VERSION {
        return Decoded::Error(DecodeError::Invalid);
    }
    let content = u16::from_be_bytes([header[4], header[5]]);
    let padding = header[6];
    let plen = u64::from(content) + u64::from(padding);
    sized(
        buf,
        HEADER,
        plen,
        packet_size,
        Body::LessTail(usize::from(padding)),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_tables::*;
    use super::super::{DecodeError, PacketType};

    // Rows produced by erlang:decode_packet/3 of OTP 25 on the same inputs.
    const FCGI: &[Row] = &[
        (b"", 0, 0, M(None)),
        (b"\x01\x01\x00\x01\x00\x02\x03", 0, 0, M(None)),
        (b"\x01\x01\x00\x01\x00\x02\x03\x00", 0, 0, M(Some(13))),
        (
            b"\x01\x01\x00\x01\x00\x02\x03\x00ab\x00\x00\x00\x09",
            0,
            0,
            P(13, 0..10),
        ),
        (b"\x01\x01\x00\x01\x00\x00\x00\x00", 0, 0, P(8, 0..8)),
        (b"\x02\x01\x00\x01\x00\x00\x00\x00", 0, 0, E),
        (b"\x00\x01\x00\x01\x00\x00\x00\x00", 0, 0, E),
        (b"\x01\x01\x00\x01\xff\xff\xff\x00", 0, 0, M(Some(65798))),
        (b"\x01\x01\x00\x01\x00\x02\x01\x00", 2, 0, E),
        (b"\x01\x01\x00\x01\x00\x02\x01\x00", 3, 0, M(Some(11))),
        (
            b"\x01\x01\x00\x01\x00\x02\x00\x00ab\x01\x01\x00\x01\x00\x00\x00\x00",
            0,
            0,
            P(10, 0..10),
        ),
    ];

    #[test]
    fn table_matches_otp() {
        check_table(PacketType::Fcgi, FCGI);
    }

    #[test]
    fn split_many_and_errors() {
        let c = cfg(PacketType::Fcgi, 0, 0);
        let rec: &[u8] = b"\x01\x05\x00\x01\x00\x02\x03\x00hiPPP";
        let hdr_and_content: &[u8] = b"\x01\x05\x00\x01\x00\x02\x03\x00hi";
        check_split_delivery(&c, rec, hdr_and_content);
        let empty: &[u8] = b"\x01\x05\x00\x01\x00\x00\x00\x00";
        check_many(
            &c,
            &[rec, empty, b"\x01"].concat(),
            &[hdr_and_content, empty],
        );
        check_error(
            &c,
            b"\x02\x05\x00\x01\x00\x00\x00\x00",
            DecodeError::Invalid,
        );
        check_error(
            &cfg(PacketType::Fcgi, 4, 0),
            b"\x01\x05\x00\x01\x00\x02\x03\x00",
            DecodeError::TooLarge,
        );
    }
}
