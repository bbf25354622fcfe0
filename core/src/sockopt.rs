//! Kernel socket options: each gen_tcp option that is a `setsockopt`,
//! set on and read from the descriptor. One table (the two `match`es
//! below) for both backends.

use crate::error::{Error, Result};
use crate::options::{Opt, OptName};
use crate::syscall;
use socket2::SockRef;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

fn setsockopt_int(fd: BorrowedFd<'_>, level: i32, name: i32, v: i32) -> Result<()> {
    use std::os::fd::AsRawFd;
    syscall!(setsockopt(
        fd.as_raw_fd(),
        level,
        name,
        (&v as *const i32).cast(),
        std::mem::size_of::<i32>() as libc::socklen_t
    ))?;
    Ok(())
}

fn getsockopt_int(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<i32> {
    use std::os::fd::AsRawFd;
    let mut v: i32 = 0;
    let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
    syscall!(getsockopt(
        fd.as_raw_fd(),
        level,
        name,
        (&mut v as *mut i32).cast(),
        &mut len
    ))?;
    Ok(v)
}

/// Sets a kernel option. `Ok(false)` when `opt` is not a kernel option.
pub fn set(fd: BorrowedFd<'_>, opt: &Opt) -> Result<bool> {
    use std::os::fd::AsRawFd;
    let s = SockRef::from(&fd);
    match opt {
        Opt::Dontroute(b) => setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_DONTROUTE, *b as i32)?,
        Opt::Keepalive(b) => s.set_keepalive(*b)?,
        Opt::Linger(on, secs) => s.set_linger(on.then(|| Duration::from_secs(*secs as u64)))?,
        Opt::Nodelay(b) => s.set_nodelay(*b)?,
        Opt::Priority(p) => setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PRIORITY, *p as i32)?,
        Opt::Recbuf(n) => s.set_recv_buffer_size(*n as usize)?,
        Opt::Sndbuf(n) => s.set_send_buffer_size(*n as usize)?,
        Opt::Reuseaddr(b) => s.set_reuse_address(*b)?,
        Opt::Reuseport(b) | Opt::ReuseportLb(b) => s.set_reuse_port(*b)?,
        Opt::Tos(n) => setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TOS, *n as i32)?,
        Opt::Tclass(n) => setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, *n as i32)?,
        Opt::Ttl(n) => setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TTL, *n as i32)?,
        Opt::Recvtos(b) => setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_RECVTOS, *b as i32)?,
        Opt::Recvtclass(b) => {
            setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVTCLASS, *b as i32)?
        }
        Opt::Recvttl(b) => setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_RECVTTL, *b as i32)?,
        Opt::Ipv6V6only(b) => s.set_only_v6(*b)?,
        Opt::BindToDevice(dev) => s.bind_device(if dev.is_empty() { None } else { Some(dev) })?,
        Opt::Raw { level, name, value } => {
            syscall!(setsockopt(
                fd.as_raw_fd(),
                *level,
                *name,
                value.as_ptr().cast(),
                value.len() as libc::socklen_t
            ))?;
        }
        Opt::Pktoptions(_) => return Err(Error::Einval),
        _ => return Ok(false),
    }
    Ok(true)
}

/// Reads a kernel option. `Ok(None)` when `name` is not a kernel option.
pub fn get(fd: BorrowedFd<'_>, name: &OptName) -> Result<Option<Opt>> {
    use std::os::fd::AsRawFd;
    let s = SockRef::from(&fd);
    let int = |level, opt| getsockopt_int(fd, level, opt);
    Ok(Some(match name {
        OptName::Dontroute => Opt::Dontroute(int(libc::SOL_SOCKET, libc::SO_DONTROUTE)? != 0),
        OptName::Keepalive => Opt::Keepalive(s.keepalive()?),
        OptName::Linger => match s.linger()? {
            Some(d) => Opt::Linger(true, d.as_secs() as u32),
            None => Opt::Linger(false, 0),
        },
        OptName::Nodelay => Opt::Nodelay(s.nodelay()?),
        OptName::Priority => Opt::Priority(int(libc::SOL_SOCKET, libc::SO_PRIORITY)? as u32),
        OptName::Recbuf => Opt::Recbuf(s.recv_buffer_size()? as u32),
        OptName::Sndbuf => Opt::Sndbuf(s.send_buffer_size()? as u32),
        OptName::Reuseaddr => Opt::Reuseaddr(s.reuse_address()?),
        OptName::Reuseport => Opt::Reuseport(s.reuse_port()?),
        OptName::ReuseportLb => Opt::ReuseportLb(s.reuse_port()?),
        OptName::Tos => Opt::Tos(int(libc::IPPROTO_IP, libc::IP_TOS)? as u32),
        OptName::Tclass => Opt::Tclass(int(libc::IPPROTO_IPV6, libc::IPV6_TCLASS)? as u32),
        OptName::Ttl => Opt::Ttl(int(libc::IPPROTO_IP, libc::IP_TTL)? as u32),
        OptName::Recvtos => Opt::Recvtos(int(libc::IPPROTO_IP, libc::IP_RECVTOS)? != 0),
        OptName::Recvtclass => {
            Opt::Recvtclass(int(libc::IPPROTO_IPV6, libc::IPV6_RECVTCLASS)? != 0)
        }
        OptName::Recvttl => Opt::Recvttl(int(libc::IPPROTO_IP, libc::IP_RECVTTL)? != 0),
        OptName::Ipv6V6only => Opt::Ipv6V6only(s.only_v6()?),
        OptName::BindToDevice => Opt::BindToDevice(s.device()?.unwrap_or_default()),
        OptName::Pktoptions => return Err(Error::Einval),
        OptName::Raw { level, name, size } => {
            let mut buf = vec![0u8; *size];
            let mut len = *size as libc::socklen_t;
            syscall!(getsockopt(
                fd.as_raw_fd(),
                *level,
                *name,
                buf.as_mut_ptr().cast(),
                &mut len
            ))?;
            buf.truncate(len as usize);
            Opt::Raw {
                level: *level,
                name: *name,
                value: buf,
            }
        }
        _ => return Ok(None),
    }))
}

/// Sets a kernel option on anything with a descriptor.
pub fn set_on(s: &impl AsFd, opt: &Opt) -> Result<bool> {
    set(s.as_fd(), opt)
}
