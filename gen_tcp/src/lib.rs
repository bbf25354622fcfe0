//! Erlang's `gen_tcp` in Rust, with both of OTP's backends.
//!
//! The API is gen_tcp's: [`listen`], [`accept`], [`connect`], [`send`],
//! [`recv`], [`close`], [`shutdown`], [`controlling_process`], and the
//! `inet` helpers [`setopts`], [`getopts`], [`port`], [`peername`],
//! [`sockname`], [`getstat`]. Options are [`Opt`] values, one per
//! gen_tcp option; errors are [`Error`]s named as Erlang names them
//! (`closed`, `timeout`, `econnrefused`, ...). Every function is also a
//! method of [`Socket`]: `gen_tcp::send(&s, b"x")` is `s.send(b"x")`.
//!
//! ```
//! use gen_tcp::{Active, InetBackend, Opt};
//! use std::time::Duration;
//! const WAIT: Option<Duration> = Some(Duration::from_secs(5));
//!
//! let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::False)])?;
//! let port = gen_tcp::port(&l)?;
//! let c = gen_tcp::connect("127.0.0.1", port, &[Opt::InetBackend(InetBackend::Socket), Opt::Binary], WAIT)?;
//! let s = gen_tcp::accept(&l, WAIT)?;
//! gen_tcp::send(&c, "hello")?;
//! assert_eq!(gen_tcp::recv(&s, 5, WAIT)?, b"hello");
//! gen_tcp::close(&c)?;
//! assert_eq!(gen_tcp::recv(&s, 0, WAIT), Err(gen_tcp::Error::Closed));
//! # Ok::<(), gen_tcp::Error>(())
//! ```
//!
//! # Two backends
//!
//! Each socket runs on the backend chosen by `{inet_backend, inet |
//! socket}` as its first option ([`Opt::InetBackend`]), else on the
//! process-wide default ([`set_default_backend`], or the
//! `GEN_TCP_INET_BACKEND` environment variable), else `inet`, as in OTP:
//!
//! - `inet` (OTP's `inet_drv`): an event loop owns readiness; `send`
//!   queues what the kernel will not take and returns; `shutdown(write)`
//!   waits for the queue; a background write that meets a reset is
//!   reported by the next call.
//! - `socket` (OTP's `gen_tcp_socket`): direct system calls in the
//!   caller's thread; `send` blocks until done or `send_timeout`, which
//!   returns `{timeout, RestData}` ([`Error::TimeoutRest`]).
//!
//! [`guide::choosing_a_backend`] says when to pick which.
//!
//! # Processes
//!
//! Erlang's sockets belong to processes; here a process is a thread with a
//! mailbox ([`process`]). The thread that opens or accepts a socket
//! controls it: an active socket sends it [`Message`]s, and the socket is
//! closed when that thread ends, unless it was handed over with
//! [`controlling_process`]. [`guide::life_of_a_socket`] compares this with
//! `std::net` and tokio.
//!
//! A process may read its mailbox as a [`crossbeam_channel::Receiver`]
//! ([`mailbox_channel`]), to `select!` over its sockets' messages, timers
//! and channels of its own ([`guide::processes`]).
//!
//! # Observing sockets
//!
//! [`sockets`] lists every live socket with its backend, owner, state,
//! addresses, options and counters, and prints as OTP's `inet:i()`
//! ([`inet::i`]); [`driver_stats`] adds an event loop's own figures.
//! `{debug, true}` ([`Opt::Debug`]) traces every call on a socket through
//! the [`log`](https://docs.rs/log) facade (target `gen_tcp`, level
//! `debug`), or as `tracing` events with the `tracing` feature.
//! [`guide::observing_sockets`] shows them at work.
//!
//! # std and file descriptors
//!
//! [`from_std`] takes a socket std (or socket2, or anything that owns a
//! descriptor) made, listening or connected, with a connection in
//! flight; [`Socket::into_std`] gives a socket's descriptor back to std
//! as a `TcpStream`, `TcpListener`, `UnixStream`, `UnixListener` or
//! `OwnedFd`, nothing lost and the connection untouched, as tokio's
//! `from_std` and `into_std` do. [`guide::std_and_fd_interop`] compares
//! them with std and tokio.
//!
//! # Timeouts
//!
//! A timeout is an `Option<Duration>`: `None` is Erlang's `infinity`.
//!
//! # Platform
//!
//! Linux only (it does not build elsewhere): the backends use Linux
//! system calls and socket options (`accept4`, `SO_BINDTODEVICE`,
//! `setns`, abstract `local` addresses).
//!
//! # Guide
//!
//! [`guide`]: the life of a socket compared with `std::net` and tokio,
//! choosing a backend, the process model (with `select!`), porting an
//! Erlang module line by line, observing sockets, and moving sockets
//! between gen_tcp, std and tokio.
#![deny(missing_docs)]

#[cfg(not(target_os = "linux"))]
compile_error!(
    "gen_tcp supports Linux only: its backends use Linux system calls and socket options \
     (accept4, SO_BINDTODEVICE, setns, abstract unix addresses)"
);

pub mod guide;

use gen_tcp_backend_inet as inet_backend;
use gen_tcp_backend_socket as socket_backend;
use gen_tcp_core::observe::trace;
use gen_tcp_core::open::{self as opening, Adopted};
use gen_tcp_core::CreateOpts;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

pub use gen_tcp_core::{
    default_backend, set_default_backend, Address, Data, Family, InetBackend, IoData, Pid,
    Shutdown, SockAddr, Stat, BACKEND_ENV,
};

