//! The socket handle users hold, and the [`Port`] trait each backend implements.

use crate::addr::SockAddr;
use crate::backend::InetBackend;
use crate::data::{Data, IoData};
use crate::error::{Error, Result};
use crate::options::{Opt, OptName};
use crate::process::{self, OwnedResource, Pid, Process};
use crate::stats::Stat;
use parking_lot::Mutex;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How `shutdown` closes a socket: `read`, `write` or `read_write`.
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
    pub fn how(self) -> i32 {
        match self {
            Shutdown::Read => libc::SHUT_RD,
            Shutdown::Write => libc::SHUT_WR,
            Shutdown::ReadWrite => libc::SHUT_RDWR,
        }
    }
}

/// A socket's identity, unique in the process for its lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(u64);

impl SocketId {
    /// A new, never-used id.
    pub fn next() -> SocketId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        SocketId(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// The controlling process of a socket.
///
/// Active messages go through [`Owner::deliver`], and
/// `controlling_process` through [`Owner::transfer`]; both take the same
/// lock, so a transfer moves the old owner's messages for this socket to
/// the new owner in order and no message can slip in between.
pub struct Owner {
    process: Mutex<Arc<Process>>,
}

impl Owner {
    /// The calling process owns the new socket.
    pub fn new_for_caller() -> Owner {
        Owner {
            process: Mutex::new(process::current()),
        }
    }

    /// The owner's pid.
    pub fn pid(&self) -> Pid {
        self.process.lock().pid()
    }

    /// Sends `msg` to the owner.
    pub fn deliver(&self, msg: process::Message) {
        self.process.lock().deliver(msg)
    }

    /// Runs `f` with the owner locked: deliveries made inside `f` through
    /// the given process keep their order against a concurrent transfer.
    pub fn with<R>(&self, f: impl FnOnce(&Process) -> R) -> R {
        f(&self.process.lock())
    }

    /// `controlling_process(Socket, To)`: only the owner may call it
    /// (`not_owner`). A dead `To` is `badarg` on `inet`; on `socket`, OTP
    /// answers `ok` and the socket closes, as its new owner is gone.
    pub fn transfer(&self, socket: &Socket, to: Pid) -> Result<()> {
        let caller = process::self_pid();
        let mut owner = self.process.lock();
        if owner.pid() != caller {
            return Err(Error::NotOwner);
        }
        if to == caller {
            return Ok(());
        }
        let Some(new) = to.process().filter(|p| p.is_alive()) else {
            return match socket.backend() {
                InetBackend::Inet => Err(Error::Badarg),
                InetBackend::Socket => {
                    drop(owner);
                    let _ = socket.port().close();
                    Ok(())
                }
            };
        };
        owner.move_socket_messages(socket, &new);
        *owner = new.clone();
        drop(owner);
        // Linked with the owner unlocked: if `new` has ended meanwhile,
        // `link` closes the socket at once (through `owner_exited`).
        new.link(socket.as_owned());
        Ok(())
    }
}

/// What a backend implements for each socket (a listen socket or a
/// connected one). The gen_tcp front calls these; the shared pieces
/// (options, framing, owner, counters) live in this crate.
pub trait Port: OwnedResource + Send + Sync + 'static {
    /// The socket's id.
    fn id(&self) -> SocketId;
    /// The backend this socket runs on.
    fn backend(&self) -> InetBackend;
    /// The controlling process.
    fn owner(&self) -> &Owner;
    /// `accept/2` on a listen socket.
    fn accept(&self, timeout: Option<Duration>) -> Result<Socket>;
    /// `send/2`: the chunks, in order, framed by `{packet, _}`.
    fn send(&self, chunks: &[&[u8]]) -> Result<()>;
    /// `recv/3`.
    fn recv(&self, length: usize, timeout: Option<Duration>) -> Result<Data>;
    /// Reads up to `buf.len()` bytes of what `recv(S, 0)` would deliver,
    /// keeping the rest for the next call; `Ok(0)` at end of stream.
    fn read_into(&self, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize>;
    /// `close/1`.
    fn close(&self) -> Result<()>;
    /// `shutdown/2`.
    fn shutdown(&self, how: Shutdown) -> Result<()>;
    /// `inet:setopts/2`.
    fn setopts(&self, opts: &[Opt]) -> Result<()>;
    /// `inet:getopts/2`.
    fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>>;
    /// `inet:peername/1`.
    fn peername(&self) -> Result<SockAddr>;
    /// `inet:sockname/1`.
    fn sockname(&self) -> Result<SockAddr>;
    /// `inet:getstat/2`.
    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>>;
    /// The descriptor (kept valid, though unusable, after `close`).
    fn raw_fd(&self) -> RawFd;
    /// True once the socket is closed.
    fn is_closed(&self) -> bool;
    /// Closes because the owner process ended (it must not block the
    /// ending thread); `close` unless a backend needs otherwise.
    fn close_on_owner_exit(&self) {
        let _ = self.close();
    }
}

/// A port dies with its owner: when the owner process ends, the socket is
/// closed (unless it was given to another process meanwhile).
impl<T: Port> OwnedResource for T {
    fn owner_exited(&self, pid: Pid) {
        if self.owner().pid() == pid {
            self.close_on_owner_exit();
        }
    }
}

/// A gen_tcp socket: a listen socket or a connection.
///
/// Cheap to clone; every clone is the same socket (as an Erlang port
/// term copied between processes). `Send + Sync`, so it can be given to
/// another process.
#[derive(Clone)]
pub struct Socket {
    port: Arc<dyn Port>,
}

impl Socket {
    /// Wraps a backend's port and links it to its owner process, so that
    /// the socket is closed when the owner ends.
    pub fn new(port: Arc<dyn Port>) -> Socket {
        let s = Socket { port };
        if let Some(p) = s.port.owner().pid().process() {
            p.link(s.as_owned());
        }
        s
    }

    /// Another handle to a port that [`Socket::new`] already wrapped,
    /// without linking it to its owner again: what a backend uses to name
    /// the socket in the messages it delivers (`{tcp, Socket, Data}`).
    pub fn from_port(port: Arc<dyn Port>) -> Socket {
        Socket { port }
    }

    fn as_owned(&self) -> std::sync::Weak<dyn OwnedResource> {
        let weak: std::sync::Weak<dyn Port> = Arc::downgrade(&self.port);
        weak
    }

    /// The backend's port.
    pub fn port(&self) -> &dyn Port {
        &*self.port
    }

    /// The socket's id.
    pub fn id(&self) -> SocketId {
        self.port.id()
    }

    /// The backend this socket runs on.
    pub fn backend(&self) -> InetBackend {
        self.port.backend()
    }

    /// The controlling process.
    pub fn owner(&self) -> Pid {
        self.port.owner().pid()
    }

    /// `controlling_process(Socket, Pid)`.
    pub fn controlling_process(&self, to: Pid) -> Result<()> {
        if self.port.is_closed() {
            return Err(Error::Closed);
        }
        self.port.owner().transfer(self, to)
    }

    /// `send(Socket, Packet)`.
    pub fn send(&self, data: impl IoData) -> Result<()> {
        match data.single() {
            // One buffer: no list of slices to allocate.
            Some(one) => self.port.send(&[one]),
            None => self.port.send(&data.slices()),
        }
    }

    /// `recv(Socket, Length, Timeout)`.
    pub fn recv(&self, length: usize, timeout: Option<Duration>) -> Result<Data> {
        self.port.recv(length, timeout)
    }
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
/// The socket must be passive (`einval` otherwise).
impl io::Read for &Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.port.read_into(buf, None) {
            Ok(n) => Ok(n),
            // End of stream, and what `inet` answers after it (`enotconn`).
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
        self.port.send(&[buf])?;
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let chunks: Vec<&[u8]> = bufs.iter().map(|b| &**b).collect();
        self.port.send(&chunks)?;
        Ok(chunks.iter().map(|c| c.len()).sum())
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
