//! The packet test kit: the decoders' guarantee as code, a streaming check
//! over [`Inbound`](crate::inbound::Inbound), and the count of the work the
//! decoders do. Not part of what a user of gen_tcp sees: it is built only
//! with the `testkit` feature, which the crate's own tests and the fuzz
//! crate turn on.

mod chunks;
mod guarantee;

pub use chunks::{check_chunks, feed, max_waiting, Fed};
pub use guarantee::{check_guarantee, check_stream};

/// Bytes the decoders' searches have examined on this thread so far: a
/// clock-free measure of decoding work. A stream of `N` bytes should cost
/// `O(N)` of them however it is cut into reads.
pub fn bytes_examined() -> u64 {
    super::scan::examined_so_far()
}