/// The result of a gen_tcp call: `Ok` or an [`Error`], Erlang's
/// `{ok, Value} | {error, Reason}`.
///
/// ```
/// fn local_port() -> gen_tcp::Result<u16> {
///     let l = gen_tcp::listen(0, &[])?;
///     gen_tcp::port(&l)
/// }
/// assert!(local_port()? > 0);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Result;

/// A socket's identity: the `N` of `#Port<0.N>`.
///
/// ```
/// use std::collections::HashMap;
/// let a = gen_tcp::listen(0, &[])?;
/// let b = gen_tcp::listen(0, &[])?;
/// let names = HashMap::from([(a.id(), "a"), (b.id(), "b")]);
/// assert_eq!(names[&a.clone().id()], "a"); // every handle has the socket's id
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::SocketId;

/// `{active, _}`: how a socket delivers what it receives.
///
/// ```
/// use gen_tcp::{Active, Opt, OptName};
/// let l = gen_tcp::listen(0, &[Opt::Active(Active::Once)])?;
/// assert_eq!(gen_tcp::getopts(&l, &[OptName::Active])?, [Opt::Active(Active::Once)]);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Active;

/// `{mode, list | binary}` (also the options `list` and `binary`).
///
/// ```
/// use gen_tcp::{Mode, Opt, OptName};
/// let l = gen_tcp::listen(0, &[Opt::Mode(Mode::Binary)])?;
/// assert_eq!(gen_tcp::getopts(&l, &[OptName::Mode])?, [Opt::Mode(Mode::Binary)]);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Mode;

/// `{deliver, port | term}`.
///
/// ```
/// use gen_tcp::{Deliver, Opt, OptName};
/// let l = gen_tcp::listen(0, &[Opt::Deliver(Deliver::Port)])?;
/// assert_eq!(gen_tcp::getopts(&l, &[OptName::Deliver])?, [Opt::Deliver(Deliver::Port)]);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Deliver;

/// `{ifaddr, _}`: the local address to bind.
///
/// ```
/// use gen_tcp::{Ifaddr, Opt};
/// let l = gen_tcp::listen(0, &[Opt::Ifaddr(Ifaddr::Ip([127, 0, 0, 1].into()))])?;
/// assert_eq!(gen_tcp::sockname(&l)?.to_string(), format!("127.0.0.1:{}", gen_tcp::port(&l)?));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Ifaddr;

/// An option's name, as `getopts` takes it.
///
/// ```
/// use gen_tcp::{Opt, OptName};
/// let l = gen_tcp::listen(0, &[Opt::Nodelay(true)])?;
/// assert_eq!(gen_tcp::getopts(&l, &[OptName::Nodelay])?, [Opt::Nodelay(true)]);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::OptName;

/// `{packet, _}`: how the byte stream is cut into packets.
///
/// ```
/// use gen_tcp::{Active, Opt, PacketType};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let opts = [Opt::Packet(PacketType::Line), Opt::Active(Active::False)];
/// let l = gen_tcp::listen(0, &opts)?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &opts, WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "one\ntwo\n")?;
/// assert_eq!(gen_tcp::recv(&s, 0, WAIT)?, b"one\n"); // a line at a time
/// assert_eq!(gen_tcp::recv(&s, 0, WAIT)?, b"two\n");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::PacketType;

/// What `{packet, http}` delivers: a request or status line, a header, or
/// the end of the headers.
///
/// ```
/// use gen_tcp::{Active, Data, HttpPacket, Opt, PacketType};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Packet(PacketType::HttpBin), Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")?;
/// let Data::Http(HttpPacket::Request { version, .. }) = gen_tcp::recv(&s, 0, WAIT)? else { panic!() };
/// assert_eq!(version, (1, 1));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::HttpPacket;

/// The byte buffer of [`Data::Binary`] and [`Error::TimeoutRest`], from
/// the `bytes` crate: cheap to clone and to slice.
///
/// ```
/// let rest = gen_tcp::Error::TimeoutRest(gen_tcp::Bytes::from_static(b"unsent"));
/// assert_eq!(rest.to_string(), "{timeout, <<6 bytes>>}");
/// ```
pub use bytes::Bytes;

/// A gen_tcp option, one variant per option of the reference page; a
/// list of them is what `listen`, `connect` and `setopts` take.
///
/// ```
/// use gen_tcp::{Active, Opt, OptName, PacketType};
/// use std::time::Duration;
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Packet(PacketType::Line), Opt::Active(Active::False)])?;
/// gen_tcp::setopts(&l, &[Opt::SendTimeout(Some(Duration::from_secs(1)))])?;
/// assert_eq!(
///     gen_tcp::getopts(&l, &[OptName::Packet, OptName::SendTimeout])?,
///     [Opt::Packet(PacketType::Line), Opt::SendTimeout(Some(Duration::from_secs(1)))],
/// );
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Opt;

/// A socket: a listen socket or a connection, on either backend.
///
/// ```
/// use gen_tcp::{Active, InetBackend, Opt};
/// use std::time::Duration;
/// const WAIT: Option<Duration> = Some(Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::InetBackend(InetBackend::Socket), Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = l.accept(WAIT)?;
/// assert_eq!((l.backend(), c.backend()), (InetBackend::Socket, InetBackend::Inet));
/// let same = s.clone(); // another handle to the same socket
/// assert_eq!(same, s);
/// c.send("abc")?;
/// assert_eq!(same.recv(3, WAIT)?, b"abc");
/// s.close()?; // closed for every handle
/// assert!(same.is_closed());
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Socket;

