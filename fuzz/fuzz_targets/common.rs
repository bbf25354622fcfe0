//! What every target does: read a configuration from the first bytes, then
//! hold the decoders to their guarantee on the rest.

use gen_tcp_core::packet::testkit::check_stream;
use gen_tcp_core::packet::{FrameConfig, PacketType};

/// Sizes worth trying: no limit, tiny, around the header widths, huge.
const SIZES: [u32; 8] = [0, 1, 3, 8, 255, 256, 65_536, u32::MAX];

/// `data[0]` picks the type among `types`, `data[1]` and `data[2]` the
/// `packet_size` and `trunc_len` (a size from `SIZES` or the byte itself),
/// `data[3]` the line delimiter; the rest is the received buffer.
pub fn run(types: &[PacketType], data: &[u8]) {
    let Some((head, buf)) = data.split_first_chunk::<4>() else {
        return;
    };
    let size = |b: u8| {
        if b & 0x80 != 0 {
            SIZES[usize::from(b) % SIZES.len()]
        } else {
            u32::from(b)
        }
    };
    let cfg = FrameConfig {
        packet: types[usize::from(head[0]) % types.len()],
        packet_size: size(head[1]),
        trunc_len: size(head[2]),
        line_delimiter: head[3],
    };
    if let Err(e) = check_stream(&cfg, buf) {
        panic!("{cfg:?} on {buf:?}: {e}");
    }
}
