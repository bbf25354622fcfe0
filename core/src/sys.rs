//! The raw system calls of this crate, each `unsafe` block small and
//! justified. Everything here that touches a descriptor is private to the
//! crate: the rest of the world reaches a socket's descriptor only through
//! [`Descriptor`](crate::descriptor::Descriptor), which owns it.

use crate::error::{Error, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Calls a libc function, turning `-1` into the OS error (as mio's macro).
/// Crate-private: callers outside this crate never see a raw syscall.
macro_rules! syscall {
    ($fn:ident ( $($arg:expr),* $(,)? )) => {{
        // SAFETY: the caller passes arguments valid for this call.
        #[allow(unused_unsafe)]
        let res = unsafe { libc::$fn($($arg),*) };
        if res == -1 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(res)
        }
    }};
}
pub(crate) use syscall;

/// What a wait on a descriptor waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Readable (or hung up, or in error).
    Read,
    /// Writable (or in error).
    Write,
}

/// The deadline `timeout` from now; `None` = never. A timeout too large
/// for the clock (`Duration::MAX`, years) is no deadline at all, as it
/// could never pass: it must not panic ("overflow when adding duration to
/// instant").
///
/// ```
/// use gen_tcp_core::sys::deadline;
/// use std::time::Duration;
/// assert!(deadline(Some(Duration::from_secs(1))).is_some());
/// assert_eq!(deadline(Some(Duration::MAX)), None);
/// assert_eq!(deadline(None), None);
/// ```
pub fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

/// True once `deadline` has passed (never for `None`).
pub fn passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// `poll(2)`'s timeout for `deadline`: -1 for none, else the milliseconds
/// left, rounded up so a wait never ends just before its deadline.
fn poll_ms(deadline: Option<Instant>) -> libc::c_int {
    match deadline {
        None => -1,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            let ms = left.as_nanos().div_ceil(1_000_000);
            ms.min(libc::c_int::MAX as u128) as libc::c_int
        }
    }
}

