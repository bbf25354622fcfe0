//! The receive side, `Inbound`, under random cuttings of a random stream:
//! the same packets whatever the reads, bounded buffering while it waits,
//! and decoding work linear in the bytes (`testkit::check_chunks`).
#![no_main]

use gen_tcp_core::packet::testkit::check_chunks;
use gen_tcp_core::packet::PacketType::{self, *};
use gen_tcp_core::{InetBackend, Mode, SockOpts};
use libfuzzer_sys::fuzz_target;

/// Every framed type (raw is not framed: a packet is what a read brought).
const TYPES: [PacketType; 13] = [
    One, Two, Four, Line, Sunrm, Asn1, Cdr, Fcgi, Tpkt, Http, Httph, HttpBin, HttphBin,
];

/// Sizes worth trying: no limit, tiny, around the header widths, large.
const SIZES: [u32; 8] = [0, 1, 3, 8, 12, 255, 256, 65_536];

/// `data[0]` picks the backend and the packet type, `data[1]` and
/// `data[2]` the `packet_size` and `buffer` (a size from `SIZES` or the
/// byte itself), `data[3]` the line delimiter and the mode, `data[4..8]`
/// the lengths of the reads, cycled; the rest is the stream.
fn run(data: &[u8]) {
    let Some((head, stream)) = data.split_first_chunk::<8>() else {
        return;
    };
    let size = |b: u8| {
        if b & 0x80 != 0 {
            SIZES[usize::from(b) % SIZES.len()]
        } else {
            u32::from(b)
        }
    };
    let backend = if head[0] & 0x80 != 0 {
        InetBackend::Socket
    } else {
        InetBackend::Inet
    };
    let mut opts = SockOpts::defaults(backend);
    opts.packet = TYPES[usize::from(head[0] & 0x7f) % TYPES.len()];
    opts.packet_size = size(head[1]);
    opts.buffer = size(head[2]).max(1);
    opts.line_delimiter = head[3] & 0x7f;
    opts.mode = if head[3] & 0x80 != 0 {
        Mode::List
    } else {
        Mode::Binary
    };
    let pieces: Vec<usize> = head[4..]
        .iter()
        .map(|&b| {
            if b & 0x80 != 0 {
                usize::from(b & 0x7f) * 8 + 1
            } else {
                usize::from(b % 16) + 1
            }
        })
        .collect();
    if let Err(e) = check_chunks(&opts, stream, &pieces) {
        panic!("{opts:?} on {stream:?}: {e}");
    }
}

fuzz_target!(|data: &[u8]| run(data));
