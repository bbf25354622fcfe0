//! OS errors met while reading or writing, turned into gen_tcp reasons in
//! one place, as `gen_tcp_socket.erl` does.

use gen_tcp_core::Error;
use std::io;

/// The gen_tcp reason for an OS error on a connected socket.
///
/// `EPIPE` and `ECONNRESET` both mean the peer is gone: `econnreset` with
/// `{show_econnreset, true}`, else `closed` (reference page, option
/// `show_econnreset`). A descriptor that is no longer a socket (it was
/// closed under the call, see `close_keep_number`) is `closed` too.
pub fn reason(err: &io::Error, show_econnreset: bool) -> Error {
    match err.raw_os_error() {
        Some(libc::EPIPE) | Some(libc::ECONNRESET) if show_econnreset => Error::Econnreset,
        Some(libc::EPIPE) | Some(libc::ECONNRESET) => Error::Closed,
        Some(libc::ENOTSOCK) | Some(libc::EBADF) => Error::Closed,
        _ => Error::from(clone_error(err)),
    }
}

fn clone_error(err: &io::Error) -> io::Error {
    match err.raw_os_error() {
        Some(e) => io::Error::from_raw_os_error(e),
        None => io::Error::from(err.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(e: i32) -> io::Error {
        io::Error::from_raw_os_error(e)
    }

    #[test]
    fn peer_gone_is_closed_unless_show_econnreset() {
        for e in [libc::EPIPE, libc::ECONNRESET] {
            assert_eq!(reason(&os(e), false), Error::Closed);
            assert_eq!(reason(&os(e), true), Error::Econnreset);
        }
    }

    #[test]
    fn a_closed_descriptor_is_closed() {
        assert_eq!(reason(&os(libc::ENOTSOCK), true), Error::Closed);
        assert_eq!(reason(&os(libc::EBADF), false), Error::Closed);
    }

    #[test]
    fn other_errors_keep_their_posix_name() {
        assert_eq!(
            reason(&os(libc::ENOTCONN), false),
            Error::Posix(libc::ENOTCONN)
        );
        assert_eq!(reason(&os(libc::EMFILE), false), Error::SystemLimit);
    }
}
