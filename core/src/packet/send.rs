//! The header `{packet, 1 | 2 | 4}` puts in front of outgoing data.

use super::{DecodeError, PacketType};

/// The length header to send before `len` bytes of data: its bytes (the
/// first `n` of the array are used) and `n`, 0 for types that add none.
///
/// A length that does not fit the header is `Err(DecodeError::TooLarge)`,
/// which a backend reports as `{error, emsgsize}`. This differs from OTP 25
/// on purpose: there `gen_tcp:send/2` with `{packet, 1}` and 256 bytes (or
/// `{packet, 2}` and 65536 bytes) returns `ok` on both `inet_backend`s and
/// writes the length truncated to the header's width, so the peer gets an
/// empty packet and then garbage (checked with OTP 25, `erts-13.1.5`).
///
/// # Example
/// ```
/// use gen_tcp_core::packet::{send_header, DecodeError, PacketType};
///
/// assert_eq!(send_header(PacketType::Two, 3), Ok(([0, 3, 0, 0], 2)));
/// assert_eq!(send_header(PacketType::One, 256), Err(DecodeError::TooLarge));
/// assert_eq!(send_header(PacketType::Line, 10).map(|(_, n)| n), Ok(0));
/// ```
pub fn send_header(packet: PacketType, len: usize) -> Result<([u8; 4], usize), DecodeError> {
    let hlen = packet.send_header_len();
    if hlen == 0 {
        return Ok(([0; 4], 0));
    }
    let len = u64::try_from(len).map_err(|_| DecodeError::TooLarge)?;
    if len >> (8 * hlen) != 0 {
        return Err(DecodeError::TooLarge);
    }
    let be = (len as u32).to_be_bytes();
    let mut header = [0u8; 4];
    header[..hlen].copy_from_slice(&be[4 - hlen..]);
    Ok((header, hlen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_big_endian_and_sized_by_type() {
        assert_eq!(send_header(PacketType::One, 0), Ok(([0, 0, 0, 0], 1)));
        assert_eq!(send_header(PacketType::One, 255), Ok(([255, 0, 0, 0], 1)));
        assert_eq!(
            send_header(PacketType::Two, 0x1234),
            Ok(([0x12, 0x34, 0, 0], 2))
        );
        assert_eq!(
            send_header(PacketType::Two, 65535),
            Ok(([255, 255, 0, 0], 2))
        );
        assert_eq!(
            send_header(PacketType::Four, 0x0102_0304),
            Ok(([1, 2, 3, 4], 4))
        );
    }

    #[test]
    fn lengths_that_do_not_fit_are_too_large() {
        assert_eq!(
            send_header(PacketType::One, 256),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(
            send_header(PacketType::Two, 65536),
            Err(DecodeError::TooLarge)
        );
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            send_header(PacketType::Four, 1usize << 32),
            Err(DecodeError::TooLarge)
        );
    }

    #[test]
    fn other_types_add_nothing() {
        for t in [
            PacketType::Raw,
            PacketType::Line,
            PacketType::Asn1,
            PacketType::Http,
        ] {
            assert_eq!(send_header(t, usize::MAX), Ok(([0; 4], 0)));
        }
    }
}
