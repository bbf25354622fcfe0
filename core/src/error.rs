//! Errors as values, named as Erlang names them.
//!
//! Every failure of a gen_tcp call is an [`Error`] whose [`Display`] is the
//! Erlang reason (`closed`, `timeout`, `{timeout, RestData}`, `econnreset`,
//! ...). It converts to and from [`std::io::Error`]; OS errors keep their
//! errno and print with their POSIX atom (`eaddrinuse`, `econnrefused`).
//! `EMFILE` and `ENFILE` become [`Error::SystemLimit`], as OTP reports them.
//!
//! [`Display`]: std::fmt::Display

use bytes::Bytes;
use std::fmt;
use std::io;

/// Result of a gen_tcp call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The reason a gen_tcp call failed, with Erlang's name.
///
/// ```
/// use gen_tcp_core::Error;
/// assert_eq!(Error::Closed.to_string(), "closed");
/// let io: std::io::Error = Error::Timeout.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// assert_eq!(Error::from(io), Error::Timeout);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `closed`: the socket is closed (locally, or the peer closed it).
    Closed,
    /// `timeout`: the call's timeout expired.
    Timeout,
    /// `{timeout, RestData}`: `send_timeout` expired during a send on the
    /// `socket` backend; the bytes are exactly those not handed to the kernel.
    TimeoutRest(Bytes),
    /// `einval`: invalid argument, or an operation the socket's state forbids
    /// (such as `recv` on an active socket).
    Einval,
    /// `enotsup`: not supported (for example `nodelay` on a `local` socket
    /// with the `socket` backend).
    Enotsup,
    /// `econnreset`: the peer reset the connection.
    Econnreset,
    /// `emsgsize`: a packet is larger than `packet_size`, or malformed.
    Emsgsize,
    /// `not_owner`: the caller is not the socket's controlling process.
    NotOwner,
    /// `badarg`: a bad argument, such as an unknown option or a dead pid.
    Badarg,
    /// `system_limit`: out of file descriptors (`EMFILE`/`ENFILE`).
    SystemLimit,
    /// `nxdomain`: a host name did not resolve.
    Nxdomain,
    /// Any other POSIX error, by its errno.
    Posix(i32),
}

impl Error {
    /// The Erlang atom of this reason (`{timeout, _}` gives `timeout`).
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Closed => "closed",
            Error::Timeout | Error::TimeoutRest(_) => "timeout",
            Error::Einval => "einval",
            Error::Enotsup => "enotsup",
            Error::Econnreset => "econnreset",
            Error::Emsgsize => "emsgsize",
            Error::NotOwner => "not_owner",
            Error::Badarg => "badarg",
            Error::SystemLimit => "system_limit",
            Error::Nxdomain => "nxdomain",
            Error::Posix(e) => posix_name(*e),
        }
    }

    /// Maps an OS errno to its gen_tcp reason (`EMFILE` is `system_limit`).
    pub fn from_errno(errno: i32) -> Error {
        match errno {
            libc::EMFILE | libc::ENFILE => Error::SystemLimit,
            libc::EINVAL => Error::Einval,
            libc::EOPNOTSUPP => Error::Enotsup,
            libc::ECONNRESET => Error::Econnreset,
            libc::EMSGSIZE => Error::Emsgsize,
            libc::ETIMEDOUT => Error::Posix(libc::ETIMEDOUT),
            e => Error::Posix(e),
        }
    }

    /// The errno this reason stands for, if it has one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Einval => Some(libc::EINVAL),
            Error::Enotsup => Some(libc::EOPNOTSUPP),
            Error::Econnreset => Some(libc::ECONNRESET),
            Error::Emsgsize => Some(libc::EMSGSIZE),
            Error::SystemLimit => Some(libc::EMFILE),
            Error::Posix(e) => Some(*e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TimeoutRest(rest) => write!(f, "{{timeout, <<{} bytes>>}}", rest.len()),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for Error {}

/// Marks an [`io::Error`] made from an [`Error`] that has no errno, so that
/// converting back gives the same reason.
#[derive(Debug)]
struct Carried(Error);

impl fmt::Display for Carried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Carried {}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        match e.errno() {
            Some(errno) if !matches!(e, Error::SystemLimit) => io::Error::from_raw_os_error(errno),
            _ => {
                let kind = match e {
                    Error::Closed => io::ErrorKind::NotConnected,
                    Error::Timeout | Error::TimeoutRest(_) => io::ErrorKind::TimedOut,
                    Error::NotOwner => io::ErrorKind::PermissionDenied,
                    Error::Badarg => io::ErrorKind::InvalidInput,
                    Error::Nxdomain => io::ErrorKind::NotFound,
                    _ => io::ErrorKind::Other,
                };
                io::Error::new(kind, Carried(e))
            }
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        if let Some(errno) = e.raw_os_error() {
            return Error::from_errno(errno);
        }
        if e.get_ref().is_some_and(|inner| inner.is::<Carried>()) {
            let inner = e.into_inner().expect("checked above");
            return inner.downcast::<Carried>().expect("checked above").0;
        }
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::Timeout,
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => Error::Einval,
            io::ErrorKind::UnexpectedEof | io::ErrorKind::NotConnected => Error::Closed,
            io::ErrorKind::ConnectionReset => Error::Econnreset,
            io::ErrorKind::Unsupported => Error::Enotsup,
            _ => Error::Einval,
        }
    }
}

