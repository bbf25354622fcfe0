//! The decoders' guarantee as code, for the smoke test and fuzz targets.

use crate::packet::{decode, decode_resume, http, Decoded, FrameConfig, PacketType, Resume};

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
/// state switches), and for each packet also every prefix of what is left,
/// shortest first: each answer keeps [`check_guarantee`], resuming gives
/// what decoding from the start gives, and an answer once given is final
/// (the guarantee of [`crate::packet`]).
pub fn check_stream(cfg: &FrameConfig, buf: &[u8]) -> Result<(), String> {
    let mut current = *cfg;
    let mut rest = buf;
    loop {
        let consumed = match check_prefixes(&current, rest)? {
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

/// Decodes the prefixes of `buf` as a receiver does, one more byte each
/// time, and checks each answer: it keeps [`check_guarantee`]; resuming
/// with [`decode_resume`] gives what [`decode`] gives from the start; and
/// once a prefix gives a packet or an error, every longer one within the
/// decision horizon gives the same (see the module docs of
/// [`crate::packet`]). Prefixes are tried up to a few bytes past the first
/// such answer, then all of `buf`. Returns the answer for all of `buf`.
fn check_prefixes(cfg: &FrameConfig, buf: &[u8]) -> Result<Decoded, String> {
    const PAST_SETTLED: usize = 8;
    let horizon = match cfg.packet_size.max(cfg.trunc_len) {
        0 => usize::MAX,
        h => h as usize,
    };
    let mut resume = Resume::default();
    let mut settled: Option<(usize, Decoded)> = None;
    let mut k = 0;
    loop {
        let prefix = &buf[..k];
        let fresh = decode(cfg, prefix);
        check_guarantee(cfg, prefix, &fresh)?;
        let (resumed, next) = decode_resume(cfg, prefix, resume);
        resume = next;
        if resumed != fresh {
            return Err(format!(
                "{k} bytes: resumed {resumed:?}, from the start {fresh:?}"
            ));
        }
        // Raw takes whatever is there: its answers grow with the bytes.
        if cfg.packet != PacketType::Raw && k <= horizon {
            match &settled {
                Some((at, first)) if *first != fresh => {
                    return Err(format!(
                        "{at} bytes gave {first:?}, {k} bytes give {fresh:?}"
                    ))
                }
                None if !matches!(fresh, Decoded::More(_)) => settled = Some((k, fresh.clone())),
                _ => {}
            }
        }
        if k == buf.len() {
            return Ok(fresh);
        }
        k = match settled {
            Some((at, _)) if k >= at + PAST_SETTLED => buf.len(),
            _ => k + 1,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_of_every_type_keep_the_guarantee() {
        let streams: &[(PacketType, &[u8])] = &[
            (PacketType::Line, b"ab\ncd\n\nef"),
            (PacketType::Two, b"\x00\x02ab\x00\x00\x00\x05abc"),
            (PacketType::Asn1, b"\x1f\x81\x01\x01z\x30\x81"),
            (
                PacketType::Http,
                b"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\nHTTP/1.1 200 OK\r\n",
            ),
            (PacketType::Raw, b"abc"),
        ];
        for (packet, stream) in streams {
            let cfg = FrameConfig {
                packet: *packet,
                ..FrameConfig::default()
            };
            assert_eq!(check_stream(&cfg, stream), Ok(()), "{packet:?}");
        }
    }

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
