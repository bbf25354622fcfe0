//! The extension API, for backend implementers: what a backend implements
//! for each socket ([`Port`]) and what it uses to hand sockets to their
//! users ([`SocketExt`], [`Owner`]).
//!
//! A user of gen_tcp never needs this module: every operation on a socket
//! is a method of [`Socket`] (or a function of the `gen_tcp` crate). The
//! two backends of this workspace, `gen_tcp_backend_inet` and
//! `gen_tcp_backend_socket`, are written against it; so could a third.
//!
//! A backend's socket is a type that implements [`Port`]. The backend
//! wraps it once with [`SocketExt::new`], which links it to the calling
//! process so that it closes when that process ends, and names it in the
//! messages it delivers with [`SocketExt::from_port`]. The shared pieces
//! (options, framing, the owner, counters) are in the rest of this crate.

use crate::active::Active;
use crate::acceptors::Acceptors;
use crate::addr::SockAddr;
use crate::backend::InetBackend;
use crate::data::Data;
use crate::error::{Error, Result};
use crate::observe::{Status, Watch};
use crate::options::{Opt, OptName};
use crate::process::mailbox::current;
use crate::process::{Message, Pid};
use crate::socket::{Shutdown, Socket, SocketId};
use crate::stats::Stat;
use bytes::Bytes;
use parking_lot::Mutex;
use std::os::fd::{OwnedFd, RawFd};
use std::sync::{Arc, Weak};
use std::time::Duration;

pub use crate::observe::driver::{report_driver_stats, DriverStats};
pub use crate::process::mailbox::{OwnedResource, Process};

/// The controlling process of a socket.
///
/// Active messages go through [`Owner::deliver`], and
/// `controlling_process` through [`Owner::transfer`]; both take the same
/// lock, so a transfer moves the old owner's `{tcp, S, _}` and
/// `{tcp_closed, S}` messages to the new owner in order and no message can
/// slip in between.
///
/// Every port holds exactly one, made by core, so it also carries what
/// core keeps per socket to observe it (`{debug, _}`, the registry entry,
/// the threads in `accept`): a backend keeps none of it.
pub struct Owner {
    process: Mutex<Arc<Process>>,
    watch: Watch,
    acceptors: Acceptors,
}

impl Owner {
    /// The calling process owns the new socket.
    pub fn new_for_caller() -> Owner {
        Owner {
            process: Mutex::new(current()),
            watch: Watch::default(),
            acceptors: Acceptors::default(),
        }
    }

    /// The processes waiting in `accept` on this socket, in arrival order:
    /// a backend's `accept` and `close` of a listen socket go through it.
    pub fn acceptors(&self) -> &Acceptors {
        &self.acceptors
    }

    /// True if the calling process owns the socket.
    pub fn is_caller(&self) -> bool {
        crate::process::mailbox::is_current(&self.process.lock())
    }

    /// What core keeps per socket to observe it.
    pub(crate) fn watch(&self) -> &Watch {
        &self.watch
    }

    /// The owner's pid.
    pub fn pid(&self) -> Pid {
        self.process.lock().pid()
    }

    /// Sends `msg` to the owner.
    pub fn deliver(&self, msg: Message) {
        self.process.lock().deliver(msg)
    }

    /// Runs `f` with the owner locked: deliveries made inside `f` through
    /// the given process keep their order against a concurrent transfer.
    pub fn with<R>(&self, f: impl FnOnce(&Process) -> R) -> R {
        f(&self.process.lock())
    }

    /// `controlling_process(Socket, To)`: `ok` at once when `To` already
    /// owns the socket, whoever calls (both OTP backends check that
    /// first); otherwise only the owner may call it (`not_owner`). A dead
    /// `To` is `badarg` on `inet`; on `socket`, OTP answers `ok` and the
    /// socket closes, as its new owner is gone.
    pub fn transfer(&self, socket: &Socket, to: Pid) -> Result<()> {
        let caller = crate::process::self_pid();
        let mut owner = self.process.lock();
        if owner.pid() == to {
            return Ok(());
        }
        if owner.pid() != caller {
            return Err(Error::NotOwner);
        }
        let Some(new) = to.process().filter(|p| p.is_alive()) else {
            return match socket.backend() {
                InetBackend::Inet => Err(Error::Badarg),
                InetBackend::Socket => {
                    drop(owner);
                    let _ = socket.port.close();
                    Ok(())
                }
            };
        };
        let closed_moved = owner.move_socket_messages(socket, &new);
        if closed_moved > 0 && socket.backend() == InetBackend::Inet {
            // `inet:tcp_controlling_process/2` turned the socket passive
            // before it moved the messages; a `{tcp_closed, S}` among them
            // says the port is closed, so it answers `ok` there, with the
            // owner unchanged and the socket left `{active, false}`.
            drop(owner);
            let _ = socket.port.setopts(&[Opt::Active(Active::False)]);
            return Ok(());
        }
        *owner = new.clone();
        drop(owner);
        // Linked with the owner unlocked: if `new` has ended meanwhile,
        // `link` closes the socket at once (through `owner_exited`).
        new.link(as_owned(&socket.port));
        Ok(())
    }
}

