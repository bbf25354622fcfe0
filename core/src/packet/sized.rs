//! The common tail of every header-announced length (OTP's `remain`).
//!
//! Once a decoder has read a header of `hlen` bytes that announces `plen`
//! more, the rules are the same for every type: `plen` above `packet_size`
//! is an error as soon as it is known, and with no `packet_size` OTP still
//! refuses a total that does not fit a C `int` (`INT_MAX`).

use std::ops::Range;

use super::{DecodeError, Decoded};

/// Largest total packet length OTP can represent (`INT_MAX`).
const INT_MAX: u64 = i32::MAX as u64;

/// Where the delivered bytes lie inside a whole packet of `total` bytes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Body {
    /// The whole packet, header included (`sunrm`, `asn1`, `cdr`, `tpkt`).
    Whole,
    /// Everything after the header (`1 | 2 | 4`).
    AfterHeader,
    /// The whole packet less this many trailing bytes (`fcgi` padding).
    LessTail(usize),
}

impl Body {
    fn range(self, hlen: usize, total: usize) -> Range<usize> {
        match self {
            Body::Whole => 0..total,
            Body::AfterHeader => hlen..total,
            Body::LessTail(tail) => 0..total.saturating_sub(tail),
        }
    }
}

/// Decides a packet whose `hlen`-byte header (already in `buf`) announces
/// `plen` more bytes.
pub(super) fn sized(buf: &[u8], hlen: usize, plen: u64, packet_size: u32, body: Body) -> Decoded {
    let hlen64 = hlen as u64;
    let limit = if packet_size == 0 {
        INT_MAX.saturating_sub(hlen64)
    } else {
        u64::from(packet_size)
    };
    if plen > limit {
        return Decoded::Error(DecodeError::TooLarge);
    }
    let total = hlen64 + plen;
    if total > INT_MAX {
        // OTP returns `hlen + plen` as an `int`: past INT_MAX it turns negative,
        // which is its error value.
        return Decoded::Error(DecodeError::TooLarge);
    }
    // total <= INT_MAX, so it fits usize on every platform we build for.
    let total = total as usize;
    if total > buf.len() {
        return Decoded::More(Some(total));
    }
    Decoded::Packet {
        consumed: total,
        body: body.range(hlen, total),
    }
}
