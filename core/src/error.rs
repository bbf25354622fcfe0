//! Errors as values, named as Erlang names them.
//!
//! Every failure of a gen_tcp call is an [`Error`] whose [`Display`] is the
//! Erlang reason (`closed`, `timeout`, `{timeout, RestData}`, `econnreset`,
//! ...). It converts to and from [`std::io::Error`] without losing the
//! reason: OS errors keep their errno and print with their POSIX name
//! (`eaddrinuse`, `econnrefused`, every Linux errno), and `io::Error`s
//! that have no errno are kept whole ([`Error::Io`]). `EMFILE` and
//! `ENFILE` become [`Error::SystemLimit`], as OTP reports them.
//!
//! [`Display`]: std::fmt::Display

use bytes::Bytes;
use std::fmt;
use std::io;
use std::sync::Arc;

/// Result of a gen_tcp call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The reason a gen_tcp call failed, with Erlang's name.
///
/// More reasons may be added, so a `match` needs a catch-all arm.
///
/// ```
/// use gen_tcp_core::Error;
/// assert_eq!(Error::Closed.to_string(), "closed");
/// assert_eq!(Error::Posix(libc::ENOSPC).to_string(), "enospc");
/// let io: std::io::Error = Error::Timeout.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// assert_eq!(Error::from(io), Error::Timeout);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// `nxdomain`: a host name does not exist, or has no address in the
    /// family asked for.
    Nxdomain,
    /// `try_again`: the resolver could not answer now (no name server
    /// answered or could be reached; `EAI_AGAIN`), the name of OTP's
    /// `inet_gethost` for it. OTP 25's `connect` folds it into `nxdomain`.
    TryAgain,
    /// `no_recovery`: a name server failed for good (`EAI_FAIL`, such as
    /// a refused or failed query), as OTP's `inet_gethost` names it.
    NoRecovery,
    /// `killed`: the calling process was ended by an exit signal
    /// ([`Pid::kill`](crate::process::Pid::kill), Erlang's `exit(Pid,
    /// kill)`) while in the call, or before it. What it owned is closed;
    /// its thread should return.
    Killed,
    /// Any other POSIX error, by its errno (printed with its name).
    Posix(i32),
    /// An [`io::Error`] with no errno and no gen_tcp reason (one made by
    /// other Rust code, say), kept whole. Its reason is `io`; it prints
    /// as the `io::Error` does.
    Io(Arc<io::Error>),
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        match (self, other) {
            (Error::TimeoutRest(a), Error::TimeoutRest(b)) => a == b,
            (Error::Posix(a), Error::Posix(b)) => a == b,
            (Error::Io(a), Error::Io(b)) => {
                Arc::ptr_eq(a, b) || (a.kind() == b.kind() && a.to_string() == b.to_string())
            }
            (a, b) => {
                std::mem::discriminant(a) == std::mem::discriminant(b)
                    && !matches!(a, Error::TimeoutRest(_) | Error::Posix(_) | Error::Io(_))
            }
        }
    }
}

impl Eq for Error {}