/// `{fd, Fd}`: a descriptor handed to [`listen`] or [`connect`] by its
/// owner. It can only be made from something that owns a descriptor (a
/// std socket, an [`OwnedFd`]), or through the
/// `unsafe` [`FromRawFd`](std::os::fd::FromRawFd); the first socket made
/// with it takes it for good, and another use answers `ebadf`.
///
/// ```
/// use gen_tcp::{Fd, Opt};
/// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let port = std_listener.local_addr()?.port();
/// let l = gen_tcp::listen(0, &[Opt::Fd(Fd::from(std_listener))])?;
/// assert_eq!(gen_tcp::port(&l)?, port);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use gen_tcp_core::Fd;

/// A std type a socket's descriptor can become with
/// [`Socket::into_std`]: `TcpStream`, `TcpListener`, `UnixStream`,
/// `UnixListener` or `OwnedFd`, each for the sockets it fits (`einval`
/// otherwise, the socket unchanged).
///
/// ```
/// use gen_tcp::{Address, Error, Opt};
/// use std::os::unix::net::{UnixListener, UnixStream};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let dir = std::env::temp_dir().join(format!("gen_tcp_std_socket_{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("sock");
/// # let _ = std::fs::remove_file(&path);
/// let l = gen_tcp::listen(0, &[Opt::Ifaddr(gen_tcp::Ifaddr::Local(path.clone()))])?;
/// let c = gen_tcp::connect(Address::local(&path), 0, &[Opt::Local], WAIT)?;
///
/// // A unix connection is no `TcpStream`: refused, and the socket is kept.
/// let refused = c.into_std::<std::net::TcpStream>().unwrap_err();
/// assert_eq!(refused.reason(), &Error::Einval);
/// let c = refused.into_socket();
/// let c: UnixStream = c.into_std()?;
/// let l: UnixListener = l.into_std()?;
/// assert_eq!(l.accept()?.0.peer_addr()?.as_pathname(), None);
/// # drop((c, l)); std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use gen_tcp_core::StdSocket;

/// Why [`Socket::into_std`] refused, with the socket back, unchanged.
/// It converts into an [`Error`] or an [`std::io::Error`] for `?`.
///
/// ```
/// use gen_tcp::{Active, Error, InetBackend, Opt};
/// use std::io::Read;
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// for backend in [InetBackend::Inet, InetBackend::Socket] {
///     let opts = [Opt::InetBackend(backend), Opt::Binary, Opt::Active(Active::False)];
///     let l = gen_tcp::listen(0, &opts)?;
///     let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &opts, WAIT)?;
///     let s = gen_tcp::accept(&l, WAIT)?;
///     gen_tcp::send(&c, "hello world")?;
///     assert_eq!(gen_tcp::recv(&s, 5, WAIT)?, b"hello");
///     gen_tcp::close(&c)?;
///
///     // What `recv` read past its 5 bytes is gen_tcp's: into_std would
///     // lose it, so it refuses and gives the socket back...
///     let refused = s.into_std::<std::net::TcpStream>().unwrap_err();
///     assert_eq!(refused.reason(), &Error::Posix(libc::EBUSY));
///     // ...and into_std_parts hands it over, before what the stream reads.
///     let (mut stream, buffered) = refused.into_socket().into_std_parts::<std::net::TcpStream>()?;
///     let mut rest = buffered.to_vec();
///     stream.read_to_end(&mut rest)?;
///     assert_eq!(rest, b" world");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use gen_tcp_core::IntoStdError;

/// One typed method pair per option on a [`Socket`]: `s.nodelay()?` reads
/// `{nodelay, _}` (`None` where the backend leaves it out of `getopts`),
/// `s.set_nodelay(true)?` is `inet:setopts(S, [{nodelay, true}])`.
///
/// ```
/// use gen_tcp::TypedOpts;
/// let l = gen_tcp::listen(0, &[])?;
/// l.set_reuseaddr(true)?;
/// assert_eq!(l.reuseaddr()?, Some(true));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::TypedOpts;

/// Why a call failed, with Erlang's name for it. It converts to and from
/// [`std::io::Error`], so `?` works in functions returning either.
///
/// ```
/// use gen_tcp::{Error, Opt};
/// use std::time::Duration;
/// // Nobody listens on the port of a socket that is closed.
/// let l = gen_tcp::listen(0, &[])?;
/// let port = gen_tcp::port(&l)?;
/// gen_tcp::close(&l)?;
/// let e = gen_tcp::connect("127.0.0.1", port, &[], Some(Duration::from_secs(5))).unwrap_err();
/// assert_eq!(e.to_string(), "econnrefused");
/// assert_eq!(std::io::Error::from(e).kind(), std::io::ErrorKind::ConnectionRefused);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Error;

/// A message from an active socket (or from another process).
///
/// ```
/// use gen_tcp::{Active, Message, Opt};
/// use std::time::Duration;
/// const WAIT: Option<Duration> = Some(Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::Once)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "ping")?;
/// match gen_tcp::receive(WAIT) {
///     Some(Message::Tcp(from, data)) => {
///         assert_eq!(from, s);
///         assert_eq!(data, b"ping");
///     }
///     other => panic!("expected {{tcp, S, <<\"ping\">>}}, got {other:?}"),
/// }
/// // {active, once}: passive again until the next setopts.
/// gen_tcp::close(&c)?;
/// gen_tcp::setopts(&s, &[Opt::Active(Active::Once)])?;
/// assert!(matches!(gen_tcp::receive(WAIT), Some(Message::TcpClosed(from)) if from == s));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Message;

