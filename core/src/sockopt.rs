//! Kernel socket options: each gen_tcp option that is a `setsockopt`, set
//! on and read from the descriptor. Which options, at which level and
//! number, is the option table's (`options/table.rs`); how each value type
//! crosses the syscall is `KernelValue`'s. The two raw calls below are
//! the only `unsafe` code.

use crate::error::{Error, Result};
use crate::addr::Family;
use crate::options::pktoptions::{self, PktOption};
use crate::options::{table, Opt, OptName};
use crate::syscall;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

/// The most bytes `getopts` reads for `{raw, Level, Opt, Size}`, whatever
/// `Size` says: more than any Linux socket option holds (the kernel writes
/// at most the option's own size and says how much it wrote).
pub const RAW_READ_MAX: usize = 64 * 1024;

/// `setsockopt(fd, level, name, value)`.
fn setsockopt(fd: BorrowedFd<'_>, level: i32, name: i32, value: &[u8]) -> Result<()> {
    let len = libc::socklen_t::try_from(value.len()).map_err(|_| Error::Einval)?;
    // SAFETY: `value` is a live slice of `len` bytes, which is all the
    // kernel reads; `fd` is borrowed, so open for the call.
    syscall!(setsockopt(
        fd.as_raw_fd(),
        level,
        name,
        value.as_ptr().cast(),
        len
    ))?;
    Ok(())
}

/// `getsockopt(fd, level, name)` into `buf`: how many bytes the kernel wrote.
fn getsockopt(fd: BorrowedFd<'_>, level: i32, name: i32, buf: &mut [u8]) -> Result<usize> {
    let mut len = libc::socklen_t::try_from(buf.len()).map_err(|_| Error::Einval)?;
    // SAFETY: `buf` is a live, writable slice of `len` bytes; the kernel
    // writes at most `len` and stores the count in `len`.
    syscall!(getsockopt(
        fd.as_raw_fd(),
        level,
        name,
        buf.as_mut_ptr().cast(),
        &mut len
    ))?;
    Ok((len as usize).min(buf.len()))
}

fn set_int(fd: BorrowedFd<'_>, level: i32, name: i32, v: i32) -> Result<()> {
    setsockopt(fd, level, name, &v.to_ne_bytes())
}

