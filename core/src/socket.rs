//! The socket handle users hold. What a backend implements behind it is in
//! [`crate::port`].

use crate::addr::SockAddr;
use crate::backend::InetBackend;
use crate::data::{Data, IoData};
use crate::error::{Error, Result};
use crate::observe::trace::{self, Size, Timeout};
use crate::observe::{SocketInfo, Status, Watch};
use crate::options::{Opt, OptName};
use crate::port::Port;
use crate::process::mailbox::{current, interruptible_call};
use crate::process::Pid;
use crate::stats::Stat;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How `shutdown` closes a socket: `read`, `write` or `read_write`.
///
/// ```
/// use gen_tcp_core::Shutdown;
/// assert_eq!(std::net::Shutdown::from(Shutdown::ReadWrite), std::net::Shutdown::Both);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shutdown {
    /// `read`: no more reading.
    Read,
    /// `write`: no more writing; the peer sees end of stream.
    Write,
    /// `read_write`: both.
    ReadWrite,
}

impl Shutdown {
    /// The `libc::SHUT_*` value.
    ///
    /// ```
    /// assert_eq!(gen_tcp_core::Shutdown::Write.how(), libc::SHUT_WR);
    /// ```
    pub fn how(self) -> i32 {
        match self {
            Shutdown::Read => libc::SHUT_RD,
            Shutdown::Write => libc::SHUT_WR,
            Shutdown::ReadWrite => libc::SHUT_RDWR,
        }
    }
}

/// A socket's identity, unique in the program for its lifetime: the `N`
/// of `#Port<0.N>`, usable as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(u64);