/// Processes and mailboxes: threads that own sockets and receive their
/// messages, as Erlang processes do. See [`guide::processes`].
pub mod process {
    pub use gen_tcp_core::process::{
        mailbox_len, receive, receive_match, self_pid, spawn, spawn_with_handle, Message, Pid,
    };

    /// ```
    /// use gen_tcp::crossbeam_channel::{select, tick};
    /// use gen_tcp::{Active, Message, Opt};
    /// use std::time::Duration;
    /// const WAIT: Option<Duration> = Some(Duration::from_secs(5));
    ///
    /// let mailbox = gen_tcp::mailbox_channel(); // from now on, messages come here
    /// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::Once)])?;
    /// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
    /// let s = gen_tcp::accept(&l, WAIT)?;
    /// gen_tcp::send(&c, "ping")?;
    /// let ticks = tick(Duration::from_millis(10));
    /// loop {
    ///     select! {
    ///         recv(mailbox) -> msg => match msg {
    ///             Ok(Message::Tcp(from, data)) => {
    ///                 assert_eq!((from, data.to_vec()), (s.clone(), b"ping".to_vec()));
    ///                 break;
    ///             }
    ///             other => panic!("{other:?}"),
    ///         },
    ///         recv(ticks) -> _ => {} // time passes; the server could do its rounds here
    ///     }
    /// }
    /// // `receive` reads the same channel.
    /// gen_tcp::close(&c)?;
    /// gen_tcp::setopts(&s, &[Opt::Active(Active::Once)])?;
    /// assert!(matches!(gen_tcp::receive_from(&s, WAIT), Some(Message::TcpClosed(_))));
    /// # Ok::<(), gen_tcp::Error>(())
    /// ```
    pub use gen_tcp_core::process::mailbox_channel;

    /// ```
    /// use gen_tcp::{Active, Message, Opt};
    /// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
    /// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::True)])?;
    /// let port = gen_tcp::port(&l)?;
    /// let c1 = gen_tcp::connect("127.0.0.1", port, &[], WAIT)?;
    /// let s1 = gen_tcp::accept(&l, WAIT)?;
    /// let c2 = gen_tcp::connect("127.0.0.1", port, &[], WAIT)?;
    /// let s2 = gen_tcp::accept(&l, WAIT)?;
    /// gen_tcp::send(&c1, "first")?;
    /// gen_tcp::send(&c2, "second")?;
    /// // Take s2's message first, whatever arrived first; s1's stays.
    /// assert!(matches!(gen_tcp::receive_from(&s2, WAIT), Some(Message::Tcp(_, d)) if d == b"second"));
    /// assert!(matches!(gen_tcp::receive_from(&s1, WAIT), Some(Message::Tcp(_, d)) if d == b"first"));
    /// # Ok::<(), gen_tcp::Error>(())
    /// ```
    pub use gen_tcp_core::process::receive_from;
}

pub use process::{
    mailbox_channel, receive, receive_from, receive_match, self_pid, spawn, spawn_with_handle,
};

/// The channels [`mailbox_channel`] hands out are this crate's, re-exported
/// so that `select!` and `tick` come from the same version.
///
/// ```
/// use gen_tcp::crossbeam_channel::{select, tick, unbounded};
/// use std::time::Duration;
/// let (tx, rx) = unbounded::<&str>();
/// tx.send("stop").unwrap();
/// let ticks = tick(Duration::from_millis(10));
/// select! {
///     recv(rx) -> cmd => assert_eq!(cmd, Ok("stop")),
///     recv(ticks) -> _ => unreachable!("the command was already waiting"),
/// }
/// ```
pub use crossbeam_channel;

/// The `{packet, Type}` option and what `{packet, http}` delivers.
pub mod packet {
    pub use gen_tcp_core::packet::{HttpPacket, PacketType};

    /// The parts of an [`HttpPacket`].
    pub mod http {
        pub use gen_tcp_core::packet::http::{
            HttpField, HttpHeader, HttpMethod, HttpScheme, HttpUri,
        };
    }
}

fn open_listen(port: u16, c: &CreateOpts) -> Result<Socket> {
    match c.backend {
        InetBackend::Inet => inet_backend::listen(port, c),
        InetBackend::Socket => socket_backend::listen(port, c),
    }
}

fn open_connect(addrs: &[SockAddr], c: &CreateOpts, timeout: Option<Duration>) -> Result<Socket> {
    match c.backend {
        InetBackend::Inet => inet_backend::connect(addrs, c, timeout),
        InetBackend::Socket => socket_backend::connect(addrs, c, timeout),
    }
}

/// `listen(Port, Options)`: a socket listening on `port` (0: the OS picks;
/// see [`port`]). The caller owns it.
///
/// ```
/// use gen_tcp::{Active, Opt};
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::False), Opt::Ip([127, 0, 0, 1].into())])?;
/// assert_ne!(gen_tcp::port(&l)?, 0);
/// // The same port again is taken.
/// let again = gen_tcp::listen(gen_tcp::port(&l)?, &[Opt::Ip([127, 0, 0, 1].into())]);
/// assert_eq!(again.unwrap_err().to_string(), "eaddrinuse");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn listen(port: u16, opts: &[Opt]) -> Result<Socket> {
    let s = open_listen(port, &CreateOpts::parse_listen(opts)?)?;
    trace::opened(&s, format_args!("gen_tcp:listen({port}, {opts:?})"));
    Ok(s)
}

