//! Creating descriptors for `listen`, `connect` and `accept`, the same for
//! both backends: family, `{ip}`/`{port}`/`{ifaddr}` binding, `{fd}`
//! adoption, `{netns}`, `{bind_to_device}`, `{backlog}`, and connecting
//! with a timeout.

use crate::addr::{Family, SockAddr};
use crate::error::{Error, Result};
use crate::options::policy::{self, SetRule};
use crate::options::{CreateOpts, Fd};
use crate::sys::{self, Wait};
use crate::syscall;
use socket2::{Domain, Protocol, Socket, Type};
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::time::Instant;

/// Sets the kernel options among `c.opts` on a new descriptor, before it
/// is bound or connected (buffer sizes must be set before the handshake to
/// count), under the same rules as `setopts` ([`policy::set_rule`]: e.g.
/// `nodelay` on a `local` socket, `enotsup` on `socket`, ignored on `inet`).
fn set_kernel_opts(s: &Socket, family: Family, c: &CreateOpts) -> Result<()> {
    for opt in &c.opts {
        match policy::set_rule(c.backend, opt, family == Family::Local) {
            SetRule::Apply => {
                crate::sockopt::set_on(s, opt)
                    .map_err(|e| policy::kernel_refusal(c.backend, opt, e))?;
            }
            SetRule::Ignore => {}
            SetRule::Refuse(e) => return Err(e),
        }
    }
    Ok(())
}

fn new_socket(family: Family, c: &CreateOpts) -> Result<Socket> {
    let proto = match family {
        Family::Local => None,
        _ => Some(Protocol::TCP),
    };
    let make = move || Socket::new(family.domain(), Type::STREAM.nonblocking().cloexec(), proto);
    let s = match &c.netns {
        None => make()?,
        Some(ns) => in_netns(ns, make)?,
    };
    if let Some(dev) = &c.bind_to_device {
        s.bind_device(Some(dev))?;
    }
    set_kernel_opts(&s, family, c)?;
    Ok(s)
}

/// Runs `f` in the network namespace at `path` (`{netns, Path}`), in a
/// short-lived thread so the caller's namespace is untouched.
fn in_netns<T: Send>(
    path: &std::path::Path,
    f: impl FnOnce() -> std::io::Result<T> + Send,
) -> Result<T> {
    let ns = std::fs::File::open(path)?;
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                // SAFETY: `ns` is an open file for the call; setns changes
                // only this short-lived thread's namespace.
                syscall!(setns(ns.as_raw_fd(), libc::CLONE_NEWNET))?;
                f()
            })
            .join()
            .map_err(|_| Error::Einval)?
            .map_err(Error::from)
    })
}

/// Takes the descriptor of `{fd, Fd}`: gen_tcp owns it from now on and
/// closes it on close. One already taken by an earlier `listen`/`connect`
/// is `ebadf`, as OTP answers for a descriptor that is not open.
fn adopt(fd: &Fd) -> Result<Socket> {
    let s = Socket::from(fd.take().ok_or(Error::Posix(libc::EBADF))?);
    match s.r#type() {
        Ok(t) if t == Type::STREAM => {}
        Ok(_) => return Err(Error::Einval),
        Err(_) => return Err(Error::Posix(libc::EBADF)),
    }
    s.set_nonblocking(true)?;
    s.set_cloexec(true)?;
    Ok(s)
}

/// A listening descriptor for `listen(Port, Opts)`.
pub fn listen(port: u16, c: &CreateOpts) -> Result<Socket> {
    let port = if port == 0 { c.port } else { Some(port) };
    let s = match &c.fd {
        Some(fd) => {
            let s = adopt(fd)?;
            let family = c.family_for(Some(&sockname(&s)?));
            set_kernel_opts(&s, family, c)?;
            if port.is_some() || c.ip.is_some() {
                if let Some(addr) = c.bind_addr(family, port) {
                    s.bind(&addr.to_socket2()?)?;
                }
            }
            s
        }
        None => {
            // No SO_REUSEADDR unless asked: OTP reports `reuseaddr` false
            // and a port in TIME_WAIT gives `eaddrinuse`, as here.
            let family = c.family_for(None);
            let s = new_socket(family, c)?;
            let addr = match c.bind_addr(family, port) {
                Some(a) => a,
                None if family == Family::Local => return Err(Error::Einval),
                None => c.bind_addr(family, Some(0)).expect("inet address"),
            };
            s.bind(&addr.to_socket2()?)?;
            s
        }
    };
    s.listen(c.backlog.min(i32::MAX as u32) as i32)?;
    Ok(s)
}

