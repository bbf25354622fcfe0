//! Throughput of the `{packet, _}` decoders of `gen_tcp_core::packet`.
//!
//! For each packet type, a buffer of many small packets (64-byte bodies, or
//! a typical request head for HTTP) is decoded packet after packet, again
//! and again for about 0.3 s; the result is MB/s of framed input.

use std::hint::black_box;
use std::time::{Duration, Instant};

use gen_tcp_core::packet::{decode, http, Decoded, FrameConfig, PacketType};

/// Framed input per buffer, about 1 MB.
const BUFFER_BYTES: usize = 1 << 20;
const BODY: usize = 64;
const RUN_FOR: Duration = Duration::from_millis(300);

/// Decodes a buffer of each packet type for ~0.3 s; returns
/// `(name, MB/s of framed input)` per type.
pub fn run() -> Vec<(String, f64)> {
    let types = [
        PacketType::One,
        PacketType::Two,
        PacketType::Four,
        PacketType::Line,
        PacketType::Sunrm,
        PacketType::Asn1,
        PacketType::Cdr,
        PacketType::Fcgi,
        PacketType::Tpkt,
        PacketType::HttpBin,
        PacketType::HttphBin,
    ];
    types
        .iter()
        .map(|&t| {
            let cfg = FrameConfig {
                packet: t,
                ..FrameConfig::default()
            };
            let buf = buffer(t);
            (
                format!("decode/{}", t.erlang_name()),
                throughput(&cfg, &buf),
            )
        })
        .collect()
}

/// One packet of type `t`.
fn packet(t: PacketType) -> Vec<u8> {
    let body = [b'x'; BODY];
    let n = BODY as u32;
    let mut p = Vec::new();
    match t {
        PacketType::One => p.push(n as u8),
        PacketType::Two => p.extend_from_slice(&(n as u16).to_be_bytes()),
        PacketType::Four => p.extend_from_slice(&n.to_be_bytes()),
        PacketType::Sunrm => p.extend_from_slice(&(n | 0x8000_0000).to_be_bytes()),
        PacketType::Asn1 => p.extend_from_slice(&[0x04, 0x81, n as u8]),
        PacketType::Cdr => {
            p.extend_from_slice(b"GIOP\x01\x02\x00\x00");
            p.extend_from_slice(&n.to_be_bytes());
        }
        PacketType::Fcgi => p.extend_from_slice(&[1, 5, 0, 1, 0, n as u8, 4, 0]),
        PacketType::Tpkt => p.extend_from_slice(&[3, 0, 0, n as u8 + 4]),
        PacketType::Line => {
            p.extend_from_slice(&body[1..]);
            p.push(b'\n');
            return p;
        }
        PacketType::Http | PacketType::HttpBin => {
            p.extend_from_slice(b"GET /index.html?q=1 HTTP/1.1\r\n");
            p.extend_from_slice(&headers());
            return p;
        }
        PacketType::Httph | PacketType::HttphBin => return headers(),
        PacketType::Raw => {}
    }
    p.extend_from_slice(&body);
    if t == PacketType::Fcgi {
        p.extend_from_slice(&[0; 4]);
    }
    p
}

fn headers() -> Vec<u8> {
    b"Host: example.com\r\nUser-Agent: bench/1.0\r\nAccept: */*\r\n\
      Content-Length: 0\r\nX-Request-Id: 12345\r\n\r\n"
        .to_vec()
}

/// Whole packets of type `t`, about [`BUFFER_BYTES`] in all.
fn buffer(t: PacketType) -> Vec<u8> {
    let one = packet(t);
    let mut buf = Vec::with_capacity(BUFFER_BYTES + one.len());
    while buf.len() < BUFFER_BYTES {
        buf.extend_from_slice(&one);
    }
    buf
}

/// Decodes `buf` whole, as a socket would; returns the packets seen.
fn decode_all(cfg: &FrameConfig, buf: &[u8]) -> usize {
    let mut current = *cfg;
    let mut rest = buf;
    let mut packets = 0;
    loop {
        let consumed = match decode(&current, rest) {
            Decoded::Packet { consumed, body } => {
                black_box(&rest[body]);
                consumed
            }
            Decoded::Http { consumed, packet } => {
                current.packet = http::next_packet_type_for(cfg.packet, current.packet, &packet);
                black_box(packet);
                consumed
            }
            Decoded::More(_) | Decoded::Error(_) => return packets,
        };
        packets += 1;
        rest = &rest[consumed..];
    }
}

/// MB/s of framed input over about [`RUN_FOR`].
fn throughput(cfg: &FrameConfig, buf: &[u8]) -> f64 {
    let start = Instant::now();
    let mut bytes = 0usize;
    while start.elapsed() < RUN_FOR {
        black_box(decode_all(cfg, black_box(buf)));
        bytes += buf.len();
    }
    bytes as f64 / start.elapsed().as_secs_f64() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_buffer_decodes_whole() {
        for t in [
            PacketType::Two,
            PacketType::Fcgi,
            PacketType::HttpBin,
            PacketType::Asn1,
        ] {
            let cfg = FrameConfig {
                packet: t,
                ..FrameConfig::default()
            };
            let one = packet(t);
            let buf = [one.clone(), one].concat();
            let expected = if t.is_http() { 2 * 7 } else { 2 };
            assert_eq!(decode_all(&cfg, &buf), expected, "{t:?}");
        }
    }
}