impl Error {
    /// The Erlang atom of this reason (`{timeout, _}` gives `timeout`).
    ///
    /// ```
    /// use gen_tcp_core::Error;
    /// assert_eq!(Error::Posix(libc::EHOSTUNREACH).reason(), "ehostunreach");
    /// assert_eq!(Error::NotOwner.reason(), "not_owner");
    /// ```
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
            Error::TryAgain => "try_again",
            Error::NoRecovery => "no_recovery",
            Error::Killed => "killed",
            Error::Posix(e) => posix_name(*e),
            Error::Io(_) => "io",
        }
    }

    /// Maps an OS errno to its gen_tcp reason (`EMFILE` is `system_limit`).
    ///
    /// ```
    /// use gen_tcp_core::Error;
    /// assert_eq!(Error::from_errno(libc::EMFILE), Error::SystemLimit);
    /// assert_eq!(Error::from_errno(libc::ECONNRESET), Error::Econnreset);
    /// assert_eq!(Error::from_errno(libc::EPIPE), Error::Posix(libc::EPIPE));
    /// ```
    pub fn from_errno(errno: i32) -> Error {
        match errno {
            libc::EMFILE | libc::ENFILE => Error::SystemLimit,
            libc::EINVAL => Error::Einval,
            libc::EOPNOTSUPP => Error::Enotsup,
            libc::ECONNRESET => Error::Econnreset,
            libc::EMSGSIZE => Error::Emsgsize,
            e => Error::Posix(e),
        }
    }

    /// The errno this reason stands for, if it has one.
    ///
    /// ```
    /// use gen_tcp_core::Error;
    /// assert_eq!(Error::Einval.errno(), Some(libc::EINVAL));
    /// assert_eq!(Error::Closed.errno(), None);
    /// ```
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Einval => Some(libc::EINVAL),
            Error::Enotsup => Some(libc::EOPNOTSUPP),
            Error::Econnreset => Some(libc::ECONNRESET),
            Error::Emsgsize => Some(libc::EMSGSIZE),
            Error::SystemLimit => Some(libc::EMFILE),
            Error::Posix(e) => Some(*e),
            Error::Io(e) => e.raw_os_error(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TimeoutRest(rest) => write!(f, "{{timeout, <<{} bytes>>}}", rest.len()),
            Error::Io(e) => e.fmt(f),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => e.source(),
            _ => None,
        }
    }
}

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

/// The [`Error`] an [`io::Error`] was made from, if it was made from one
/// that has no errno.
pub(crate) fn carried(e: &io::Error) -> Option<&Error> {
    e.get_ref()?.downcast_ref::<Carried>().map(|c| &c.0)
}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        match e {
            // An errno is what an `io::Error` holds best: its kind follows.
            Error::Einval
            | Error::Enotsup
            | Error::Econnreset
            | Error::Emsgsize
            | Error::Posix(_) => {
                io::Error::from_raw_os_error(e.errno().expect("these have an errno"))
            }
            Error::Io(inner) => match Arc::try_unwrap(inner) {
                Ok(inner) => inner,
                Err(shared) => io::Error::new(shared.kind(), Carried(Error::Io(shared))),
            },
            other => {
                let kind = match other {
                    Error::Closed => io::ErrorKind::NotConnected,
                    Error::Timeout | Error::TimeoutRest(_) => io::ErrorKind::TimedOut,
                    Error::NotOwner => io::ErrorKind::PermissionDenied,
                    Error::Badarg => io::ErrorKind::InvalidInput,
                    Error::Nxdomain => io::ErrorKind::NotFound,
                    // Not `Interrupted`, which std's `read_exact` and
                    // `write_all` retry: the call must end.
                    _ => io::ErrorKind::Other,
                };
                io::Error::new(kind, Carried(other))
            }
        }
    }
}

/// The errno of an [`io::ErrorKind`] that names one condition the OS
/// reports with one errno.
fn kind_errno(kind: io::ErrorKind) -> Option<i32> {
    use io::ErrorKind as K;
    Some(match kind {
        K::NotFound => libc::ENOENT,
        K::PermissionDenied => libc::EACCES,
        K::ConnectionRefused => libc::ECONNREFUSED,
        K::ConnectionAborted => libc::ECONNABORTED,
        K::NotConnected => libc::ENOTCONN,
        K::AddrInUse => libc::EADDRINUSE,
        K::AddrNotAvailable => libc::EADDRNOTAVAIL,
        K::BrokenPipe => libc::EPIPE,
        K::AlreadyExists => libc::EEXIST,
        K::WouldBlock => libc::EAGAIN,
        K::Interrupted => libc::EINTR,
        K::OutOfMemory => libc::ENOMEM,
        _ => return None,
    })
}