/// What a backend implements for each socket (a listen socket or a
/// connected one). [`Socket`]'s methods call these; the shared pieces
/// (options, framing, owner, counters) live in this crate.
pub trait Port: OwnedResource + sealed::Upcast + Send + Sync + 'static {
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
    /// `inet:getstat/2`, for the statistics asked (never an empty list).
    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>>;
    /// The descriptor (kept valid, though unusable, after `close`).
    fn raw_fd(&self) -> RawFd;
    /// True once the socket is closed.
    fn is_closed(&self) -> bool;

    /// Gives the descriptor up, its connection untouched, for
    /// [`Socket::into_std`]; with it, the bytes received and not yet
    /// delivered when `read_ahead` says to hand them over.
    ///
    /// On success the port is closed for every handle, as after `close`
    /// but with no `shutdown`, no reset and no message to the owner; it
    /// has left its reactor ([`Registration::detach`](crate::reactor::Registration::detach))
    /// and its descriptor ([`Descriptor::detach`](crate::Descriptor::detach)).
    /// Output the backend accepted is the kernel's first (`inet` waits for
    /// its queue to be written, as `close` does, `send_timeout` at most).
    /// On error nothing changed, and the answer is: `closed` once closed;
    /// `ebusy` while another call waits on the socket (a `recv`, a
    /// `send`, an `accept`), or while bytes are buffered and `read_ahead`
    /// is [`ReadAhead::Refuse`]; `timeout` when the queue was not written
    /// within `send_timeout`.
    fn detach(&self, read_ahead: ReadAhead) -> Result<(OwnedFd, Bytes)>;
    /// Closes because the owner process ended (it must not block the
    /// ending thread); `close` unless a backend needs otherwise.
    fn close_on_owner_exit(&self) {
        let _ = self.close();
    }

    /// The state flags `gen_tcp::sockets()` shows (`prim_inet:getstatus/1`),
    /// without `accepting`, which core adds. By default: none once
    /// closed; `[listen, open]` for a listen socket (`SO_ACCEPTCONN`);
    /// `[connected, open]` with a peer; else `[open]`. A backend that
    /// knows more (`busy` over `high_watermark`, `connecting`) says so.
    fn status(&self) -> Status {
        if self.is_closed() {
            return Status::CLOSED;
        }
        // SAFETY: the port keeps its descriptor number open for as long as
        // it lives (see `raw_fd`), and `self` is borrowed for this call.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(self.raw_fd()) };
        if socket2::SockRef::from(&fd).is_listener().unwrap_or(false) {
            Status::LISTEN | Status::OPEN
        } else if self.peername().is_ok() {
            Status::CONNECTED | Status::OPEN
        } else {
            Status::OPEN
        }
    }
}

/// What [`Port::detach`] does with the bytes a port has received from the
/// kernel and not delivered yet (a partial packet, the rest of a read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadAhead {
    /// Refuses to detach while there are some (`ebusy`): they would be lost.
    Refuse,
    /// Hands them over with the descriptor.
    HandOver,
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

mod sealed {
    use super::OwnedResource;
    use std::sync::Arc;

    /// Sees a `dyn Port` as the `dyn OwnedResource` it also is: trait
    /// upcasting written out, as the language has it only from Rust 1.86.
    pub trait Upcast {
        fn into_owned_resource(self: Arc<Self>) -> Arc<dyn OwnedResource>;
    }

    impl<T: OwnedResource + 'static> Upcast for T {
        fn into_owned_resource(self: Arc<Self>) -> Arc<dyn OwnedResource> {
            self
        }
    }

    /// Only this crate's types take the extension traits below.
    pub trait Sealed {}
    impl Sealed for crate::socket::Socket {}
    impl Sealed for crate::socket::SocketId {}
}

/// The weak link a process keeps to a socket it owns.
fn as_owned(port: &Arc<dyn Port>) -> Weak<dyn OwnedResource> {
    Arc::downgrade(&Arc::clone(port).into_owned_resource())
}

/// What a backend does with a [`Socket`] and a user never does: make one
/// from a [`Port`], and reach the port behind one. Implemented for
/// [`Socket`] only.
///
/// ```
/// use gen_tcp_core::port::SocketExt;
/// # fn f(s: &gen_tcp_core::Socket) {
/// let fd = s.port().raw_fd(); // the backend's view of a user's socket
/// # }
/// ```
pub trait SocketExt: sealed::Sealed {
    /// Wraps a backend's port and links it to its owner process, so that
    /// the socket is closed when the owner ends.
    fn new(port: Arc<dyn Port>) -> Self;

    /// Another handle to a port that [`SocketExt::new`] already wrapped,
    /// without linking it to its owner again: what a backend uses to name
    /// the socket in the messages it delivers (`{tcp, Socket, Data}`).
    fn from_port(port: Arc<dyn Port>) -> Self;

    /// The backend's port.
    fn port(&self) -> &dyn Port;
}

// Not listed among `Socket`'s traits: a user of the socket never needs it.
#[doc(hidden)]
impl SocketExt for Socket {
    fn new(port: Arc<dyn Port>) -> Socket {
        if let Some(p) = port.owner().pid().process() {
            p.link(as_owned(&port));
        }
        let watch = port.owner().watch();
        watch.register(port.id(), Arc::downgrade(&port));
        // The flag every call reads follows the option the port was made
        // with (`{debug, true}` given to listen or connect, or inherited).
        if matches!(port.getopts(&[OptName::Debug]).as_deref(), Ok([Opt::Debug(true)])) {
            watch.set_tracing(true);
        }
        Socket { port }
    }

    fn from_port(port: Arc<dyn Port>) -> Socket {
        Socket { port }
    }

    fn port(&self) -> &dyn Port {
        &*self.port
    }
}

/// Ids for the ports a backend makes. Implemented for [`SocketId`] only.
pub trait SocketIdExt: sealed::Sealed {
    /// A new, never-used id.
    fn next() -> Self;
}

#[doc(hidden)]
impl SocketIdExt for SocketId {
    fn next() -> SocketId {
        SocketId::fresh()
    }
}
