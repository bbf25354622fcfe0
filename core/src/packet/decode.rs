//! The entry point: pick the decoder of the configured packet type.

use super::{asn1, cdr, fcgi, http, length_prefixed, line, sunrm, tpkt};
use super::{Decoded, FrameConfig, PacketType};

/// Finds the first packet in `buf` under `cfg` (OTP's `packet_get_length`
/// followed by `packet_parse` for the HTTP types).
///
/// `buf` holds the bytes received and not yet delivered, oldest first.
/// Call it again on `buf[consumed..]` for the next packet.
///
/// Never panics, never reads past `buf`, and never answers
/// `More(Some(n))` with a body above `packet_size` (see the module docs).
///
/// # Example
/// ```
/// use gen_tcp_core::packet::{decode, Decoded, FrameConfig, PacketType};
///
/// let cfg = FrameConfig { packet: PacketType::Two, ..FrameConfig::default() };
/// assert_eq!(decode(&cfg, b"\x00\x03ab"), Decoded::More(Some(5)));
/// assert_eq!(
///     decode(&cfg, b"\x00\x03abcX"),
///     Decoded::Packet { consumed: 5, body: 2..5 }
/// );
/// ```
pub fn decode(cfg: &FrameConfig, buf: &[u8]) -> Decoded {
    match cfg.packet {
        PacketType::Raw => raw(buf),
        PacketType::One | PacketType::Two | PacketType::Four => {
            length_prefixed::decode(cfg.packet.send_header_len(), cfg.packet_size, buf)
        }
        PacketType::Line => line::decode(cfg, buf),
        PacketType::Sunrm => sunrm::decode(cfg.packet_size, buf),
        PacketType::Asn1 => asn1::decode(cfg.packet_size, buf),
        PacketType::Cdr => cdr::decode(cfg.packet_size, buf),
        PacketType::Fcgi => fcgi::decode(cfg.packet_size, buf),
        PacketType::Tpkt => tpkt::decode(cfg.packet_size, buf),
        PacketType::Http | PacketType::HttpBin => http::decode(false, cfg, buf),
        PacketType::Httph | PacketType::HttphBin => http::decode(true, cfg, buf),
    }
}

/// `raw` / `0`: whatever is there is a packet; nothing is not.
fn raw(buf: &[u8]) -> Decoded {
    if buf.is_empty() {
        Decoded::More(None)
    } else {
        Decoded::Packet {
            consumed: buf.len(),
            body: 0..buf.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_takes_everything_and_waits_on_nothing() {
        let cfg = FrameConfig::default();
        assert_eq!(decode(&cfg, b""), Decoded::More(None));
        assert_eq!(
            decode(&cfg, b"abc"),
            Decoded::Packet {
                consumed: 3,
                body: 0..3
            }
        );
        // packet_size does not apply to raw, as in OTP.
        let cfg = FrameConfig {
            packet_size: 1,
            ..cfg
        };
        assert_eq!(
            decode(&cfg, b"abc"),
            Decoded::Packet {
                consumed: 3,
                body: 0..3
            }
        );
    }
}
