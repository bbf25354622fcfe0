//! Random inputs against every decoder, deterministic and quick: the
//! guarantee of `gen_tcp_core::packet` (no panic, nothing past the buffer,
//! no request beyond `packet_size`, answers final, resuming the same as
//! starting over) on ~200k inputs per family, and random streams cut into
//! random reads through `Inbound` (the same packets whatever the reads,
//! bounded buffering, linear work). The fuzz targets under `fuzz/` search
//! the same space with coverage guidance.

use gen_tcp_core::packet::testkit::{check_chunks, check_stream};
use gen_tcp_core::packet::{FrameConfig, PacketType};
use gen_tcp_core::{InetBackend, Mode, SockOpts};

/// xorshift64*: tiny, deterministic, good enough to spread inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len() as u64) as usize]
    }
}

/// Bytes that matter to the decoders, so random inputs reach deep paths.
const INTERESTING: &[u8] =
    b"\x00\x01\x02\x03\x04\x7f\x80\x81\x82\x84\x85\xff\x1f\x30\r\n \t:-/*GIOPHTTP/1.0aZ";

const HTTP_PIECES: &[&[u8]] = &[
    b"GET ",
    b"HTTP/1.1",
    b"HTTP/",
    b" 200 OK",
    b"\r\n",
    b"\n",
    b" ",
    b"\t",
    b"Host: ",
    b"content-length",
    b": ",
    b"http://h:80/p",
    b"https://",
    b"*",
    b"/x",
    b"a:b",
    b"1.1",
    b"x-Y-z",
    b"\x7f",
    b"\xc8",
];

fn random_config(rng: &mut Rng, packet: PacketType) -> FrameConfig {
    let sizes = [0, 0, 1, 2, 3, 5, 8, 16, 64, 255, 256, 65535, u32::MAX];
    FrameConfig {
        packet,
        packet_size: *rng.pick(&sizes),
        line_delimiter: *rng.pick(&b"\n\n\r;\x00"[..]),
        trunc_len: *rng.pick(&sizes),
    }
}

fn random_input(rng: &mut Rng, http: bool) -> Vec<u8> {
    let len = rng.below(48) as usize;
    let mut out = Vec::with_capacity(len * 4);
    while out.len() < len {
        match rng.below(4) {
            0 => out.push(rng.next() as u8),
            1 if http => {
                let piece: &&[u8] = rng.pick(HTTP_PIECES);
                out.extend_from_slice(piece)
            }
            _ => out.push(*rng.pick(INTERESTING)),
        }
    }
    out
}

fn run(families: &[PacketType], seed: u64) {
    const PER_FAMILY: usize = 200_000;
    let mut rng = Rng(seed);
    for i in 0..PER_FAMILY {
        let packet = families[i % families.len()];
        let cfg = random_config(&mut rng, packet);
        let input = random_input(&mut rng, packet.is_http());
        if let Err(e) = check_stream(&cfg, &input) {
            panic!("{cfg:?} on {input:?}: {e}");
        }
    }
}

/// Streams of several packets' worth, cut into random reads, through an
/// `Inbound` of either backend with random limits.
#[test]
fn streams_cut_into_any_reads() {
    use PacketType::*;
    const STREAMS: usize = 20_000;
    let types = [
        One, Two, Four, Line, Sunrm, Asn1, Cdr, Fcgi, Tpkt, Http, Httph, HttpBin, HttphBin,
    ];
    let sizes = [0, 1, 2, 3, 5, 8, 16, 64, 255, 256, 65535];
    let mut rng = Rng(0x0bad_cafe_1234_5678);
    for _ in 0..STREAMS {
        let backend = *rng.pick(&[InetBackend::Inet, InetBackend::Socket]);
        let mut opts = SockOpts::defaults(backend);
        opts.packet = *rng.pick(&types);
        opts.mode = *rng.pick(&[Mode::Binary, Mode::List]);
        opts.packet_size = *rng.pick(&sizes);
        opts.buffer = (*rng.pick(&sizes)).max(1);
        opts.line_delimiter = *rng.pick(&b"\n\n\r;"[..]);
        let mut stream = Vec::new();
        for _ in 0..=rng.below(4) {
            stream.extend(random_input(&mut rng, opts.packet.is_http()));
        }
        let pieces: Vec<usize> = (0..=rng.below(4))
            .map(|_| 1 + rng.below(9) as usize)
            .collect();
        if let Err(e) = check_chunks(&opts, &stream, &pieces) {
            panic!("{opts:?} on {stream:?}: {e}");
        }
    }
}

#[test]
fn raw_and_length_prefixed() {
    use PacketType::*;
    run(&[Raw, One, Two, Four], 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn line() {
    run(&[PacketType::Line], 0xdead_beef_cafe_f00d);
}

#[test]
fn sunrm_asn1_cdr_fcgi_tpkt() {
    use PacketType::*;
    run(&[Sunrm, Asn1, Cdr, Fcgi, Tpkt], 0x0123_4567_89ab_cdef);
}

#[test]
fn http() {
    use PacketType::*;
    run(&[Http, Httph, HttpBin, HttphBin], 0x5151_5151_aaaa_0001);
}