/// `accept(ListenSocket, Timeout)`: the next connection, owned by the
/// caller. Many processes may wait on one listen socket at once; each
/// connection goes to one. `closed` when the listen socket is closed,
/// `timeout`, or `system_limit` when out of descriptors.
///
/// ```
/// use gen_tcp::{Error, Opt};
/// use std::time::Duration;
/// let l = gen_tcp::listen(0, &[])?;
/// assert_eq!(gen_tcp::accept(&l, Some(Duration::ZERO)), Err(Error::Timeout));
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], Some(Duration::from_secs(5)))?;
/// let s = gen_tcp::accept(&l, Some(Duration::from_secs(5)))?;
/// assert_eq!(gen_tcp::peername(&s)?, gen_tcp::sockname(&c)?);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn accept(listen_socket: &Socket, timeout: Option<Duration>) -> Result<Socket> {
    listen_socket.accept(timeout)
}

/// `connect(Address, Port, Options, Timeout)`: `address` is an IP
/// address, a host name, or [`Address::Local`] (with port 0). The caller
/// owns the socket.
///
/// `timeout` bounds the whole call: resolving a host name, then trying
/// each of its addresses in turn. A name that does not exist is
/// `nxdomain`; a resolver that cannot answer now is `try_again`.
///
/// ```
/// use gen_tcp::{Address, Opt};
/// use std::time::Duration;
/// const WAIT: Option<Duration> = Some(Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[])?;
/// let port = gen_tcp::port(&l)?;
/// let by_name = gen_tcp::connect("localhost", port, &[], WAIT)?;
/// let by_ip = gen_tcp::connect([127, 0, 0, 1], port, &[], WAIT)?;
/// # drop((by_name, by_ip));
///
/// // A unix socket: {local, Path} and port 0.
/// let dir = std::env::temp_dir().join(format!("gen_tcp_doc_{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("sock");
/// # let _ = std::fs::remove_file(&path);
/// let ul = gen_tcp::listen(0, &[Opt::Ifaddr(gen_tcp::Ifaddr::Local(path.clone()))])?;
/// let uc = gen_tcp::connect(Address::local(&path), 0, &[Opt::Local], WAIT)?;
/// assert_eq!(gen_tcp::port(&uc)?, 0);
/// # drop((ul, uc)); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn connect(
    address: impl Into<Address>,
    port: u16,
    opts: &[Opt],
    timeout: Option<Duration>,
) -> Result<Socket> {
    let c = CreateOpts::parse_connect(opts)?;
    let address = address.into();
    // A timeout past what the clock can count is no deadline at all.
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    let addrs = address.resolve_within(port, c.family, deadline)?;
    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    let s = open_connect(&addrs, &c, left)?;
    let (address, timeout) = (ErlangTerm(&address), ErlangTerm(&timeout));
    trace::opened(
        &s,
        format_args!("gen_tcp:connect({address}, {port}, {opts:?}, {timeout})"),
    );
    Ok(s)
}

/// `connect(SockAddr, Options, Timeout)`: connect to a full socket address
/// (for IPv6 link-local addresses, with their scope id).
///
/// ```
/// use std::net::SocketAddr;
/// use std::time::Duration;
/// let l = gen_tcp::listen(0, &[])?;
/// let to = SocketAddr::from(([127, 0, 0, 1], gen_tcp::port(&l)?));
/// let c = gen_tcp::connect_sockaddr(to, &[], Some(Duration::from_secs(5)))?;
/// assert_eq!(gen_tcp::peername(&c)?, to.into());
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn connect_sockaddr(
    addr: SocketAddr,
    opts: &[Opt],
    timeout: Option<Duration>,
) -> Result<Socket> {
    let c = CreateOpts::parse_connect(opts)?;
    let s = open_connect(&[SockAddr::Inet(addr)], &c, timeout)?;
    let timeout = ErlangTerm(&timeout);
    trace::opened(
        &s,
        format_args!("gen_tcp:connect({addr}, {opts:?}, {timeout})"),
    );
    Ok(s)
}

