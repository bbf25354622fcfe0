//! `{pktoptions, _}`: the control data the kernel keeps for a TCP socket
//! (`IP_PKTOPTIONS`, `IPV6_2292PKTOPTIONS`), as OTP decodes it: with
//! `{recvttl, true}` and `{recvtos, true}` on IPv4, `[{ttl, 1}, {tos, 0}]`
//! (the kernel's values, in its order); with `{recvtclass, true}` on
//! IPv6, `[{tclass, T}]`, the traffic class of the last data received.
//!
//! [`decode`] is a pure function over the bytes `getsockopt` wrote: it
//! never panics and never reads past them; a message it does not know is
//! skipped, a truncated one ends the list.

/// One value of `{pktoptions, List}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PktOption {
    /// `{tos, N}`: `IP_TOS` (with `{recvtos, true}`).
    Tos(u32),
    /// `{ttl, N}`: `IP_TTL` (with `{recvttl, true}`).
    Ttl(u32),
    /// `{tclass, N}`: `IPV6_TCLASS` (with `{recvtclass, true}`, IPv6).
    Tclass(u32),
}

impl PktOption {
    /// The Erlang name of the tuple's tag.
    pub fn erlang_name(self) -> &'static str {
        match self {
            PktOption::Tos(_) => "tos",
            PktOption::Ttl(_) => "ttl",
            PktOption::Tclass(_) => "tclass",
        }
    }

    /// The value.
    pub fn value(self) -> u32 {
        match self {
            PktOption::Tos(n) | PktOption::Ttl(n) | PktOption::Tclass(n) => n,
        }
    }
}

/// The size of a `struct cmsghdr` and the alignment of what follows it:
/// `cmsg_len` is a `size_t` (on musl a `socklen_t` and padding, the same
/// bytes on a little-endian machine), then two C `int`s.
const ALIGN: usize = std::mem::size_of::<usize>();
const HEADER: usize = (ALIGN + 8).div_ceil(ALIGN) * ALIGN;

fn align(n: usize) -> Option<usize> {
    Some(n.checked_add(ALIGN - 1)? / ALIGN * ALIGN)
}

fn int_at(b: &[u8], at: usize) -> Option<i32> {
    let bytes = b.get(at..at.checked_add(4)?)?;
    Some(i32::from_ne_bytes(bytes.try_into().ok()?))
}

/// The control messages in `data` (what `getsockopt(IP_PKTOPTIONS)`
/// wrote), decoded as OTP does; others skipped.
///
/// ```
/// use gen_tcp_core::options::pktoptions::{decode, PktOption};
/// assert_eq!(decode(&[]), vec![]);
/// assert_eq!(decode(&[1, 2, 3]), vec![], "a truncated header ends the list");
/// # let _ = PktOption::Tos(0);
/// ```
pub fn decode(data: &[u8]) -> Vec<PktOption> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let Some(header) = data.get(at..).filter(|rest| rest.len() >= HEADER) {
        let mut len_bytes = [0u8; ALIGN];
        len_bytes.copy_from_slice(&header[..ALIGN]);
        let len = usize::from_ne_bytes(len_bytes);
        let (Some(level), Some(kind)) = (int_at(header, ALIGN), int_at(header, ALIGN + 4)) else {
            break;
        };
        if len < HEADER || len > header.len() {
            break;
        }
        let body = &header[HEADER..len];
        // The kernel writes an `int` here; a `recvmsg` IP_TOS is one byte.
        let value = match body.len() {
            1 => Some(u32::from(body[0])),
            4 => int_at(body, 0).map(|v| v as u32),
            _ => None,
        };
        let opt = match (level, kind, value) {
            (libc::IPPROTO_IP, libc::IP_TOS, Some(v)) => Some(PktOption::Tos(v)),
            (libc::IPPROTO_IP, libc::IP_TTL, Some(v)) => Some(PktOption::Ttl(v)),
            (libc::IPPROTO_IPV6, libc::IPV6_TCLASS, Some(v)) => Some(PktOption::Tclass(v)),
            _ => None,
        };
        out.extend(opt);
        match align(len).and_then(|l| at.checked_add(l)) {
            Some(next) => at = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmsg(level: i32, kind: i32, body: &[u8]) -> Vec<u8> {
        let len = HEADER + body.len();
        let mut b = Vec::new();
        b.extend_from_slice(&len.to_ne_bytes());
        b.extend_from_slice(&level.to_ne_bytes());
        b.extend_from_slice(&kind.to_ne_bytes());
        b.resize(HEADER, 0);
        b.extend_from_slice(body);
        b.resize(align(len).unwrap(), 0);
        b
    }

    #[test]
    fn ttl_then_tos_as_the_kernel_writes_them() {
        let mut data = cmsg(libc::IPPROTO_IP, libc::IP_TTL, &1i32.to_ne_bytes());
        data.extend(cmsg(libc::IPPROTO_IP, libc::IP_TOS, &0i32.to_ne_bytes()));
        assert_eq!(decode(&data), vec![PktOption::Ttl(1), PktOption::Tos(0)]);
    }

    #[test]
    fn tclass_and_unknown_messages() {
        let mut data = cmsg(libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT, &64i32.to_ne_bytes());
        data.extend(cmsg(libc::IPPROTO_IPV6, libc::IPV6_TCLASS, &32i32.to_ne_bytes()));
        data.extend(cmsg(libc::IPPROTO_IP, libc::IP_TOS, &[16]));
        assert_eq!(decode(&data), vec![PktOption::Tclass(32), PktOption::Tos(16)]);
    }

    #[test]
    fn bad_lengths_end_the_list_without_panicking() {
        let good = cmsg(libc::IPPROTO_IP, libc::IP_TTL, &1i32.to_ne_bytes());
        for cut in 0..good.len() {
            let _ = decode(&good[..cut]);
        }
        let mut huge = good.clone();
        huge[..ALIGN].copy_from_slice(&usize::MAX.to_ne_bytes());
        assert_eq!(decode(&huge), vec![]);
        let mut zero = good.clone();
        zero[..ALIGN].copy_from_slice(&0usize.to_ne_bytes());
        assert_eq!(decode(&zero), vec![]);
    }
}