fn get_int(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<i32> {
    let mut b = [0u8; 4];
    match getsockopt(fd, level, name, &mut b)? {
        4 => Ok(i32::from_ne_bytes(b)),
        // Some IP options answer with one byte when asked for an int.
        1 => Ok(i32::from(b[0])),
        _ => Err(Error::Einval),
    }
}

/// How a value of the option table crosses `setsockopt`/`getsockopt`.
pub(crate) trait KernelValue: Sized {
    /// Sets the option to `self`.
    fn set(&self, fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<()>;
    /// Reads the option.
    fn get(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<Self>;
}

/// A C `int` flag.
impl KernelValue for bool {
    fn set(&self, fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<()> {
        set_int(fd, level, name, i32::from(*self))
    }
    fn get(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<bool> {
        Ok(get_int(fd, level, name)? != 0)
    }
}

/// A C `int`, bit for bit (`{priority, -1}` is `u32::MAX` and reads back so).
impl KernelValue for u32 {
    fn set(&self, fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<()> {
        set_int(fd, level, name, *self as i32)
    }
    fn get(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<u32> {
        Ok(get_int(fd, level, name)? as u32)
    }
}

/// `struct linger { int l_onoff; int l_linger; }`: `{OnOff, Seconds}`,
/// read back as the kernel keeps it: Linux ignores the seconds of an "off",
/// so `{true, 7}` then `{false, 5}` reads `{false, 7}`, as OTP 25 answers.
impl KernelValue for (bool, u32) {
    fn set(&self, fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<()> {
        let (on, secs) = *self;
        let mut b = [0u8; 8];
        b[..4].copy_from_slice(&i32::from(on).to_ne_bytes());
        b[4..].copy_from_slice(&(secs as i32).to_ne_bytes());
        setsockopt(fd, level, name, &b)
    }
    fn get(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<(bool, u32)> {
        let mut b = [0u8; 8];
        if getsockopt(fd, level, name, &mut b)? != 8 {
            return Err(Error::Einval);
        }
        let on = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]) != 0;
        let secs = i32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
        Ok((on, secs as u32))
    }
}

/// An interface name (`SO_BINDTODEVICE`): empty unbinds; read back
/// without its NUL.
impl KernelValue for Vec<u8> {
    fn set(&self, fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<()> {
        setsockopt(fd, level, name, self)
    }
    fn get(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<Vec<u8>> {
        let mut b = [0u8; libc::IFNAMSIZ];
        let n = getsockopt(fd, level, name, &mut b)?;
        let name = &b[..n];
        let end = name.iter().position(|&c| c == 0).unwrap_or(n);
        Ok(name[..end].to_vec())
    }
}

/// Sets a kernel option. `Ok(false)` when `opt` is not a kernel option.
///
/// Linux sets `SO_PRIORITY` from the precedence bits of `IP_TOS` when
/// `tos` is set (`{tos, 16}` makes `priority` 6); both OTP backends put
/// the priority back (inet_drv's `setopt_prio_tos_trick`), and so does
/// this for `tos` and `tclass` (a `raw` option is left as the kernel
/// makes it).
pub fn set(fd: BorrowedFd<'_>, opt: &Opt) -> Result<bool> {
    match opt {
        Opt::Raw { level, name, value } => setsockopt(fd, *level, *name, value).map(|()| true),
        Opt::Pktoptions(_) => Err(Error::Einval),
        Opt::Tos(_) | Opt::Tclass(_) => keeping_priority(fd, || table::set_kernel(fd, opt)),
        _ => table::set_kernel(fd, opt),
    }
}

/// Runs `set` and puts `SO_PRIORITY` back as it was before. A priority
/// that cannot be put back (one over 6 set with `CAP_NET_ADMIN` that this
/// process no longer has) stays as the kernel left it.
fn keeping_priority(fd: BorrowedFd<'_>, set: impl FnOnce() -> Result<bool>) -> Result<bool> {
    let before = get_int(fd, libc::SOL_SOCKET, libc::SO_PRIORITY).ok();
    let r = set()?;
    if let Some(p) = before {
        if get_int(fd, libc::SOL_SOCKET, libc::SO_PRIORITY).ok() != Some(p) {
            let _ = set_int(fd, libc::SOL_SOCKET, libc::SO_PRIORITY, p);
        }
    }
    Ok(r)
}

/// Reads a kernel option. `Ok(None)` when `name` is not a kernel option.
/// `{raw, _, _, Size}` reads at most [`RAW_READ_MAX`] bytes; which sizes
/// a backend accepts at all is [`crate::options::policy`]'s.
pub fn get(fd: BorrowedFd<'_>, name: &OptName) -> Result<Option<Opt>> {
    match name {
        OptName::Raw { level, name, size } => {
            let mut buf = vec![0u8; (*size).min(RAW_READ_MAX)];
            let n = getsockopt(fd, *level, *name, &mut buf)?;
            buf.truncate(n);
            Ok(Some(Opt::Raw {
                level: *level,
                name: *name,
                value: buf,
            }))
        }
        OptName::Pktoptions => Err(Error::Einval),
        _ => table::get_kernel(fd, name),
    }
}

/// `setsockopt` with a value already in bytes, for the option code
/// (`low_watermark` on the socket backend).
pub(crate) fn set_raw(fd: BorrowedFd<'_>, level: i32, name: i32, value: &[u8]) -> Result<()> {
    setsockopt(fd, level, name, value)
}

/// `getsockopt` of a C `int`, for the option code.
pub(crate) fn get_raw_int(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<i32> {
    get_int(fd, level, name)
}

/// The most bytes of control data `{pktoptions, _}` reads: the kernel
/// writes at most a few messages of a few dozen bytes each.
const PKTOPTIONS_MAX: usize = 512;

/// `{pktoptions, _}`: the control data the kernel keeps for a TCP socket
/// (`IP_PKTOPTIONS` on IPv4, `IPV6_2292PKTOPTIONS` on IPv6), decoded, with
/// the socket's family; `None` for a socket that is neither.
pub(crate) fn pktoptions(fd: BorrowedFd<'_>) -> Result<Option<(Family, Vec<PktOption>)>> {
    let (family, level, name) = match get_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN)? {
        libc::AF_INET => (Family::Inet, libc::IPPROTO_IP, libc::IP_PKTOPTIONS),
        libc::AF_INET6 => (Family::Inet6, libc::IPPROTO_IPV6, libc::IPV6_2292PKTOPTIONS),
        _ => return Ok(None),
    };
    let mut buf = [0u8; PKTOPTIONS_MAX];
    let n = getsockopt(fd, level, name, &mut buf)?;
    Ok(Some((family, pktoptions::decode(&buf[..n]))))
}

/// Sets a kernel option on anything with a descriptor.
pub fn set_on(s: &impl AsFd, opt: &Opt) -> Result<bool> {
    set(s.as_fd(), opt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sock() -> socket2::Socket {
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap()
    }

    #[test]
    fn each_value_type_round_trips_through_the_kernel() {
        let s = sock();
        let fd = s.as_fd();
        for opt in [
            Opt::Nodelay(true),
            Opt::Priority(u32::MAX),
            Opt::Linger((true, 7)),
            Opt::Ttl(12),
        ] {
            assert_eq!(set(fd, &opt), Ok(true));
            assert_eq!(get(fd, &opt.name().unwrap()), Ok(Some(opt)));
        }
        set(fd, &Opt::Linger((false, 5))).unwrap();
        assert_eq!(get(fd, &OptName::Linger), Ok(Some(Opt::Linger((false, 7)))));
        assert_eq!(set(fd, &Opt::Binary), Ok(false));
        assert_eq!(get(fd, &OptName::Buffer), Ok(None));
    }

    /// Linux makes `SO_PRIORITY` follow `IP_TOS` (`{tos, 16}` gives 6,
    /// `{tos, 184}` 4); OTP 25 puts the old priority back on both backends.
    #[test]
    fn tos_keeps_the_priority() {
        let s = sock();
        let fd = s.as_fd();
        set(fd, &Opt::Tos(184)).unwrap();
        assert_eq!(get(fd, &OptName::Priority), Ok(Some(Opt::Priority(0))));
        set(fd, &Opt::Priority(3)).unwrap();
        set(fd, &Opt::Tos(16)).unwrap();
        assert_eq!(get(fd, &OptName::Priority), Ok(Some(Opt::Priority(3))));
        assert_eq!(get(fd, &OptName::Tos), Ok(Some(Opt::Tos(16))));
    }

    /// With `recvttl` and `recvtos` on IPv4 the kernel keeps a TTL (its
    /// multicast TTL, 1) and the TOS received (0): OTP 25 answers
    /// `[{ttl, 1}, {tos, 0}]` on both backends.
    #[test]
    fn pktoptions_decodes_what_the_kernel_keeps() {
        let s = sock();
        let fd = s.as_fd();
        assert_eq!(pktoptions(fd), Ok(Some((Family::Inet, vec![]))));
        set(fd, &Opt::Recvttl(true)).unwrap();
        set(fd, &Opt::Recvtos(true)).unwrap();
        assert_eq!(
            pktoptions(fd),
            Ok(Some((Family::Inet, vec![PktOption::Ttl(1), PktOption::Tos(0)])))
        );
    }

    /// On IPv6 with `recvtclass`, the traffic class of the last data
    /// received (OTP 25's inet backend: `[{tclass, 32}]`).
    #[test]
    fn pktoptions_on_ipv6_has_the_last_traffic_class() {
        use std::io::{Read, Write};
        let Ok(l) = std::net::TcpListener::bind("[::1]:0") else {
            return; // no IPv6 loopback on this machine
        };
        let c = socket2::Socket::new(socket2::Domain::IPV6, socket2::Type::STREAM, None).unwrap();
        set(c.as_fd(), &Opt::Recvtclass(true)).unwrap();
        c.connect(&l.local_addr().unwrap().into()).unwrap();
        let (mut a, _) = l.accept().unwrap();
        set(a.as_fd(), &Opt::Tclass(32)).unwrap();
        a.write_all(b"hello").unwrap();
        let mut c = std::net::TcpStream::from(c);
        let mut buf = [0u8; 5];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(
            pktoptions(c.as_fd()),
            Ok(Some((Family::Inet6, vec![PktOption::Tclass(32)])))
        );
    }

    #[test]
    fn raw_reads_at_most_what_the_kernel_writes() {
        let s = sock();
        let huge = OptName::Raw {
            level: libc::IPPROTO_TCP,
            name: libc::TCP_NODELAY,
            size: usize::MAX,
        };
        assert_eq!(
            get(s.as_fd(), &huge),
            Ok(Some(Opt::Raw {
                level: libc::IPPROTO_TCP,
                name: libc::TCP_NODELAY,
                value: 0i32.to_ne_bytes().to_vec(),
            }))
        );
    }
}