impl SocketId {
    /// A new, never-used id (backends reach it as `SocketIdExt::next`).
    pub(crate) fn fresh() -> SocketId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        SocketId(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl From<Shutdown> for std::net::Shutdown {
    fn from(how: Shutdown) -> std::net::Shutdown {
        match how {
            Shutdown::Read => std::net::Shutdown::Read,
            Shutdown::Write => std::net::Shutdown::Write,
            Shutdown::ReadWrite => std::net::Shutdown::Both,
        }
    }
}

/// A gen_tcp socket: a listen socket or a connection, on either backend.
///
/// A `Socket` is a handle, as an Erlang port term is: cheap to clone,
/// every clone is the same socket, and it is `Send + Sync`, so any thread
/// may use it. What ends the socket is not the handles but its life:
///
/// - [`close`](Socket::close) closes it at once, for every handle;
/// - it closes when its controlling process (the thread that opened or
///   accepted it, or the one it was given to with
///   [`controlling_process`](Socket::controlling_process)) ends;
/// - when the last handle is dropped, a passive socket is closed; an
///   active one lives on while the backend reads for it, since every
///   message it delivers carries a new handle.
///
/// Every operation is a method here and a function of the `gen_tcp`
/// crate (`gen_tcp::send(&s, ..)` is `s.send(..)`); errors are
/// [`Error`]s with Erlang's names. `std::io::Read` and `Write` work on
/// `Socket` and `&Socket`.
///
/// With `{debug, true}`, each call is traced through the `log` facade
/// ([`crate::observe::trace`]).
///
/// # Clones are the same socket
///
/// `clone` is how an Erlang program shares a port: every clone is the
/// same socket, with one buffer, one output queue, one owner, and a
/// `close` through any of them closes it for all. It is not
/// `TcpStream::try_clone`, which duplicates the descriptor: there, each
/// value owns a descriptor and the socket ends with the last of them.
/// Here there is no `try_clone`, as nothing can fail; a duplicate
/// descriptor for std is `socket.as_fd().try_clone_to_owned()`, which
/// reads and writes the kernel's socket behind gen_tcp's back (its
/// buffer, its queue, its active reading), and keeps the connection open
/// after gen_tcp closes its own descriptor. To leave gen_tcp for std
/// altogether, [`into_std`](Socket::into_std) gives the descriptor away
/// with nothing lost.
#[derive(Clone)]
pub struct Socket {
    pub(crate) port: Arc<dyn Port>,
}

/// Returns `$result` after tracing the call, when the socket traces; the
/// call's text is only made then (the cost otherwise is one relaxed load).
macro_rules! traced {
    ($socket:expr, $result:expr, $($call:tt)*) => {{
        let result = $result;
        if $socket.tracing() {
            trace::call($socket, format_args!($($call)*), result.as_ref());
        }
        result
    }};
}

impl Socket {
    /// The socket's id, unique for as long as the program runs.
    pub fn id(&self) -> SocketId {
        self.port.id()
    }

    /// The backend this socket runs on (`{inet_backend, _}`).
    pub fn backend(&self) -> InetBackend {
        self.port.backend()
    }

    /// The controlling process: the one active messages go to, whose end
    /// closes the socket.
    pub fn owner(&self) -> Pid {
        self.port.owner().pid()
    }

    /// True once the socket is closed: by [`close`](Socket::close), by its
    /// owner's end, or by a failure the backend has reported as closing it.
    pub fn is_closed(&self) -> bool {
        self.port.is_closed()
    }

    /// `accept(ListenSocket, Timeout)`: the next connection on this listen
    /// socket (`timeout` when none comes in time, `closed` when the listen
    /// socket is closed). The caller owns the new socket.
    pub fn accept(&self, timeout: Option<Duration>) -> Result<Socket> {
        let timeout = finite(timeout);
        let accepted = {
            let _accepting = self.watch().accepting();
            after_exit_signal(self.port.accept(timeout))
        };
        if let Ok(s) = &accepted {
            self.pass_debug_to(s);
        }
        traced!(self, accepted, "gen_tcp:accept({self:?}, {})", Timeout(timeout))
    }

    /// `send(Socket, Packet)`: any [`IoData`], framed by `{packet, _}`.
    pub fn send(&self, data: impl IoData) -> Result<()> {
        // Killed, an owner closes the socket, which ends its send; another
        // process's send waits watching a wake fd.
        let _interruptible = (!self.port.owner().is_caller()).then(interruptible_call);
        match data.single() {
            // One buffer: no list of slices to allocate.
            Some(one) => traced!(
                self,
                after_exit_signal(self.port.send(&[one])),
                "gen_tcp:send({self:?}, {})",
                Size(one.len())
            ),
            None => {
                let slices = data.slices();
                let size = || Size(slices.iter().map(|s| s.len()).sum());
                let sent = after_exit_signal(self.port.send(&slices));
                traced!(self, sent, "gen_tcp:send({self:?}, {})", size())
            }
        }
    }

    /// `recv(Socket, Length, Timeout)` on a passive socket.
    pub fn recv(&self, length: usize, timeout: Option<Duration>) -> Result<Data> {
        let timeout = finite(timeout);
        let got = if self.port.owner().is_caller() {
            // Killed, the caller closes the socket, which ends the call.
            after_exit_signal(self.port.recv(length, timeout))
        } else {
            let _interruptible = interruptible_call();
            after_exit_signal(self.port.recv(length, timeout))
        };
        traced!(self, got, "gen_tcp:recv({self:?}, {length}, {})", Timeout(timeout))
    }

    /// `close(Socket)`: closes the socket for every handle.
    pub fn close(&self) -> Result<()> {
        traced!(self, self.port.close(), "gen_tcp:close({self:?})")
    }

    /// `shutdown(Socket, How)`.
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        let how_name = match how {
            Shutdown::Read => "read",
            Shutdown::Write => "write",
            Shutdown::ReadWrite => "read_write",
        };
        traced!(self, self.port.shutdown(how), "gen_tcp:shutdown({self:?}, {how_name})")
    }

    /// `controlling_process(Socket, Pid)`: only the owner may call it
    /// (`not_owner`), and giving it to its owner is `ok` whoever asks. The
    /// caller's `{tcp, S, _}` and `{tcp_closed, S}` messages move to the
    /// new owner, in order; `{tcp_error, S, _}` and `{tcp_passive, S}`
    /// stay, as in OTP. On `inet`, a `{tcp_closed, S}` among them means
    /// the port is closed: the owner stays and the socket is left
    /// `{active, false}` (`inet:tcp_controlling_process/2`).
    pub fn controlling_process(&self, to: Pid) -> Result<()> {
        let moved = if self.port.is_closed() {
            Err(Error::Closed)
        } else {
            self.port.owner().transfer(self, to)
        };
        traced!(self, moved, "gen_tcp:controlling_process({self:?}, {to})")
    }

    /// `inet:setopts(Socket, Options)`.
    pub fn setopts(&self, opts: &[Opt]) -> Result<()> {
        let was_tracing = self.tracing();
        let set = self.port.setopts(opts);
        if opts.iter().any(|o| matches!(o, Opt::Debug(_))) {
            // As the option now is, whether all of `opts` were set or not.
            self.watch().set_tracing(self.debug_option());
        }
        if was_tracing || self.tracing() {
            trace::call(self, format_args!("inet:setopts({self:?}, {opts:?})"), set.as_ref());
        }
        set
    }

    /// `inet:getopts(Socket, Names)`.
    pub fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>> {
        traced!(self, self.port.getopts(names), "inet:getopts({self:?}, {names:?})")
    }

    /// `inet:peername(Socket)`.
    pub fn peername(&self) -> Result<SockAddr> {
        traced!(self, self.port.peername(), "inet:peername({self:?})")
    }

    /// `inet:sockname(Socket)`.
    pub fn sockname(&self) -> Result<SockAddr> {
        traced!(self, self.port.sockname(), "inet:sockname({self:?})")
    }

    /// `inet:getstat(Socket, Stats)`; an empty list asks for all of them
    /// (`inet:getstat/1`).
    pub fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
        let stats = if stats.is_empty() {
            &Stat::ALL[..]
        } else {
            stats
        };
        traced!(self, self.port.getstat(stats), "inet:getstat({self:?}, {stats:?})")
    }

