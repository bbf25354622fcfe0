//! The few raw system calls both backends share, each `unsafe` block small
//! and justified.

use crate::error::{Error, Result};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Calls a libc function, turning `-1` into the OS error (as mio's macro).
#[macro_export]
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

/// What [`wait_fd`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Readable (or hung up, or in error).
    Read,
    /// Writable (or in error).
    Write,
}

/// Waits until `fd` is ready for `what`, or until `deadline` (`None` =
/// forever). `Err(Timeout)` when the deadline passes first. Retries on
/// `EINTR`.
pub fn wait_fd(fd: RawFd, what: Wait, deadline: Option<Instant>) -> Result<()> {
    let events = match what {
        Wait::Read => libc::POLLIN,
        Wait::Write => libc::POLLOUT,
    };
    loop {
        let ms: libc::c_int = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // Round up so we never wake just before the deadline.
                let ms = left.as_nanos().div_ceil(1_000_000);
                ms.min(libc::c_int::MAX as u128) as libc::c_int
            }
        };
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        match syscall!(poll(&mut pfd, 1, ms)) {
            Ok(0) => {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(Error::Timeout);
                }
            }
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// The deadline `timeout` from now (`None` = never).
pub fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|t| Instant::now() + t)
}

fn placeholder() -> RawFd {
    static DEV_NULL: OnceLock<std::fs::File> = OnceLock::new();
    DEV_NULL
        .get_or_init(|| std::fs::File::open("/dev/null").expect("opening /dev/null"))
        .as_raw_fd()
}

/// Closes the socket behind `fd` but keeps the number open (pointing at
/// `/dev/null`) until the owner really closes it, so that a handle that
/// still holds the number never reaches a descriptor reused by someone
/// else. `shutdown` first wakes any thread blocked in `poll` or `accept`
/// on it.
pub fn close_keep_number(fd: RawFd) {
    let _ = syscall!(shutdown(fd, libc::SHUT_RDWR));
    let _ = syscall!(dup2(placeholder(), fd));
}

/// Closes the descriptor for good.
pub fn close_fd(fd: RawFd) {
    let _ = syscall!(close(fd));
}

/// Reads into `buf`, retrying on `EINTR`. `Ok(0)` is end of stream.
pub fn read(fd: RawFd, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match syscall!(read(fd, buf.as_mut_ptr().cast(), buf.len())) {
            Ok(n) => return Ok(n as usize),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Writes as much of `chunks` as the kernel takes in one `writev`
/// (`MSG_NOSIGNAL` semantics: `EPIPE` is an error, never a signal).
pub fn writev(fd: RawFd, chunks: &[&[u8]]) -> std::io::Result<usize> {
    const MAX_IOV: usize = 64;
    let mut iov: [libc::iovec; MAX_IOV] = [libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    }; MAX_IOV];
    let mut n = 0;
    for c in chunks.iter().filter(|c| !c.is_empty()).take(MAX_IOV) {
        iov[n] = libc::iovec {
            iov_base: c.as_ptr() as *mut libc::c_void,
            iov_len: c.len(),
        };
        n += 1;
    }
    if n == 0 {
        return Ok(0);
    }
    // SAFETY: an all-zero msghdr is valid; we point it at `iov`, which
    // lives until the call returns.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = n as _;
    loop {
        match syscall!(sendmsg(fd, &msg, libc::MSG_NOSIGNAL)) {
            Ok(n) => return Ok(n as usize),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Sets `O_NONBLOCK` on `fd`.
pub fn set_nonblocking(fd: RawFd) -> std::io::Result<()> {
    let flags = syscall!(fcntl(fd, libc::F_GETFL))?;
    syscall!(fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK))?;
    Ok(())
}

/// Advances `chunks` past `n` bytes that were written.
pub fn advance(chunks: &mut Vec<&[u8]>, mut n: usize) {
    let mut drop_n = 0;
    for c in chunks.iter_mut() {
        if n >= c.len() {
            n -= c.len();
            drop_n += 1;
        } else {
            *c = &c[n..];
            break;
        }
    }
    chunks.drain(..drop_n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_across_chunks() {
        let mut c: Vec<&[u8]> = vec![b"abc", b"de", b"f"];
        advance(&mut c, 4);
        assert_eq!(c, [&b"e"[..], b"f"]);
        advance(&mut c, 2);
        assert!(c.is_empty());
    }

    #[test]
    fn wait_times_out_on_a_quiet_pipe() {
        let mut fds = [0; 2];
        syscall!(pipe(fds.as_mut_ptr())).unwrap();
        let r = wait_fd(
            fds[0],
            Wait::Read,
            deadline(Some(Duration::from_millis(10))),
        );
        assert_eq!(r, Err(Error::Timeout));
        assert_eq!(wait_fd(fds[1], Wait::Write, None), Ok(()));
        close_fd(fds[0]);
        close_fd(fds[1]);
    }
}