impl From<io::Error> for Error {
    /// Keeps the reason: an errno gives its reason, an `io::Error` made
    /// from an [`Error`] gives that `Error` back, a kind that names a
    /// gen_tcp reason or an errno gives it, and any other `io::Error`
    /// (kind `Other`, `InvalidData`, `WriteZero`, ...) is kept whole as
    /// [`Error::Io`].
    fn from(e: io::Error) -> Error {
        if let Some(errno) = e.raw_os_error() {
            return Error::from_errno(errno);
        }
        if e.get_ref().is_some_and(|inner| inner.is::<Carried>()) {
            let inner = e.into_inner().expect("checked above");
            return inner.downcast::<Carried>().expect("checked above").0;
        }
        match e.kind() {
            io::ErrorKind::TimedOut => Error::Timeout,
            io::ErrorKind::InvalidInput => Error::Einval,
            io::ErrorKind::UnexpectedEof => Error::Closed,
            io::ErrorKind::ConnectionReset => Error::Econnreset,
            io::ErrorKind::Unsupported => Error::Enotsup,
            kind => match kind_errno(kind) {
                Some(errno) => Error::from_errno(errno),
                None => Error::Io(Arc::new(e)),
            },
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

/// The POSIX name Erlang uses for an errno: the errno's `#define` name in
/// lower case (`eaddrinuse`, `econnrefused`), as OTP's `erl_errno_id`
/// gives it, for every Linux errno. Where Linux gives one number two
/// names, OTP's choice wins: `eagain` (not `ewouldblock`), `edeadlk`,
/// `enotsup` (not `eopnotsupp`). OTP 25's table lacks a few Linux errnos
/// (`ecanceled`, `eownerdead`, `ehwpoison`, ...) and prints them as
/// `unknown`; here they have their names too. Only a number that is no
/// errno at all is `unknown`.
///
/// ```
/// use gen_tcp_core::error::posix_name;
/// assert_eq!(posix_name(libc::ECONNREFUSED), "econnrefused");
/// assert_eq!(posix_name(libc::ENOSPC), "enospc");
/// assert_eq!(posix_name(libc::EWOULDBLOCK), "eagain");
/// assert_eq!(posix_name(100_000), "unknown");
/// ```
pub fn posix_name(errno: i32) -> &'static str {
    match errno {
        libc::EPERM => "eperm",
        libc::ENOENT => "enoent",
        libc::ESRCH => "esrch",
        libc::EINTR => "eintr",
        libc::EIO => "eio",
        libc::ENXIO => "enxio",
        libc::E2BIG => "e2big",
        libc::ENOEXEC => "enoexec",
        libc::EBADF => "ebadf",
        libc::ECHILD => "echild",
        libc::EAGAIN => "eagain",
        libc::ENOMEM => "enomem",
        libc::EACCES => "eacces",
        libc::EFAULT => "efault",
        libc::ENOTBLK => "enotblk",
        libc::EBUSY => "ebusy",
        libc::EEXIST => "eexist",
        libc::EXDEV => "exdev",
        libc::ENODEV => "enodev",
        libc::ENOTDIR => "enotdir",
        libc::EISDIR => "eisdir",
        libc::EINVAL => "einval",
        libc::ENFILE => "enfile",
        libc::EMFILE => "emfile",
        libc::ENOTTY => "enotty",
        libc::ETXTBSY => "etxtbsy",
        libc::EFBIG => "efbig",
        libc::ENOSPC => "enospc",
        libc::ESPIPE => "espipe",
        libc::EROFS => "erofs",
        libc::EMLINK => "emlink",
        libc::EPIPE => "epipe",
        libc::EDOM => "edom",
        libc::ERANGE => "erange",
        libc::EDEADLK => "edeadlk",
        libc::ENAMETOOLONG => "enametoolong",
        libc::ENOLCK => "enolck",
        libc::ENOSYS => "enosys",
        libc::ENOTEMPTY => "enotempty",
        libc::ELOOP => "eloop",
        libc::ENOMSG => "enomsg",
        libc::EIDRM => "eidrm",
        libc::ECHRNG => "echrng",
        libc::EL2NSYNC => "el2nsync",
        libc::EL3HLT => "el3hlt",
        libc::EL3RST => "el3rst",
        libc::ELNRNG => "elnrng",
        libc::EUNATCH => "eunatch",
        libc::ENOCSI => "enocsi",
        libc::EL2HLT => "el2hlt",
        libc::EBADE => "ebade",
        libc::EBADR => "ebadr",
        libc::EXFULL => "exfull",
        libc::ENOANO => "enoano",
        libc::EBADRQC => "ebadrqc",
        libc::EBADSLT => "ebadslt",
        libc::EBFONT => "ebfont",
        libc::ENOSTR => "enostr",
        libc::ENODATA => "enodata",
        libc::ETIME => "etime",
        libc::ENOSR => "enosr",
        libc::ENONET => "enonet",
        libc::ENOPKG => "enopkg",
        libc::EREMOTE => "eremote",
        libc::ENOLINK => "enolink",
        libc::EADV => "eadv",
        libc::ESRMNT => "esrmnt",
        libc::ECOMM => "ecomm",
        libc::EPROTO => "eproto",
        libc::EMULTIHOP => "emultihop",
        libc::EDOTDOT => "edotdot",
        libc::EBADMSG => "ebadmsg",
        libc::EOVERFLOW => "eoverflow",
        libc::ENOTUNIQ => "enotuniq",
        libc::EBADFD => "ebadfd",
        libc::EREMCHG => "eremchg",
        libc::ELIBACC => "elibacc",
        libc::ELIBBAD => "elibbad",
        libc::ELIBSCN => "elibscn",
        libc::ELIBMAX => "elibmax",
        libc::ELIBEXEC => "elibexec",
        libc::EILSEQ => "eilseq",
        libc::ERESTART => "erestart",
        libc::ESTRPIPE => "estrpipe",
        libc::EUSERS => "eusers",
        libc::ENOTSOCK => "enotsock",
        libc::EDESTADDRREQ => "edestaddrreq",
        libc::EMSGSIZE => "emsgsize",
        libc::EPROTOTYPE => "eprototype",
        libc::ENOPROTOOPT => "enoprotoopt",
        libc::EPROTONOSUPPORT => "eprotonosupport",
        libc::ESOCKTNOSUPPORT => "esocktnosupport",
        libc::EOPNOTSUPP => "enotsup",
        libc::EPFNOSUPPORT => "epfnosupport",
        libc::EAFNOSUPPORT => "eafnosupport",
        libc::EADDRINUSE => "eaddrinuse",
        libc::EADDRNOTAVAIL => "eaddrnotavail",
        libc::ENETDOWN => "enetdown",
        libc::ENETUNREACH => "enetunreach",
        libc::ENETRESET => "enetreset",
        libc::ECONNABORTED => "econnaborted",
        libc::ECONNRESET => "econnreset",
        libc::ENOBUFS => "enobufs",
        libc::EISCONN => "eisconn",
        libc::ENOTCONN => "enotconn",
        libc::ESHUTDOWN => "eshutdown",
        libc::ETOOMANYREFS => "etoomanyrefs",
        libc::ETIMEDOUT => "etimedout",
        libc::ECONNREFUSED => "econnrefused",
        libc::EHOSTDOWN => "ehostdown",
        libc::EHOSTUNREACH => "ehostunreach",
        libc::EALREADY => "ealready",
        libc::EINPROGRESS => "einprogress",
        libc::ESTALE => "estale",
        libc::EUCLEAN => "euclean",
        libc::ENOTNAM => "enotnam",
        libc::ENAVAIL => "enavail",
        libc::EISNAM => "eisnam",
        libc::EREMOTEIO => "eremoteio",
        libc::EDQUOT => "edquot",
        libc::ENOMEDIUM => "enomedium",
        libc::EMEDIUMTYPE => "emediumtype",
        libc::ECANCELED => "ecanceled",
        libc::ENOKEY => "enokey",
        libc::EKEYEXPIRED => "ekeyexpired",
        libc::EKEYREVOKED => "ekeyrevoked",
        libc::EKEYREJECTED => "ekeyrejected",
        libc::EOWNERDEAD => "eownerdead",
        libc::ENOTRECOVERABLE => "enotrecoverable",
        libc::ERFKILL => "erfkill",
        libc::EHWPOISON => "ehwpoison",
        // Names that are other numbers on some architectures only.
        e if e == libc::EWOULDBLOCK => "ewouldblock",
        e if e == libc::EDEADLOCK => "edeadlock",
        e if e == libc::ENOTSUP => "enotsup",
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
            Error::TryAgain,
            Error::NoRecovery,
            Error::Posix(libc::EADDRINUSE),
            Error::Posix(libc::ENOSPC),
            Error::TimeoutRest(Bytes::from_static(b"rest")),
            Error::Io(Arc::new(io::Error::other("a TLS alert"))),
        ] {
            let io: io::Error = e.clone().into();
            assert_eq!(Error::from(io), e);
        }
    }

    #[test]
    fn every_linux_errno_has_its_erlang_name() {
        // Linux numbers its errnos 1..=133, leaving 41 and 58 unused.
        let mut seen = std::collections::HashSet::new();
        for errno in (1..=133).filter(|e| ![41, 58].contains(e)) {
            let name = posix_name(errno);
            assert_ne!(name, "unknown", "errno {errno}");
            assert!(name.starts_with('e'), "errno {errno}: {name}");
            assert!(seen.insert(name), "errno {errno}: {name} twice");
        }
        for (errno, name) in [
            (libc::ENOSPC, "enospc"),
            (libc::EDEADLK, "edeadlk"),
            (libc::EOPNOTSUPP, "enotsup"),
            (libc::ECANCELED, "ecanceled"),
            (libc::EHWPOISON, "ehwpoison"),
            (libc::EISNAM, "eisnam"),
        ] {
            assert_eq!(Error::Posix(errno).to_string(), name);
        }
        assert_eq!(posix_name(0), "unknown");
        assert_eq!(posix_name(-1), "unknown");
    }

    #[test]
    fn an_io_error_keeps_its_reason() {
        use io::ErrorKind as K;
        for (kind, want) in [
            (K::NotFound, Error::Posix(libc::ENOENT)),
            (K::PermissionDenied, Error::Posix(libc::EACCES)),
            (K::ConnectionRefused, Error::Posix(libc::ECONNREFUSED)),
            (K::AddrInUse, Error::Posix(libc::EADDRINUSE)),
            (K::BrokenPipe, Error::Posix(libc::EPIPE)),
            (K::WouldBlock, Error::Posix(libc::EAGAIN)),
            (K::NotConnected, Error::Posix(libc::ENOTCONN)),
            (K::OutOfMemory, Error::Posix(libc::ENOMEM)),
            (K::TimedOut, Error::Timeout),
            (K::InvalidInput, Error::Einval),
            (K::UnexpectedEof, Error::Closed),
        ] {
            assert_eq!(Error::from(io::Error::from(kind)), want, "{kind:?}");
        }
        // No errno and no gen_tcp reason: kept whole, message and all.
        let e = Error::from(io::Error::new(K::InvalidData, "bad frame"));
        assert!(matches!(&e, Error::Io(inner) if inner.kind() == K::InvalidData));
        assert_eq!(e.to_string(), "bad frame");
        assert_eq!(e.reason(), "io");
        let back = io::Error::from(e);
        assert_eq!(
            (back.kind(), back.to_string()),
            (K::InvalidData, "bad frame".into())
        );
        assert!(matches!(
            Error::from(io::Error::from(K::WriteZero)),
            Error::Io(_)
        ));
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