    /// The socket's state flags, as `prim_inet:getstatus/1` names them;
    /// printed, the `State` column of `inet:i()` (`CONNECTED(O)`,
    /// `LN:O`, `ACCEPTING`, `CLOSED`, ...).
    ///
    /// ```
    /// # use gen_tcp_core::{observe::Status, Socket};
    /// fn is_listening(s: &Socket) -> bool {
    ///     s.status().contains(Status::LISTEN)
    /// }
    /// ```
    pub fn status(&self) -> Status {
        let status = self.port.status();
        if self.watch().is_accepting() && status.contains(Status::LISTEN) {
            status | Status::ACCEPTING
        } else {
            status
        }
    }

    /// What `gen_tcp::sockets()` shows of this socket: its owner, state,
    /// addresses, options and counters.
    ///
    /// ```
    /// # use gen_tcp_core::{Socket, Stat};
    /// fn bytes_in(s: &Socket) -> u64 {
    ///     s.info().stat(Stat::RecvOct).unwrap_or(0)
    /// }
    /// ```
    pub fn info(&self) -> SocketInfo {
        SocketInfo::of(self)
    }

    /// True while the socket traces its calls (`{debug, true}`).
    #[inline]
    pub(crate) fn tracing(&self) -> bool {
        self.watch().tracing()
    }

    pub(crate) fn watch(&self) -> &Watch {
        self.port.owner().watch()
    }

    /// The `{debug, _}` option as the port has it.
    fn debug_option(&self) -> bool {
        matches!(self.port.getopts(&[OptName::Debug]).as_deref(), Ok([Opt::Debug(true)]))
    }

    /// An accepted socket takes the listen socket's `{debug, _}` on the
    /// `socket` backend and not on `inet`, as in OTP 25 (`inet_drv` does
    /// not copy its debug flag to the new port; `gen_tcp_socket` copies
    /// its options), whatever the backend copied.
    fn pass_debug_to(&self, accepted: &Socket) {
        let inherit = self.backend() == InetBackend::Socket && self.tracing();
        if accepted.tracing() != inherit && accepted.port.setopts(&[Opt::Debug(inherit)]).is_ok() {
            accepted.watch().set_tracing(inherit);
        }
    }

    /// True for a listen socket (`SO_ACCEPTCONN`); false once closed.
    fn is_listener(&self) -> bool {
        socket2::SockRef::from(self).is_listener().unwrap_or(false)
    }
}

/// A timeout past what the clock can count (`Duration::MAX`) is no
/// deadline at all: `None`, so that no backend adds it to `Instant::now()`
/// and overflows.
fn finite(timeout: Option<Duration>) -> Option<Duration> {
    timeout.filter(|&t| Instant::now().checked_add(t).is_some())
}

impl PartialEq for Socket {
    fn eq(&self, other: &Socket) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Socket {}

impl Hash for Socket {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state)
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.backend() {
            InetBackend::Inet => write!(f, "#Port<0.{}>", self.id().get()),
            InetBackend::Socket => write!(f, "#Socket<{}>", self.id().get()),
        }
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.port.raw_fd()
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: a port keeps its descriptor number open until the last
        // handle is dropped (after `close` it points at a placeholder), so
        // the number is valid for as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.port.raw_fd()) }
    }
}

/// Reads what `recv(S, 0)` would deliver; end of stream is `Ok(0)`.
/// The socket must be a passive connection: an active socket is `einval`,
/// a listen socket `enotconn` (as `recv` answers on one).
impl io::Read for &Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len();
        let read = if self.port.owner().is_caller() {
            after_exit_signal(self.port.read_into(buf, None))
        } else {
            let _interruptible = interruptible_call();
            after_exit_signal(self.port.read_into(buf, None))
        };
        match traced!(*self, read, "read({self:?}, {len})") {
            Ok(n) => Ok(n),
            // What `inet` answers after end of stream (`enotconn`) is end
            // of stream again; on a listen socket it is the answer.
            Err(Error::Posix(libc::ENOTCONN)) if self.is_listener() => {
                Err(Error::Posix(libc::ENOTCONN).into())
            }
            Err(Error::Closed) | Err(Error::Posix(libc::ENOTCONN)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }
}

impl io::Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

/// Writes with `send`: every byte is sent (or queued) or it is an error.
impl io::Write for &Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        traced!(*self, self.port.send(&[buf]), "write({self:?}, {})", Size(buf.len()))?;
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let chunks: Vec<&[u8]> = bufs.iter().map(|b| &**b).collect();
        let len = chunks.iter().map(|c| c.len()).sum();
        traced!(*self, self.port.send(&chunks), "write({self:?}, {})", Size(len))?;
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        (&*self).write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a call that failed answers if its process was killed meanwhile
/// (`killed`, whatever the close of its sockets made the call see).
fn after_exit_signal<T>(r: Result<T>) -> Result<T> {
    match r {
        Err(_) if current().is_killed() => Err(Error::Killed),
        r => r,
    }
}
