//! OS errors turned into the reasons this backend reports, in one place.
//!
//! `inet_drv` treats a connection the peer reset (`ECONNRESET`, or
//! `EPIPE` on a write) as closed, unless `{show_econnreset, true}` asks
//! for `econnreset` (checked with OTP 25: passive `recv` and `send`
//! answer `{error, closed}`, or `{error, econnreset}` with the option).

use gen_tcp_core::Error;
use std::io;

/// True when `e` means the peer is gone: reset, or a write after its close.
pub(crate) fn is_peer_gone(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ECONNRESET | libc::EPIPE))
}

/// The reason for a connection the peer reset: `econnreset` only with
/// `{show_econnreset, true}`.
pub(crate) fn reset_reason(show_econnreset: bool) -> Error {
    if show_econnreset {
        Error::Econnreset
    } else {
        Error::Closed
    }
}

/// The reason for a failed read or write on a connection.
pub(crate) fn io_reason(e: &io::Error, show_econnreset: bool) -> Error {
    if is_peer_gone(e) {
        reset_reason(show_econnreset)
    } else {
        Error::from(io::Error::from_raw_os_error(
            e.raw_os_error().unwrap_or(libc::EIO),
        ))
    }
}

/// What `recv`/`send` answer once the descriptor is gone and the error
/// was already reported once: `enotconn`, as OTP's port does.
pub(crate) fn enotconn() -> Error {
    Error::Posix(libc::ENOTCONN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(errno: i32) -> io::Error {
        io::Error::from_raw_os_error(errno)
    }

    #[test]
    fn reset_and_broken_pipe_are_closed_unless_shown() {
        assert_eq!(io_reason(&os(libc::ECONNRESET), false), Error::Closed);
        assert_eq!(io_reason(&os(libc::EPIPE), false), Error::Closed);
        assert_eq!(io_reason(&os(libc::ECONNRESET), true), Error::Econnreset);
        assert_eq!(io_reason(&os(libc::EPIPE), true), Error::Econnreset);
    }

    #[test]
    fn other_errors_keep_their_posix_name() {
        assert_eq!(
            io_reason(&os(libc::ETIMEDOUT), false),
            Error::Posix(libc::ETIMEDOUT)
        );
        assert_eq!(io_reason(&os(libc::EMFILE), true), Error::SystemLimit);
        assert_eq!(enotconn().to_string(), "enotconn");
    }
}
