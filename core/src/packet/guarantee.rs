//! The decoders' guarantee as code, for the smoke test and fuzz targets.

use super::{decode, http, Decoded, FrameConfig, PacketType};

/// Checks one answer of [`decode`] against the guarantee of the module
/// docs: a packet lies within the buffer and is not empty, a known total is
/// beyond the buffer and within `packet_size` plus the type's header, and a
/// line or HTTP decoder that waits without a total holds at most the limit.
pub fn check_guarantee(cfg: &FrameConfig, buf: &[u8], d: &Decoded) -> Result<(), String> {
    let max = cfg.packet_size as usize;
    match d {
        Decoded::Packet { consumed, body } => {
            if cfg.packet.is_http() {
                return Err("plain packet from an HTTP type".into());
            }
            if *consumed == 0 || *consumed > buf.len() {
                return Err(format!("consumed {consumed} of {}", buf.len()));
            }
            if body.start > body.end || body.end > *consumed {
                return Err(format!("body {body:?} outside 0..{consumed}"));
            }
        }
        Decoded::Http { consumed, .. } => {
            if !cfg.packet.is_http() {
                return Err("HTTP packet from a plain type".into());
            }
            if *consumed == 0 || *consumed > buf.len() {
                return Err(format!("consumed {consumed} of {}", buf.len()));
            }
        }
        Decoded::More(Some(n)) => {
            if *n <= buf.len() {
                return Err(format!("asks for {n} with {} there", buf.len()));
            }
            let header = match cfg.packet {
                PacketType::One => 1,
                PacketType::Two => 2,
                PacketType::Four | PacketType::Sunrm | PacketType::Tpkt => 4,
                PacketType::Fcgi => 8,
                PacketType::Cdr => 12,
                // Tag and length bytes, all already in the buffer.
                PacketType::Asn1 => buf.len(),
                _ => return Err(format!("{:?} announced a total", cfg.packet)),
            };
            if max != 0 && *n > max + header {
                return Err(format!("asks for {n} with packet_size {max}"));
            }
        }
        Decoded::More(None) => {
            let limit = match cfg.packet {
                PacketType::Line => max,
                p if p.is_http() && max != 0 => max,
                p if p.is_http() => cfg.trunc_len as usize,
                _ => 0,
            };
            if limit != 0 && buf.len() > limit {
                return Err(format!("waits holding {} over {limit}", buf.len()));
            }
        }
        Decoded::Error(_) => {}
    }
    Ok(())
}

/// Decodes `buf` packet after packet as a socket would (following the HTTP
/// state switches), checking [`check_guarantee`] at each step and feeding
/// the first packet byte by byte as well.
pub fn check_stream(cfg: &FrameConfig, buf: &[u8]) -> Result<(), String> {
    for k in 0..buf.len().min(64) {
        check_guarantee(cfg, &buf[..k], &decode(cfg, &buf[..k]))?;
    }
    let mut current = *cfg;
    let mut rest = buf;
    loop {
        let d = decode(&current, rest);
        check_guarantee(&current, rest, &d)?;
        let consumed = match d {
            Decoded::Packet { consumed, .. } => consumed,
            Decoded::Http { consumed, packet } => {
                current.packet = http::next_packet_type_for(cfg.packet, current.packet, &packet);
                consumed
            }
            Decoded::More(_) | Decoded::Error(_) => return Ok(()),
        };
        rest = &rest[consumed..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_a_broken_answer() {
        let cfg = FrameConfig {
            packet: PacketType::Two,
            packet_size: 4,
            ..FrameConfig::default()
        };
        assert!(check_guarantee(&cfg, b"ab", &Decoded::More(Some(7))).is_err());
        assert!(check_guarantee(&cfg, b"ab", &Decoded::More(Some(6))).is_ok());
        let bad = Decoded::Packet {
            consumed: 3,
            body: 0..3,
        };
        assert!(check_guarantee(&cfg, b"ab", &bad).is_err());
    }
}
