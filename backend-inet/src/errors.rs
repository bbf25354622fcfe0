//! OS errors turned into the reasons this backend reports.
//!
//! The rule for a failed read or write is core's
//! [`io_reason`](gen_tcp_core::error::io_reason), which `inet_drv` follows
//! too (checked with OTP 25: passive `recv` and `send` answer
//! `{error, closed}`, or `{error, econnreset}` with `show_econnreset`).
//! What is this backend's own: after the error was reported once, the
//! port is gone and calls answer `enotconn`.

use gen_tcp_core::Error;

pub(crate) use gen_tcp_core::error::io_reason;

/// What `recv`/`send` answer once the descriptor is gone and the error
/// was already reported once: `enotconn`, as OTP's port does.
pub(crate) fn enotconn() -> Error {
    Error::Posix(libc::ENOTCONN)
}
