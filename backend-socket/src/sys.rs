//! The one system call this backend makes beyond core's `sys`.

use gen_tcp_core::syscall;
use std::os::fd::RawFd;

/// Resets the connection at once (what `close` does with
/// `{linger, {true, 0}}`): `connect` to `AF_UNSPEC` makes Linux drop the
/// connection with an RST and wake every thread waiting on it, where a
/// `shutdown` first would send a FIN and the peer would see a clean end.
pub fn abort(fd: RawFd) {
    // SAFETY: an all-zero sockaddr is valid; only its family is read.
    let mut addr: libc::sockaddr = unsafe { std::mem::zeroed() };
    addr.sa_family = libc::AF_UNSPEC as libc::sa_family_t;
    let len = std::mem::size_of::<libc::sockaddr>() as libc::socklen_t;
    let _ = syscall!(connect(fd, &addr, len));
}