/// Adopts a socket made elsewhere: a std [`TcpStream`](std::net::TcpStream)
/// or [`TcpListener`](std::net::TcpListener), a `UnixStream` or
/// `UnixListener`, a socket2 socket, an [`OwnedFd`]: anything that owns
/// its descriptor (it is moved in). The model is tokio's
/// `TcpStream::from_std`; in Erlang terms, `connect` or `listen` with
/// `{fd, Fd}`.
///
/// The socket is taken as it is: listening (with its backlog and the
/// connections not accepted yet) or connected (with what the kernel
/// holds for it, bytes in flight included), and its kernel options. The
/// calling process owns it, as one it had opened. `opts` are `listen`'s
/// and `connect`'s: `{inet_backend, B}` first picks the backend (else
/// the process-wide [`default_backend`]), then any socket option; as in
/// OTP, the default is `{active, true}`, so pass
/// [`Active::False`](Active) to read it with `recv`. Options that make a
/// socket (`ip`, `port`, `ifaddr`, `backlog`, `fd`, a family, `netns`,
/// `tcp_module`) are `badarg`: this one exists.
///
/// Refused, the descriptor closed (it was given up with the call):
/// `enotsock` for a descriptor that is no socket (as OTP answers for
/// `{fd, Fd}`), `einval` for a socket other than a TCP or unix stream
/// (a `UdpSocket`), `enotconn` for a stream socket neither listening
/// nor connected, `badarg` as above.
///
/// A round trip, std to gen_tcp to std, with bytes in flight each time:
///
/// ```
/// use gen_tcp::{Active, InetBackend, Opt};
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
///
/// let std_listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(std_listener.local_addr()?)?;
/// let (accepted, _) = std_listener.accept()?;
/// client.write_all(b"sent while std owned it")?;
///
/// let opts = [Opt::InetBackend(InetBackend::Socket), Opt::Binary, Opt::Active(Active::False)];
/// let s = gen_tcp::from_std(accepted, &opts)?;
/// assert_eq!(gen_tcp::recv(&s, 23, WAIT)?, b"sent while std owned it");
/// gen_tcp::send(&s, "from gen_tcp, ")?;
///
/// let mut back: TcpStream = s.into_std()?; // the socket is std's again
/// back.write_all(b"then std")?;
/// drop(back);
/// let mut got = String::new();
/// client.read_to_string(&mut got)?;
/// assert_eq!(got, "from gen_tcp, then std");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A listener, on the default backend:
///
/// ```
/// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let port = std_listener.local_addr()?.port();
/// let l = gen_tcp::from_std(std_listener, &[])?;
/// assert_eq!((gen_tcp::port(&l)?, l.backend()), (port, gen_tcp::default_backend()));
///
/// let udp = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert_eq!(gen_tcp::from_std(udp, &[]).unwrap_err(), gen_tcp::Error::Einval);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_std(socket: impl Into<OwnedFd>, opts: &[Opt]) -> Result<Socket> {
    let (adopted, c) = opening::adopt_whole(socket.into(), opts)?;
    let s = adopt(adopted, &c)?;
    trace::opened(
        &s,
        format_args!("gen_tcp:from_std({}, {opts:?})", s.as_raw_fd()),
    );
    Ok(s)
}

fn adopt(adopted: Adopted, c: &CreateOpts) -> Result<Socket> {
    match c.backend {
        InetBackend::Inet => inet_backend::adopt(adopted, c),
        InetBackend::Socket => socket_backend::adopt(adopted, c),
    }
}

/// A call's argument as Erlang writes it, for `{debug, true}` traces:
/// made only when a trace is written.
struct ErlangTerm<'a, T>(&'a T);

impl std::fmt::Display for ErlangTerm<'_, Address> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Address::Ip(ip) => write!(f, "{ip}"),
            Address::Host(name) => write!(f, "{name:?}"),
            Address::Local(path) => write!(f, "{{local, {path:?}}}"),
        }
    }
}

impl std::fmt::Display for ErlangTerm<'_, Option<Duration>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(t) => write!(f, "{}", t.as_millis()),
            None => f.write_str("infinity"),
        }
    }
}

/// `send(Socket, Packet)`: any [`IoData`] (a slice, `Vec`, `Bytes`, `&str`,
/// or a list of them), framed by `{packet, _}`.
///
/// On `inet`, what the kernel will not take is queued and `send` returns;
/// on `socket`, `send` waits up to `send_timeout` and then answers
/// `{timeout, RestData}` with the bytes not sent.
///
/// ```
/// use gen_tcp::{Active, Opt, PacketType};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[Opt::Packet(PacketType::Two)], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// let parts: [&[u8]; 2] = [b"hel", b"lo"];
/// gen_tcp::send(&c, parts)?; // one {packet, 2} frame of 5 bytes
/// assert_eq!(gen_tcp::recv(&s, 7, WAIT)?, b"\x00\x05hello");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn send(socket: &Socket, packet: impl IoData) -> Result<()> {
    socket.send(packet)
}

/// `recv(Socket, Length, Timeout)` on a passive socket: `length` 0 gives
/// all available bytes (or one whole packet when `{packet, _}` frames),
/// N exactly N bytes or an error (raw mode only). `einval` on an active
/// socket; `closed` once the peer has closed and everything is read.
///
/// ```
/// use gen_tcp::{Active, Error, Opt};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "abcdef")?;
/// assert_eq!(gen_tcp::recv(&s, 2, WAIT)?, b"ab");
/// assert_eq!(gen_tcp::recv(&s, 4, WAIT)?, b"cdef");
/// assert_eq!(gen_tcp::recv(&s, 0, Some(std::time::Duration::ZERO)), Err(Error::Timeout));
/// gen_tcp::close(&c)?;
/// assert_eq!(gen_tcp::recv(&s, 0, WAIT), Err(Error::Closed));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn recv(socket: &Socket, length: usize, timeout: Option<Duration>) -> Result<Data> {
    socket.recv(length, timeout)
}

/// `close(Socket)`: closes the socket for every handle; later calls on it
/// answer `closed`. On `inet`, output still queued is written first (as
/// `prim_inet:close/1` does).
///
/// ```
/// use gen_tcp::{Active, Error, Opt};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::close(&c)?;
/// assert_eq!(gen_tcp::send(&c, "late"), Err(Error::Closed));
/// assert_eq!(gen_tcp::recv(&s, 0, WAIT), Err(Error::Closed)); // the peer sees the end
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn close(socket: &Socket) -> Result<()> {
    socket.close()
}