/// The reason for a failed read or write on a connection, the rule both
/// OTP backends follow (`gen_tcp_socket.erl` and `inet_drv.c` agree): a
/// peer that is gone (`ECONNRESET`, or `EPIPE` on a write) is `closed`, or
/// `econnreset` with `{show_econnreset, true}`; a descriptor closed under
/// the call (`ENOTSOCK`, `EBADF`) is `closed`; any other error keeps its
/// POSIX name.
///
/// ```
/// use gen_tcp_core::error::{io_reason, Error};
/// let reset = std::io::Error::from_raw_os_error(libc::ECONNRESET);
/// assert_eq!(io_reason(&reset, false), Error::Closed);
/// assert_eq!(io_reason(&reset, true), Error::Econnreset);
/// ```
pub fn io_reason(e: &io::Error, show_econnreset: bool) -> Error {
    match e.raw_os_error() {
        Some(libc::ECONNRESET | libc::EPIPE) if show_econnreset => Error::Econnreset,
        Some(libc::ECONNRESET | libc::EPIPE | libc::ENOTSOCK | libc::EBADF) => Error::Closed,
        Some(errno) => Error::from_errno(errno),
        None => Error::from(io::Error::from(e.kind())),
    }
}

/// The POSIX atom Erlang uses for an errno (`inet:format_error/1` names).
pub fn posix_name(errno: i32) -> &'static str {
    match errno {
        libc::EACCES => "eacces",
        libc::EADDRINUSE => "eaddrinuse",
        libc::EADDRNOTAVAIL => "eaddrnotavail",
        libc::EAFNOSUPPORT => "eafnosupport",
        libc::EAGAIN => "eagain",
        libc::EALREADY => "ealready",
        libc::EBADF => "ebadf",
        libc::ECONNABORTED => "econnaborted",
        libc::ECONNREFUSED => "econnrefused",
        libc::ECONNRESET => "econnreset",
        libc::EHOSTDOWN => "ehostdown",
        libc::EHOSTUNREACH => "ehostunreach",
        libc::EINPROGRESS => "einprogress",
        libc::EINTR => "eintr",
        libc::EINVAL => "einval",
        libc::EIO => "eio",
        libc::EISCONN => "eisconn",
        libc::EMFILE => "emfile",
        libc::EMSGSIZE => "emsgsize",
        libc::ENAMETOOLONG => "enametoolong",
        libc::ENETDOWN => "enetdown",
        libc::ENETUNREACH => "enetunreach",
        libc::ENFILE => "enfile",
        libc::ENOBUFS => "enobufs",
        libc::ENOENT => "enoent",
        libc::ENOMEM => "enomem",
        libc::ENOPROTOOPT => "enoprotoopt",
        libc::ENOTCONN => "enotconn",
        libc::ENOTSOCK => "enotsock",
        libc::EOPNOTSUPP => "enotsup",
        libc::EPERM => "eperm",
        libc::EPIPE => "epipe",
        libc::EPROTONOSUPPORT => "eprotonosupport",
        libc::EPROTOTYPE => "eprototype",
        libc::ETIMEDOUT => "etimedout",
        libc::ENODEV => "enodev",
        libc::ENOTDIR => "enotdir",
        libc::EROFS => "erofs",
        libc::EEXIST => "eexist",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_io_error() {
        for e in [
            Error::Closed,
            Error::Timeout,
            Error::Einval,
            Error::Enotsup,
            Error::Econnreset,
            Error::Emsgsize,
            Error::NotOwner,
            Error::Badarg,
            Error::SystemLimit,
            Error::Nxdomain,
            Error::Posix(libc::EADDRINUSE),
            Error::TimeoutRest(Bytes::from_static(b"rest")),
        ] {
            let io: io::Error = e.clone().into();
            assert_eq!(Error::from(io), e);
        }
    }

    #[test]
    fn emfile_and_enfile_are_system_limit() {
        assert_eq!(
            Error::from(io::Error::from_raw_os_error(libc::EMFILE)),
            Error::SystemLimit
        );
        assert_eq!(
            Error::from(io::Error::from_raw_os_error(libc::ENFILE)),
            Error::SystemLimit
        );
    }

    #[test]
    fn io_reason_names_a_gone_peer_by_show_econnreset() {
        let os = io::Error::from_raw_os_error;
        for errno in [libc::EPIPE, libc::ECONNRESET] {
            assert_eq!(io_reason(&os(errno), false), Error::Closed);
            assert_eq!(io_reason(&os(errno), true), Error::Econnreset);
        }
        assert_eq!(io_reason(&os(libc::ENOTSOCK), true), Error::Closed);
        assert_eq!(io_reason(&os(libc::EBADF), false), Error::Closed);
        assert_eq!(
            io_reason(&os(libc::ETIMEDOUT), false),
            Error::Posix(libc::ETIMEDOUT)
        );
        assert_eq!(io_reason(&os(libc::EMFILE), false), Error::SystemLimit);
    }

    #[test]
    fn display_uses_erlang_names() {
        assert_eq!(Error::Posix(libc::ECONNREFUSED).to_string(), "econnrefused");
        assert_eq!(Error::NotOwner.to_string(), "not_owner");
        assert_eq!(
            Error::TimeoutRest(Bytes::from_static(b"abc")).to_string(),
            "{timeout, <<3 bytes>>}"
        );
    }
}
