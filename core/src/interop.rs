//! Handing a socket back to std: [`Socket::into_std`] and
//! [`Socket::into_std_parts`], the std types they give ([`StdSocket`]),
//! and the error that gives the socket back ([`IntoStdError`]).
//!
//! The other way, a std socket into gen_tcp, picks a backend, so it is
//! the front crate's (`gen_tcp::from_std`); underneath it is
//! [`crate::open::adopt_whole`].
//!
//! What gives a descriptor away and what stays behind:
//!
//! - the new owner gets a descriptor of its own for the socket (a new
//!   number, close-on-exec, in blocking mode as std makes its sockets),
//!   with its connection, its kernel options and whatever the kernel
//!   holds for it, untouched: no `shutdown`, no reset;
//! - the gen_tcp socket is closed for every other handle (`closed`, as
//!   after `close`), its owner gets no message, it leaves its event loop
//!   and the list of live sockets;
//! - what gen_tcp itself holds is never lost: output the `inet` backend
//!   has queued is written first (as `close` writes it); bytes received
//!   and not delivered make `into_std` refuse (`ebusy`), and
//!   `into_std_parts` hands them over;
//! - a call waiting on the socket in another thread (`recv`, `send`,
//!   `accept`) makes it refuse (`ebusy`): that thread would go on reading
//!   or writing the new owner's socket, and only ending the connection
//!   could wake it.
//!
//! Refused, the socket is unchanged and comes back in the error.

use crate::error::{Error, Result};
use crate::observe::trace;
use crate::port::ReadAhead;
use crate::socket::Socket;
use bytes::Bytes;
use std::fmt;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixListener, UnixStream};

use sealed::Kind;

mod sealed {
    use std::os::fd::OwnedFd;

    /// What a socket is, as far as the std types care.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Kind {
        pub listening: bool,
        pub local: bool,
    }

    /// The std types a socket's descriptor can become; only these.
    pub trait Sealed: Sized {
        /// True if a socket of this kind can be one.
        fn fits(kind: Kind) -> bool;
        /// Wraps the descriptor (already checked with `fits`).
        fn wrap(fd: OwnedFd) -> Self;
    }
}

/// A std type a gen_tcp socket's descriptor can become
/// ([`Socket::into_std`]):
///
/// | type | takes |
/// |---|---|
/// | [`std::net::TcpStream`] | a TCP connection |
/// | [`std::net::TcpListener`] | a TCP listen socket |
/// | [`std::os::unix::net::UnixStream`] | a `local` (unix) connection |
/// | [`std::os::unix::net::UnixListener`] | a `local` listen socket |
/// | [`std::os::fd::OwnedFd`] | any of them |
///
/// Asking for a type that does not fit the socket is `einval`, and the
/// socket is unchanged.
///
/// ```
/// use gen_tcp_core::{interop::IntoStdError, Socket};
/// use std::os::unix::net::UnixStream;
///
/// // A `local` connection goes back to std as a `UnixStream`.
/// fn to_std(s: Socket) -> Result<UnixStream, IntoStdError> {
///     s.into_std()
/// }
/// ```
pub trait StdSocket: sealed::Sealed {}

macro_rules! std_socket {
    ($($t:ty => |$k:ident| $fits:expr),* $(,)?) => {$(
        impl sealed::Sealed for $t {
            fn fits($k: Kind) -> bool {
                $fits
            }
            fn wrap(fd: OwnedFd) -> Self {
                <$t>::from(fd)
            }
        }
        impl StdSocket for $t {}

        /// [`Socket::into_std`], as a conversion.
        impl TryFrom<Socket> for $t {
            type Error = IntoStdError;
            fn try_from(s: Socket) -> Result<$t, IntoStdError> {
                s.into_std()
            }
        }
    )*};
}

std_socket! {
    TcpStream => |k| !k.listening && !k.local,
    TcpListener => |k| k.listening && !k.local,
    UnixStream => |k| !k.listening && k.local,
    UnixListener => |k| k.listening && k.local,
    OwnedFd => |_k| true,
}

impl Socket {
    /// Gives the socket's descriptor to std, as `T` (a
    /// [`TcpStream`], a
    /// [`TcpListener`], their unix counterparts,
    /// or an [`OwnedFd`]: [`StdSocket`]), leaving the gen_tcp socket
    /// closed for every handle and the connection as it is, as tokio's
    /// `TcpStream::into_std` does.
    ///
    /// - The descriptor has a new number, and is in blocking mode, as
    ///   std's own sockets are (call `set_nonblocking(true)` before
    ///   giving it to tokio's `from_std`). Kernel options set through
    ///   gen_tcp (`nodelay`, buffer sizes, `keepalive`, ...) stay; the
    ///   gen_tcp ones (`active`, `packet`, `mode`, ...) mean nothing to
    ///   std.
    /// - Every other handle sees the socket closed (`closed`, as after
    ///   [`close`](Socket::close)); the owner gets no message, and its end
    ///   ends nothing now. Messages an active socket delivered before stay
    ///   in the owner's mailbox: they come before what std reads next. Any
    ///   handle may give the socket away, as any may close it.
    /// - On `inet`, output still queued is written first (the caller
    ///   waits for the peer to take it, as in `close`, up to
    ///   `send_timeout`: then `timeout`). On `socket` nothing is ever
    ///   queued.
    ///
    /// Refused, with the socket unchanged in the error
    /// ([`IntoStdError::into_socket`]): `closed` once closed; `einval`
    /// when `T` does not fit the socket (a listen socket as a
    /// `TcpStream`, a `local` one as a `TcpListener`...); `ebusy` while
    /// gen_tcp holds bytes received and not delivered (a partial packet,
    /// the rest of a read: [`into_std_parts`](Socket::into_std_parts)
    /// hands them over), or while another thread waits in a `recv`,
    /// `send` or `accept` on the socket; `timeout` as above.
    ///
    /// Also [`TryFrom<Socket>`] for each `T`. A `gen_tcp::Socket` is a
    /// handle, and its clones are the same socket (Erlang's semantics,
    /// not `TcpStream::try_clone`'s duplicate descriptor): giving one
    /// away gives the socket away for all of them.
    ///
    /// ```
    /// use gen_tcp_core::Socket;
    /// use std::io::Write;
    ///
    /// // A connection gen_tcp has set up, finished with plain std I/O.
    /// fn finish_with_std(s: Socket) -> std::io::Result<()> {
    ///     let mut stream: std::net::TcpStream = s.into_std()?;
    ///     stream.write_all(b"bye")
    /// }
    /// ```
    ///
    /// The `gen_tcp` crate's `from_std` and its guide page "std and fd
    /// interop" run both ways on both backends.
    pub fn into_std<T: StdSocket>(self) -> Result<T, IntoStdError> {
        self.detach_into(ReadAhead::Refuse).map(|(io, _)| io)
    }