/// `shutdown(Socket, How)`: closes one direction or both. After
/// `shutdown(write)` the peer reads to the end and can still answer, if
/// it keeps its socket open past the end with `{exit_on_close, false}`
/// (by default, as in OTP, a socket that has read the end is closed).
///
/// ```
/// use gen_tcp::{Active, Error, Opt, Shutdown};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::False), Opt::ExitOnClose(false)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[Opt::Binary, Opt::Active(Active::False)], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "question")?;
/// gen_tcp::shutdown(&c, Shutdown::Write)?;
/// assert_eq!(gen_tcp::recv(&s, 0, WAIT)?, b"question");
/// assert_eq!(gen_tcp::recv(&s, 0, WAIT), Err(Error::Closed));
/// gen_tcp::send(&s, "answer")?;
/// assert_eq!(gen_tcp::recv(&c, 0, WAIT)?, b"answer");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn shutdown(socket: &Socket, how: Shutdown) -> Result<()> {
    socket.shutdown(how)
}

/// `controlling_process(Socket, Pid)`: hands the socket to another
/// process, which then gets its messages and whose end closes it. Only
/// the owner may call it (`not_owner`); in active mode the caller's
/// pending `{tcp, S, _}` and `{tcp_closed, S}` messages move to the new
/// owner, in order (`{tcp_error, S, _}` and `{tcp_passive, S}` stay, as
/// in OTP; see [`Socket::controlling_process`]).
///
/// ```
/// use gen_tcp::{Active, Message, Opt};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::True)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// let (worker, done) = gen_tcp::spawn_with_handle(|| match gen_tcp::receive(WAIT) {
///     Some(Message::Tcp(_, data)) => data.to_vec(),
///     other => panic!("{other:?}"),
/// });
/// gen_tcp::controlling_process(&s, worker)?;
/// assert_eq!(s.owner(), worker);
/// gen_tcp::send(&c, "for the worker")?;
/// assert_eq!(done.join().unwrap(), b"for the worker");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn controlling_process(socket: &Socket, pid: Pid) -> Result<()> {
    socket.controlling_process(pid)
}

/// `inet:setopts(Socket, Options)`.
///
/// ```
/// use gen_tcp::{Active, Opt, OptName};
/// let l = gen_tcp::listen(0, &[Opt::Active(Active::False)])?;
/// gen_tcp::setopts(&l, &[Opt::Active(Active::N(3)), Opt::Nodelay(true)])?;
/// assert_eq!(gen_tcp::getopts(&l, &[OptName::Active])?, [Opt::Active(Active::N(3))]);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn setopts(socket: &Socket, opts: &[Opt]) -> Result<()> {
    socket.setopts(opts)
}

/// `inet:getopts(Socket, Names)`: the options asked, in order.
///
/// ```
/// use gen_tcp::{Mode, Opt, OptName, PacketType};
/// let l = gen_tcp::listen(0, &[Opt::Binary])?;
/// assert_eq!(
///     gen_tcp::getopts(&l, &[OptName::Mode, OptName::Packet])?,
///     [Opt::Mode(Mode::Binary), Opt::Packet(PacketType::Raw)],
/// );
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn getopts(socket: &Socket, names: &[OptName]) -> Result<Vec<Opt>> {
    socket.getopts(names)
}

/// `inet:port(Socket)`: the local port (0 for `local` sockets).
///
/// ```
/// let l = gen_tcp::listen(0, &[])?;
/// assert_eq!(gen_tcp::port(&l)?, gen_tcp::sockname(&l)?.port());
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn port(socket: &Socket) -> Result<u16> {
    Ok(socket.sockname()?.port())
}

/// `inet:peername(Socket)`: the peer's address (`enotconn` on a listen
/// socket).
///
/// ```
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// assert_eq!(gen_tcp::peername(&c)?.to_string(), format!("127.0.0.1:{}", gen_tcp::port(&l)?));
/// assert_eq!(gen_tcp::peername(&l).unwrap_err().to_string(), "enotconn");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn peername(socket: &Socket) -> Result<SockAddr> {
    socket.peername()
}

/// `inet:sockname(Socket)`: the local address.
///
/// ```
/// use gen_tcp::{Opt, SockAddr};
/// let l = gen_tcp::listen(0, &[Opt::Ip([127, 0, 0, 1].into())])?;
/// let SockAddr::Inet(a) = gen_tcp::sockname(&l)? else { panic!("not an IP socket") };
/// assert_eq!(a.ip().to_string(), "127.0.0.1");
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn sockname(socket: &Socket) -> Result<SockAddr> {
    socket.sockname()
}

/// `inet:getstat(Socket, Stats)`; an empty list asks for all of them
/// (`inet:getstat/1`).
///
/// ```
/// use gen_tcp::{Active, Opt, Stat};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "12345")?;
/// gen_tcp::recv(&s, 5, WAIT)?;
/// assert_eq!(gen_tcp::getstat(&c, &[Stat::SendOct, Stat::SendCnt])?, [(Stat::SendOct, 5), (Stat::SendCnt, 1)]);
/// assert_eq!(gen_tcp::getstat(&s, &[])?.len(), Stat::ALL.len());
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn getstat(socket: &Socket, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
    socket.getstat(stats)
}

