//! The entry points: pick the decoder of the configured packet type, from
//! the start of a buffer or resuming where an earlier call stopped.

use super::{asn1, cdr, fcgi, http, length_prefixed, line, sunrm, tpkt};
use super::{Decoded, FrameConfig, PacketType};

/// Finds the first packet in `buf` under `cfg` (OTP's `packet_get_length`
/// followed by `packet_parse` for the HTTP types).
///
/// `buf` holds the bytes received and not yet delivered, oldest first.
/// Call it again on `buf[consumed..]` for the next packet. A receiver that
/// calls it again on the same bytes and more, after each read, should use
/// [`decode_resume`], which does not look at the same bytes twice.
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
    dispatch(cfg, buf, &mut Scan::default())
}

/// [`decode`], resuming the search for the end of an unfinished packet
/// where the call that returned `resume` stopped.
///
/// Returns the answer and the hint for the next call: pass it back with
/// the same `cfg` once more bytes have been appended to `buf`. It holds
/// the `cfg` and buffer length it was made for and is ignored (the search
/// starts over) when either does not fit, so a stale hint costs time, not
/// correctness. The answer is always the one [`decode`] gives; what the
/// hint saves is work: a packet arriving in `N` bytes over any number of
/// reads costs `O(N)` in all, not `O(N)` per read.
///
/// # Example
/// ```
/// use gen_tcp_core::packet::{decode_resume, Decoded, FrameConfig, PacketType, Resume};
///
/// let cfg = FrameConfig { packet: PacketType::Line, ..FrameConfig::default() };
/// let mut stream = Vec::new();
/// let mut hint = Resume::default();
/// for read in [&b"hel"[..], b"lo", b"\nnext"] {
///     stream.extend_from_slice(read);
///     let (answer, next) = decode_resume(&cfg, &stream, hint);
///     hint = next;
///     if let Decoded::Packet { consumed, .. } = answer {
///         assert_eq!(&stream[..consumed], b"hello\n");
///     }
/// }
/// ```
pub fn decode_resume(cfg: &FrameConfig, buf: &[u8], mut resume: Resume) -> (Decoded, Resume) {
    let decoded = decode_resuming(cfg, buf, &mut resume);
    (decoded, resume)
}

/// [`decode_resume`] with the hint updated in place: what a receiver that
/// keeps the hint beside its buffer calls, without moving the answer twice.
#[inline(always)]
pub(crate) fn decode_resuming(cfg: &FrameConfig, buf: &[u8], resume: &mut Resume) -> Decoded {
    let mut scan = resume.scan_for(cfg, buf);
    let decoded = dispatch(cfg, buf, &mut scan);
    *resume = match decoded {
        Decoded::More(_) => Resume {
            seen: Some((*cfg, buf.len())),
            scan,
        },
        _ => Resume::default(),
    };
    decoded
}

/// The decoder of `cfg.packet`; those that search for the end of a packet
/// start at `scan` and leave in it where they stopped.
// Always inlined: a call here costs the fixed-header decoders a tenth.
#[inline(always)]
fn dispatch(cfg: &FrameConfig, buf: &[u8], scan: &mut Scan) -> Decoded {
    match cfg.packet {
        PacketType::Raw => raw(buf),
        PacketType::One | PacketType::Two | PacketType::Four => {
            length_prefixed::decode(cfg.packet.send_header_len(), cfg.packet_size, buf)
        }
        PacketType::Line => line::decode(cfg, buf, scan),
        PacketType::Sunrm => sunrm::decode(cfg.packet_size, buf),
        PacketType::Asn1 => asn1::decode(cfg.packet_size, buf, scan),
        PacketType::Cdr => cdr::decode(cfg.packet_size, buf),
        PacketType::Fcgi => fcgi::decode(cfg.packet_size, buf),
        PacketType::Tpkt => tpkt::decode(cfg.packet_size, buf),
        PacketType::Http | PacketType::HttpBin => http::decode(false, cfg, buf, scan),
        PacketType::Httph | PacketType::HttphBin => http::decode(true, cfg, buf, scan),
    }
}

/// Where a decoder stopped in a buffer that did not hold a whole packet, so
/// that [`decode_resume`] on the same bytes and more goes on from there.
///
/// Opaque; start with `Resume::default()`, and again after each packet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resume {
    /// The configuration and buffer length of the call that left the hint.
    seen: Option<(FrameConfig, usize)>,
    scan: Scan,
}

impl Resume {
    /// The scan to resume on `buf` under `cfg`: the one recorded if it was
    /// made under `cfg` on at most `buf.len()` bytes, else the start.
    fn scan_for(&self, cfg: &FrameConfig, buf: &[u8]) -> Scan {
        match self.seen {
            Some((seen_cfg, len))
                if seen_cfg == *cfg && len <= buf.len() && self.scan.searched <= len =>
            {
                self.scan
            }
            _ => Scan::default(),
        }
    }
}

/// How far a search for the end of a packet has gone, in a buffer that
/// only grows at its end: what it says of the bytes seen so far stays true
/// as bytes are appended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Scan {
    /// Bytes before this position need no second look: no delimiter in
    /// them (`line`), no newline but ones known to be continued (HTTP), all
    /// tag bytes with the top bit set (a long `asn1` tag).
    pub(super) searched: usize,
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

    #[test]
    fn a_hint_from_another_configuration_or_a_longer_buffer_is_ignored() {
        let line = FrameConfig {
            packet: PacketType::Line,
            ..FrameConfig::default()
        };
        let (d, hint) = decode_resume(&line, b"abcdef", Resume::default());
        assert_eq!(d, Decoded::More(None));
        // The same bytes but shorter: the hint claims more than is there.
        assert_eq!(
            decode_resume(&line, b"ab\n", hint).0,
            Decoded::Packet {
                consumed: 3,
                body: 0..3
            }
        );
        // Another delimiter: the bytes searched were searched for `\n`.
        let semicolon = FrameConfig {
            line_delimiter: b'c',
            ..line
        };
        assert_eq!(
            decode_resume(&semicolon, b"abcdefg", hint).0,
            Decoded::Packet {
                consumed: 3,
                body: 0..3
            }
        );
        // A packet resets the hint.
        let (_, after) = decode_resume(&line, b"abcdef\n", hint);
        assert_eq!(after, Resume::default());
    }
}