    /// [`into_std`](Socket::into_std), with the bytes gen_tcp has
    /// received and not delivered yet (a partial packet, what a
    /// `recv(S, N)` read past its `N` bytes, the rest of a packet `Read`
    /// handed out in part), which come before anything the descriptor
    /// gives next: as hyper's `Upgraded` gives its `read_buf`.
    ///
    /// ```
    /// use gen_tcp_core::Socket;
    /// use std::io::Read;
    ///
    /// // The rest of the stream, as std reads it, with nothing lost.
    /// fn rest_of_stream(s: Socket) -> std::io::Result<Vec<u8>> {
    ///     let (mut stream, buffered): (std::net::TcpStream, _) = s.into_std_parts()?;
    ///     let mut rest = buffered.to_vec();
    ///     stream.read_to_end(&mut rest)?;
    ///     Ok(rest)
    /// }
    /// ```
    pub fn into_std_parts<T: StdSocket>(self) -> Result<(T, Bytes), IntoStdError> {
        self.detach_into(ReadAhead::HandOver)
    }

    fn detach_into<T: StdSocket>(self, read_ahead: ReadAhead) -> Result<(T, Bytes), IntoStdError> {
        let detached = self.kind().and_then(|kind| {
            if !T::fits(kind) {
                Err(Error::Einval)
            } else if self.watch().is_accepting() {
                // A process waits in `accept`: the connection it waits
                // for would be the new owner's.
                Err(Error::Posix(libc::EBUSY))
            } else {
                self.port.detach(read_ahead)
            }
        });
        if self.tracing() {
            let buffered = detached.as_ref().map(|(_, buffered)| buffered.len());
            let shown = buffered.as_ref().map_err(|e| *e);
            trace::call(&self, format_args!("into_std({self:?})"), shown);
        }
        match detached {
            Ok((fd, buffered)) => {
                self.watch().unregister();
                Ok((T::wrap(fd), buffered))
            }
            Err(reason) => Err(IntoStdError {
                reason,
                socket: self,
            }),
        }
    }

    /// Listening or not, `local` or not (asked of the kernel).
    fn kind(&self) -> Result<Kind> {
        if self.is_closed() {
            return Err(Error::Closed);
        }
        let s = socket2::SockRef::from(self);
        let kind = s.is_listener().and_then(|listening| {
            let local = s.domain()? == socket2::Domain::UNIX;
            Ok(Kind { listening, local })
        });
        // Closed meanwhile: its number names the placeholder, no socket.
        kind.map_err(|e| match self.is_closed() {
            true => Error::Closed,
            false => e.into(),
        })
    }
}

/// Why [`Socket::into_std`] refused, with the socket, unchanged: to use
/// it on, or to try again (as `BufWriter::into_inner`'s error gives the
/// writer back). It converts into the [`Error`] (and so into an
/// [`io::Error`]), for `?`.
///
/// ```
/// use gen_tcp_core::{interop::IntoStdError, Error, Socket};
///
/// // Gives the socket to std, or keeps it if a call is waiting on it.
/// fn hand_over(s: Socket) -> Result<std::net::TcpStream, Socket> {
///     s.into_std().map_err(|e: IntoStdError| {
///         assert_eq!(e.reason(), &Error::Posix(libc::EBUSY));
///         e.into_socket()
///     })
/// }
/// ```
pub struct IntoStdError {
    reason: Error,
    socket: Socket,
}

impl IntoStdError {
    /// Why: `closed`, `einval`, `ebusy` or `timeout` (see
    /// [`Socket::into_std`]).
    pub fn reason(&self) -> &Error {
        &self.reason
    }

    /// The socket, as it was.
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// Takes the socket back.
    pub fn into_socket(self) -> Socket {
        self.socket
    }
}

impl fmt::Debug for IntoStdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoStdError")
            .field("reason", &self.reason)
            .field("socket", &self.socket)
            .finish()
    }
}

/// The reason, as Erlang names it (`ebusy`).
impl fmt::Display for IntoStdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.reason, f)
    }
}

impl std::error::Error for IntoStdError {}

impl From<IntoStdError> for Error {
    fn from(e: IntoStdError) -> Error {
        e.reason
    }
}

impl From<IntoStdError> for io::Error {
    fn from(e: IntoStdError) -> io::Error {
        e.reason.into()
    }
}
