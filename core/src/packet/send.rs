//! Outgoing packets: the header `{packet, 1 | 2 | 4}` puts in front of
//! the data ([`send_header`]), and the [`Frame`] a `send` writes: header
//! and body, joined into one buffer when small so that the kernel gets one
//! plain `send`, or kept in pieces (no copy) for `sendmsg` when large.

use super::{DecodeError, PacketType};
use bytes::Bytes;
use std::io::IoSlice;
use std::mem::MaybeUninit;

/// The length header to send before `len` bytes of data: its bytes (the
/// first `n` of the array are used) and `n`, 0 for types that add none.
///
/// A length that does not fit the header is `Err(DecodeError::TooLarge)`,
/// which a backend reports as `{error, emsgsize}`. This differs from OTP 25
/// on purpose: there `gen_tcp:send/2` with `{packet, 1}` and 256 bytes (or
/// `{packet, 2}` and 65536 bytes) returns `ok` on both `inet_backend`s and
/// writes the length truncated to the header's width, so the peer gets an
/// empty packet and then garbage (checked with OTP 25, `erts-13.1.5`).
///
/// # Example
/// ```
/// use gen_tcp_core::packet::{send_header, DecodeError, PacketType};
///
/// assert_eq!(send_header(PacketType::Two, 3), Ok(([0, 3, 0, 0], 2)));
/// assert_eq!(send_header(PacketType::One, 256), Err(DecodeError::TooLarge));
/// assert_eq!(send_header(PacketType::Line, 10).map(|(_, n)| n), Ok(0));
/// ```
pub fn send_header(packet: PacketType, len: usize) -> Result<([u8; 4], usize), DecodeError> {
    let hlen = packet.send_header_len();
    if hlen == 0 {
        return Ok(([0; 4], 0));
    }
    let len = u64::try_from(len).map_err(|_| DecodeError::TooLarge)?;
    if len >> (8 * hlen) != 0 {
        return Err(DecodeError::TooLarge);
    }
    let be = (len as u32).to_be_bytes();
    let mut header = [0u8; 4];
    header[..hlen].copy_from_slice(&be[4 - hlen..]);
    Ok((header, hlen))
}

/// One `send`'s bytes: the header, then the chunks, in order.
///
/// A frame of at most [`Frame::JOIN_BELOW`] bytes in more than one piece
/// (a `{packet, 4}` header and its body, or a few chunks of a list) is
/// joined into one buffer on the sender's stack ([`Frame::join`]), so
/// sending it is one `send(2)` with no allocation. A larger one is sent
/// from the caller's chunks without copying, with `sendmsg(2)`.
///
/// ```
/// use gen_tcp_core::packet::{Frame, PacketType};
/// use std::mem::MaybeUninit;
/// let chunks: [&[u8]; 2] = [b"he", b"llo"];
/// let f = Frame::new(PacketType::Two, &chunks).unwrap();
/// assert_eq!(f.len(), 7);
/// assert_eq!(f.contiguous(0), None);
/// let mut buf = [MaybeUninit::uninit(); Frame::JOIN_BELOW];
/// assert_eq!(f.join(0, &mut buf), Some(&[0, 5, b'h', b'e', b'l', b'l', b'o'][..]));
/// assert_eq!(&f.rest(4)[..], b"llo");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    header: [u8; 4],
    hlen: usize,
    chunks: &'a [&'a [u8]],
    len: usize,
}

impl<'a> Frame<'a> {
    /// Frames up to this many bytes in several pieces are joined into one
    /// buffer: copying them costs less than `sendmsg` over `send`.
    pub const JOIN_BELOW: usize = 1024;

    /// The most slices one `sendmsg` is given.
    pub const MAX_SLICES: usize = 16;