/// A connected descriptor for `connect(Address, Port, Opts, Timeout)`:
/// each address is tried in turn until one connects or `deadline` passes.
pub fn connect(addrs: &[SockAddr], c: &CreateOpts, deadline: Option<Instant>) -> Result<Socket> {
    if let Some(fd) = &c.fd {
        let s = adopt(fd)?;
        let family = c.family_for(Some(&sockname(&s)?));
        set_kernel_opts(&s, family, c)?;
        if s.peer_addr().is_ok() {
            return Ok(s);
        }
        let first = addrs.first().ok_or(Error::Einval)?;
        return connect_one(s, first, deadline);
    }
    let mut last = Error::Einval;
    for addr in addrs {
        let family = c.family.unwrap_or(Family::of(addr));
        if family != Family::of(addr) {
            last = Error::Posix(libc::EAFNOSUPPORT);
            continue;
        }
        let s = new_socket(family, c)?;
        if let Some(bind) = c.bind_addr(family, None) {
            s.bind(&bind.to_socket2()?)?;
        }
        match connect_one(s, addr, deadline) {
            Ok(s) => return Ok(s),
            Err(Error::Timeout) => return Err(Error::Timeout),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn connect_one(s: Socket, addr: &SockAddr, deadline: Option<Instant>) -> Result<Socket> {
    match s.connect(&addr.to_socket2()?) {
        Ok(()) => return Ok(s),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => {
            // A unix socket whose listener's queue is full: OTP answers eagain.
            return Err(Error::Posix(libc::EAGAIN));
        }
        Err(e) => return Err(e.into()),
    }
    sys::wait_fd(s.as_raw_fd(), Wait::Write, deadline)?;
    match s.take_error()? {
        None => Ok(s),
        Some(e) => Err(e.into()),
    }
}

/// Accepts one pending connection without blocking: `Ok(None)` when none
/// is pending. `EMFILE`/`ENFILE` are `system_limit`; errors that concern
/// only the connection being accepted (`ECONNABORTED`, ...) are skipped.
pub fn accept(listener: RawFd) -> Result<Option<Socket>> {
    loop {
        match syscall!(accept4(
            listener,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK
        )) {
            // SAFETY: accept4 returned a new descriptor we now own.
            Ok(fd) => return Ok(Some(unsafe { Socket::from_raw_fd(fd) })),
            Err(e) => match e.raw_os_error() {
                Some(libc::EAGAIN) => return Ok(None),
                Some(libc::EINTR) | Some(libc::ECONNABORTED) | Some(libc::EPROTO) => continue,
                // The listener was closed under us (`close_keep_number`).
                Some(libc::EINVAL) | Some(libc::ENOTSOCK) | Some(libc::EBADF) => {
                    return Err(Error::Closed)
                }
                _ => return Err(e.into()),
            },
        }
    }
}

/// `accept(ListenSocket, Timeout)`: waits for the next connection on
/// `listener` until `deadline` (`timeout`). `check` runs before each
/// attempt, so a listen socket closed meanwhile answers from it; errors
/// such as `system_limit` come back at once, never retried in a spin.
pub fn accept_within(
    listener: RawFd,
    deadline: Option<Instant>,
    mut check: impl FnMut() -> Result<()>,
) -> Result<Socket> {
    loop {
        check()?;
        match accept(listener)? {
            Some(s) => return Ok(s),
            None => sys::wait_fd(listener, Wait::Read, deadline)?,
        }
    }
}

/// The local address of a descriptor.
pub fn sockname(s: &Socket) -> Result<SockAddr> {
    Ok(SockAddr::from_socket2(&s.local_addr()?))
}

/// The peer address of a descriptor.
pub fn peername(s: &Socket) -> Result<SockAddr> {
    Ok(SockAddr::from_socket2(&s.peer_addr()?))
}

/// True for a unix domain socket.
pub fn is_local(s: &Socket) -> bool {
    s.domain().is_ok_and(|d| d == Domain::UNIX)
}