/// Waits until `fd` is ready for `what`, or until `deadline` (`None` =
/// forever). `Err(Timeout)` when the deadline passes first. Retries on
/// `EINTR`. With `wake` (the calling process's exit signal, an eventfd
/// that [`signal_eventfd`] makes readable), the same one `poll` watches it
/// too, and `Err(Killed)` comes back once it is readable.
pub(crate) fn wait_fd(
    fd: RawFd,
    what: Wait,
    deadline: Option<Instant>,
    wake: Option<RawFd>,
) -> Result<()> {
    let events = match what {
        Wait::Read => libc::POLLIN,
        Wait::Write => libc::POLLOUT,
    };
    loop {
        let mut pfds = [
            libc::pollfd {
                fd,
                events,
                revents: 0,
            },
            libc::pollfd {
                fd: wake.unwrap_or(-1),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let n = if wake.is_some() { 2 } else { 1 };
        match syscall!(poll(pfds.as_mut_ptr(), n, poll_ms(deadline))) {
            Ok(0) => {
                if passed(deadline) {
                    return Err(Error::Timeout);
                }
            }
            Ok(_) if pfds[1].revents != 0 => return Err(Error::Killed),
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// A new eventfd (close-on-exec, non-blocking), for a process's exit
/// signal: made readable once by [`signal_eventfd`], never read.
pub(crate) fn eventfd() -> std::io::Result<OwnedFd> {
    let fd = syscall!(eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK))?;
    // SAFETY: eventfd returned a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Makes the eventfd `fd` readable (and every `poll` watching it return).
pub(crate) fn signal_eventfd(fd: RawFd) {
    let one: u64 = 1;
    // SAFETY: `one` is valid for reads of its 8 bytes for the call. A
    // failure (the counter full, which one write a process never makes)
    // leaves it readable anyway.
    let _ = syscall!(write(fd, (&one as *const u64).cast(), 8));
}

/// Retries `f` while it fails with `EINTR`.
pub(crate) fn retry<T>(mut f: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    loop {
        match f() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

/// `recv(2)` into `len` bytes at `buf`.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes (they need not be
/// initialised: the kernel only writes).
pub(crate) unsafe fn recv(
    fd: RawFd,
    buf: *mut u8,
    len: usize,
    flags: libc::c_int,
) -> std::io::Result<usize> {
    retry(|| syscall!(recv(fd, buf.cast(), len, flags)).map(|n| n as usize))
}

/// How many bytes the kernel holds to be read on `fd` (`FIONREAD`),
/// without taking them (and without consuming an end of stream).
pub(crate) fn unread(fd: RawFd) -> std::io::Result<usize> {
    let mut n: libc::c_int = 0;
    syscall!(ioctl(fd, libc::FIONREAD, &mut n as *mut libc::c_int))?;
    Ok(n.max(0) as usize)
}

/// `send(2)` of `buf`, never raising `SIGPIPE`.
pub(crate) fn send(fd: RawFd, buf: &[u8], flags: libc::c_int) -> std::io::Result<usize> {
    retry(|| {
        syscall!(send(
            fd,
            buf.as_ptr().cast(),
            buf.len(),
            flags | libc::MSG_NOSIGNAL
        ))
        .map(|n| n as usize)
    })
}

/// `sendmsg(2)` of `bufs` (at most `IOV_MAX` of them are used), never
/// raising `SIGPIPE`.
pub(crate) fn sendv(
    fd: RawFd,
    bufs: &[std::io::IoSlice<'_>],
    flags: libc::c_int,
) -> std::io::Result<usize> {
    // SAFETY: an all-zero msghdr is valid; we point it at `bufs`, whose
    // layout is `iovec`'s (`IoSlice` guarantees it) and which outlives
    // the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len().min(libc::UIO_MAXIOV as usize) as _;
    retry(|| syscall!(sendmsg(fd, &msg, flags | libc::MSG_NOSIGNAL)).map(|n| n as usize))
}

/// Sets or clears `O_NONBLOCK` in one call (`FIONBIO`).
pub(crate) fn set_nonblocking(fd: RawFd, on: bool) -> std::io::Result<()> {
    let mut v: libc::c_int = on.into();
    syscall!(ioctl(fd, libc::FIONBIO, &mut v))?;
    Ok(())
}

/// `shutdown(2)`.
pub(crate) fn shutdown(fd: RawFd, how: libc::c_int) -> std::io::Result<()> {
    syscall!(shutdown(fd, how))?;
    Ok(())
}

/// Resets the connection at once: `connect` to `AF_UNSPEC` makes Linux
/// drop the connection with an RST and wake every thread waiting on it.
pub(crate) fn abort(fd: RawFd) {
    // SAFETY: an all-zero sockaddr is valid; only its family is read.
    let mut addr: libc::sockaddr = unsafe { std::mem::zeroed() };
    addr.sa_family = libc::AF_UNSPEC as libc::sa_family_t;
    let len = std::mem::size_of::<libc::sockaddr>() as libc::socklen_t;
    let _ = syscall!(connect(fd, &addr, len));
}

/// `accept4(2)`: the new descriptor is close-on-exec and blocking (the
/// calls that must not block say so with `MSG_DONTWAIT`).
pub(crate) fn accept(listener: RawFd) -> std::io::Result<OwnedFd> {
    let fd = syscall!(accept4(
        listener,
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        libc::SOCK_CLOEXEC
    ))?;
    // SAFETY: accept4 returned a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A new descriptor for the socket `fd` names, close-on-exec
/// (`F_DUPFD_CLOEXEC`): `EMFILE` is `system_limit`.
pub(crate) fn dup(fd: RawFd) -> Result<OwnedFd> {
    let new = syscall!(fcntl(fd, libc::F_DUPFD_CLOEXEC, 0))?;
    // SAFETY: fcntl returned a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// True once the placeholder is open (opening it if need be), so that
/// [`release_keep_number`] cannot fail for want of it.
pub(crate) fn placeholder_ready() -> bool {
    placeholder().is_some()
}

/// The descriptor every closed socket's number is pointed at until its
/// owner drops it: `/dev/null`, opened at the first close. `None` while it
/// cannot be opened (out of descriptors); the next close tries again.
fn placeholder() -> Option<RawFd> {
    static DEV_NULL: OnceLock<std::fs::File> = OnceLock::new();
    if let Some(f) = DEV_NULL.get() {
        return Some(f.as_raw_fd());
    }
    let f = std::fs::File::open("/dev/null").ok()?;
    Some(DEV_NULL.get_or_init(|| f).as_raw_fd())
}

/// Points `fd` at the placeholder, which releases the socket it named
/// (the kernel closes it if this was its last reference) but keeps the
/// number taken. `false` when no placeholder could be had: the socket is
/// then left open, to be closed with the number.
pub(crate) fn release_keep_number(fd: RawFd) -> bool {
    let Some(p) = placeholder() else {
        return false;
    };
    // EBUSY (a race with open(2) on Linux) and EINTR are worth a retry.
    loop {
        match syscall!(dup2(p, fd)) {
            Ok(_) => return true,
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINTR | libc::EBUSY)) => {}
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
pub(crate) fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC)).unwrap();
    // SAFETY: pipe2 returned two new descriptors nobody else owns.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_times_out_on_a_quiet_pipe() {
        let (r, w) = pipe();
        let res = wait_fd(
            r.as_raw_fd(),
            Wait::Read,
            deadline(Some(Duration::from_millis(10))),
            None,
        );
        assert_eq!(res, Err(Error::Timeout));
        assert_eq!(wait_fd(w.as_raw_fd(), Wait::Write, None, None), Ok(()));
        // A signalled wake fd ends a wait that nothing else would end.
        let wake = eventfd().unwrap();
        signal_eventfd(wake.as_raw_fd());
        let res = wait_fd(r.as_raw_fd(), Wait::Read, None, Some(wake.as_raw_fd()));
        assert_eq!(res, Err(Error::Killed));
    }

    #[test]
    fn a_timeout_past_the_clock_is_no_deadline() {
        assert_eq!(deadline(Some(Duration::MAX)), None);
        assert_eq!(deadline(Some(Duration::from_secs(u64::MAX))), None);
        // A deadline that could be reached is kept.
        assert!(deadline(Some(Duration::from_secs(3600))).is_some());
        assert_eq!(poll_ms(None), -1);
    }
}