    /// The frame for `chunks` under `packet`; `TooLarge` when the length
    /// does not fit the header (`emsgsize`).
    pub fn new(packet: PacketType, chunks: &'a [&'a [u8]]) -> Result<Frame<'a>, DecodeError> {
        let body: usize = chunks.iter().map(|c| c.len()).sum();
        let (header, hlen) = send_header(packet, body)?;
        Ok(Frame {
            header,
            hlen,
            chunks,
            len: body + hlen,
        })
    }

    /// Bytes in the frame, header included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a frame of no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of the body, the header left out.
    pub fn body_len(&self) -> usize {
        self.len - self.hlen
    }

    fn pieces(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(&self.header[..self.hlen])
            .chain(self.chunks.iter().copied())
            .filter(|p| !p.is_empty())
    }

    /// The bytes from `offset` on, when they are in one piece already.
    pub fn contiguous(&self, offset: usize) -> Option<&[u8]> {
        let mut skip = offset;
        let mut found: Option<&[u8]> = None;
        for p in self.pieces() {
            if skip >= p.len() {
                skip -= p.len();
                continue;
            }
            if found.is_some() {
                return None;
            }
            found = Some(&p[skip..]);
            skip = 0;
        }
        Some(found.unwrap_or(&[]))
    }

    /// The bytes from `offset` on, copied into `buf` when they fit in it
    /// (`None` when they do not).
    pub fn join<'b>(
        &self,
        offset: usize,
        buf: &'b mut [MaybeUninit<u8>; Frame::JOIN_BELOW],
    ) -> Option<&'b [u8]> {
        let want = self.len.checked_sub(offset)?;
        if want > buf.len() {
            return None;
        }
        let mut at = 0;
        let mut skip = offset;
        for p in self.pieces() {
            if skip >= p.len() {
                skip -= p.len();
                continue;
            }
            let p = &p[skip..];
            skip = 0;
            // SAFETY: `at + p.len() <= want <= buf.len()` (the pieces from
            // `offset` on add up to `want`), and `p` cannot overlap `buf`,
            // which is borrowed mutably.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    p.as_ptr(),
                    buf.as_mut_ptr().add(at).cast::<u8>(),
                    p.len(),
                )
            };
            at += p.len();
        }
        // SAFETY: the loop above initialised the first `at` bytes.
        Some(unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), at) })
    }

    /// Fills `out` with the pieces from `offset` on (as many as fit) and
    /// returns how many it filled.
    pub fn slices<'s>(&'s self, offset: usize, out: &mut [IoSlice<'s>]) -> usize {
        let mut skip = offset;
        let mut n = 0;
        for p in self.pieces() {
            if n == out.len() {
                break;
            }
            if skip >= p.len() {
                skip -= p.len();
                continue;
            }
            out[n] = IoSlice::new(&p[skip..]);
            skip = 0;
            n += 1;
        }
        n
    }

    /// A copy of the bytes from `offset` on (what is queued, or handed
    /// back as `{timeout, Rest}`).
    pub fn rest(&self, offset: usize) -> Bytes {
        let mut v = Vec::with_capacity(self.len.saturating_sub(offset));
        let mut skip = offset;
        for p in self.pieces() {
            if skip >= p.len() {
                skip -= p.len();
                continue;
            }
            v.extend_from_slice(&p[skip..]);
            skip = 0;
        }
        Bytes::from(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(f: &Frame<'_>, offset: usize) -> Vec<u8> {
        let mut iov = [IoSlice::new(&[]); Frame::MAX_SLICES];
        let n = f.slices(offset, &mut iov);
        iov[..n].iter().flat_map(|s| s.iter().copied()).collect()
    }

    #[test]
    fn a_small_frame_joins_into_one_buffer() {
        let chunks: [&[u8]; 3] = [b"ab", b"", b"c"];
        let f = Frame::new(PacketType::Four, &chunks).unwrap();
        assert_eq!(f.len(), 7);
        assert_eq!(f.body_len(), 3);
        let mut buf = [MaybeUninit::uninit(); Frame::JOIN_BELOW];
        assert_eq!(
            f.join(0, &mut buf),
            Some(&[0, 0, 0, 3, b'a', b'b', b'c'][..])
        );
        assert_eq!(f.join(5, &mut buf), Some(&b"bc"[..]));
        assert_eq!(f.join(7, &mut buf), Some(&b""[..]));
        assert_eq!(f.join(8, &mut buf), None);
        assert_eq!(f.contiguous(0), None);
        assert_eq!(f.contiguous(6), Some(&b"c"[..]));
        assert_eq!(flat(&f, 2), [0, 3, b'a', b'b', b'c']);
        assert_eq!(&f.rest(4)[..], b"abc");
        assert_eq!(&f.rest(7)[..], b"");
    }

    #[test]
    fn a_large_frame_stays_in_pieces() {
        let body = vec![7u8; Frame::JOIN_BELOW];
        let chunks: [&[u8]; 1] = [&body];
        let f = Frame::new(PacketType::Two, &chunks).unwrap();
        assert_eq!(f.len(), Frame::JOIN_BELOW + 2);
        assert_eq!(f.contiguous(0), None);
        let mut buf = [MaybeUninit::uninit(); Frame::JOIN_BELOW];
        assert_eq!(f.join(0, &mut buf), None);
        // Past the header, the rest is the caller's own chunk.
        assert_eq!(f.contiguous(2).map(|s| s.as_ptr()), Some(body.as_ptr()));
        assert_eq!(flat(&f, 1).len(), Frame::JOIN_BELOW + 1);
        assert_eq!(f.rest(3).len(), Frame::JOIN_BELOW - 1);
        // One chunk and no header: sent from the caller's buffer as it is.
        let raw = Frame::new(PacketType::Raw, &chunks).unwrap();
        assert_eq!(raw.contiguous(0).map(|s| s.as_ptr()), Some(body.as_ptr()));
    }

    #[test]
    fn many_chunks_fill_at_most_the_slices_given() {
        let big = [1u8; 100];
        let chunks: Vec<&[u8]> = (0..40).map(|_| &big[..]).collect();
        let f = Frame::new(PacketType::Raw, &chunks).unwrap();
        let mut iov = [IoSlice::new(&[]); 4];
        assert_eq!(f.slices(150, &mut iov), 4);
        assert_eq!(iov[0].len(), 50);
        assert_eq!(f.rest(150).len(), 4000 - 150);
        assert!(Frame::new(PacketType::One, &chunks).is_err());
    }

    #[test]
    fn headers_are_big_endian_and_sized_by_type() {
        assert_eq!(send_header(PacketType::One, 0), Ok(([0, 0, 0, 0], 1)));
        assert_eq!(send_header(PacketType::One, 255), Ok(([255, 0, 0, 0], 1)));
        assert_eq!(
            send_header(PacketType::Two, 0x1234),
            Ok(([0x12, 0x34, 0, 0], 2))
        );
        assert_eq!(
            send_header(PacketType::Two, 65535),
            Ok(([255, 255, 0, 0], 2))
        );
        assert_eq!(
            send_header(PacketType::Four, 0x0102_0304),
            Ok(([1, 2, 3, 4], 4))
        );
    }

    #[test]
    fn lengths_that_do_not_fit_are_too_large() {
        assert_eq!(
            send_header(PacketType::One, 256),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(
            send_header(PacketType::Two, 65536),
            Err(DecodeError::TooLarge)
        );
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            send_header(PacketType::Four, 1usize << 32),
            Err(DecodeError::TooLarge)
        );
    }

    #[test]
    fn other_types_add_nothing() {
        for t in [
            PacketType::Raw,
            PacketType::Line,
            PacketType::Asn1,
            PacketType::Http,
        ] {
            assert_eq!(send_header(t, usize::MAX), Ok(([0; 4], 0)));
        }
    }
}