/// The `inet` module's helpers, under the names Erlang code uses:
/// `inet:setopts(S, Opts)` is `gen_tcp::inet::setopts(&s, &opts)`.
///
/// ```
/// use gen_tcp::inet;
/// let l = gen_tcp::listen(0, &[])?;
/// assert_eq!(inet::port(&l)?, inet::sockname(&l)?.port());
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub mod inet {
    pub use super::{getopts, getstat, peername, port, setopts, sockname};

    /// `inet:i()`: prints the table of every live socket on standard
    /// output ([`sockets`](crate::sockets) prints it too, and
    /// [`Sockets::table`](crate::Sockets::table) with other columns).
    ///
    /// ```
    /// let l = gen_tcp::listen(0, &[])?;
    /// gen_tcp::inet::i();
    /// // Port Module   Recv Sent Owner   Local Address Foreign Address State Type
    /// // 1    inet_tcp 0    0    <0.1.0> *:40123       *:*             LN:O  STREAM
    /// # Ok::<(), gen_tcp::Error>(())
    /// ```
    pub fn i() {
        print!("{}", crate::sockets());
    }
}

/// Every live socket of the program, with its backend, owner, state,
/// addresses, the options that shape what it delivers and its `getstat`
/// counters: a snapshot. It prints as OTP's `inet:i()` prints its table.
///
/// ```
/// use gen_tcp::{Active, InetBackend, Opt, Stat};
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[Opt::InetBackend(InetBackend::Socket), Opt::Active(Active::False)])?;
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// let s = gen_tcp::accept(&l, WAIT)?;
/// gen_tcp::send(&c, "hello")?;
/// gen_tcp::recv(&s, 5, WAIT)?;
///
/// let all = gen_tcp::sockets();
/// let server_side = all.get(s.id()).expect("a live socket is listed");
/// assert_eq!(server_side.backend, InetBackend::Socket);
/// assert_eq!(server_side.owner, gen_tcp::self_pid());
/// assert_eq!(server_side.status.to_string(), "CONNECTED(O)");
/// assert_eq!(server_side.stat(Stat::RecvOct), Some(5));
/// assert_eq!(all.get(l.id()).unwrap().status.to_string(), "LN:O");
/// print!("{all}");
/// // Port     Module         Recv Sent Owner   Local Address   Foreign Address State        Type
/// // esock[3] gen_tcp_socket 0    0    <0.1.0> *:41721         *:*             LN:O         STREAM
/// // 2        inet_tcp       0    5    <0.1.0> localhost:50262 localhost:41721 CONNECTED(O) STREAM
/// // esock[5] gen_tcp_socket 5    0    <0.1.0> localhost:41721 localhost:50262 CONNECTED(O) STREAM
///
/// drop((c, s));
/// assert!(gen_tcp::sockets().get(l.id()).is_some());
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub fn sockets() -> Sockets {
    gen_tcp_core::sockets()
}

/// The figures `backend`'s event loop reports about itself (sockets
/// registered, bytes queued, wake-ups), beyond what OTP shows; `None`
/// while the backend does not report them.
///
/// ```
/// use gen_tcp::InetBackend;
/// for backend in [InetBackend::Inet, InetBackend::Socket] {
///     match gen_tcp::driver_stats(backend) {
///         Some(figures) => println!("{} driver: {figures}", backend.name()),
///         None => println!("{} driver: no figures", backend.name()),
///     }
/// }
/// ```
pub fn driver_stats(backend: InetBackend) -> Option<DriverStats> {
    gen_tcp_core::driver_stats(backend)
}

/// One live socket as [`sockets`] found it.
///
/// ```
/// use gen_tcp::{Active, Opt, OptName};
/// let l = gen_tcp::listen(0, &[Opt::Active(Active::Once), Opt::Debug(false)])?;
/// let info = l.info(); // the same, for one socket
/// assert_eq!(info.id, l.id());
/// assert_eq!(info.option(OptName::Active), Some(&Opt::Active(Active::Once)));
/// assert_eq!(info.local, gen_tcp::sockname(&l));
/// assert_eq!(info.peer.as_ref().unwrap_err().to_string(), "enotconn");
/// assert_eq!(info.socket(), Some(l.clone()));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::SocketInfo;

/// The live sockets: a slice of [`SocketInfo`] that prints as `inet:i()`.
///
/// ```
/// use gen_tcp::Column;
/// let l = gen_tcp::listen(0, &[])?;
/// let table = gen_tcp::sockets().table(&[Column::Port, Column::Backend, Column::Active, Column::State]);
/// let mut lines = table.lines();
/// assert_eq!(lines.next().unwrap().split_whitespace().collect::<Vec<_>>(), ["Port", "Backend", "Active", "State"]);
/// assert!(lines.any(|line| line.starts_with(&format!("{} ", l.id().get()))));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Sockets;

/// A column of the table, as `inet:i(tcp, Fields)` names them.
///
/// ```
/// use gen_tcp::Column;
/// let _l = gen_tcp::listen(0, &[])?;
/// print!("{}", gen_tcp::sockets().table(&[Column::Port, Column::Packet, Column::Fd]));
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Column;

/// A socket's state flags (`prim_inet:getstatus/1`), printed as
/// `inet:i()`'s `State` column.
///
/// ```
/// use gen_tcp::Status;
/// # const WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(5));
/// let l = gen_tcp::listen(0, &[])?;
/// assert_eq!(l.status(), Status::LISTEN | Status::OPEN);
/// let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l)?, &[], WAIT)?;
/// assert_eq!(c.status().to_string(), "CONNECTED(O)");
/// gen_tcp::close(&c)?;
/// assert_eq!(c.status(), Status::CLOSED);
/// # Ok::<(), gen_tcp::Error>(())
/// ```
pub use gen_tcp_core::Status;

/// What an event loop reports about itself ([`driver_stats`]).
///
/// ```
/// let none = gen_tcp::DriverStats::default();
/// assert_eq!(none.registered, 0);
/// ```
pub use gen_tcp_core::DriverStats;
