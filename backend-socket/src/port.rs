//! [`SocketPort`]: one socket of this backend, and its [`Port`] impl.
//!
//! Every call runs in the caller's thread with direct system calls. One
//! lock guards the [`State`]; it is never held across a blocking wait, so
//! `setopts`, `getopts` and `close` proceed while a `recv` or `accept`
//! waits. Readers and senders are serialised by their own locks, so
//! frames never interleave and two readers never split a packet.

use crate::state::{Phase, State};
use crate::{options, poller};
use gen_tcp_core::open;
use gen_tcp_core::port::{Owner, Port, SocketExt, SocketIdExt};
use gen_tcp_core::stats::Stat;
use gen_tcp_core::sys;
use gen_tcp_core::{
    Counters, Data, Error, InetBackend, Opt, OptName, Result, SockAddr, SockOpts, Socket, SocketId,
};
use parking_lot::Mutex;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// One socket of the `socket` backend: a listen socket or a connection.
pub struct SocketPort {
    pub(crate) id: SocketId,
    /// The descriptor; closed for good when the port is dropped.
    pub(crate) sock: socket2::Socket,
    /// A `local` (unix domain) socket.
    pub(crate) local: bool,
    pub(crate) owner: Owner,
    pub(crate) state: Mutex<State>,
    /// Serialises senders.
    pub(crate) send_lock: Mutex<()>,
    /// Serialises readers (`recv`, `read_into`).
    pub(crate) recv_lock: Mutex<()>,
    pub(crate) counters: Counters,
    pub(crate) closed: AtomicBool,
    me: Weak<SocketPort>,
}

impl SocketPort {
    /// Wraps a descriptor owned by the calling process, and registers it
    /// with the poller if it starts active.
    pub(crate) fn open(sock: socket2::Socket, phase: Phase, opts: SockOpts) -> Socket {
        let local = open::is_local(&sock);
        let listening = phase == Phase::Listening;
        let port = Arc::new_cyclic(|me| SocketPort {
            id: SocketId::next(),
            sock,
            local,
            owner: Owner::new_for_caller(),
            state: Mutex::new(State::new(phase, opts)),
            send_lock: Mutex::new(()),
            recv_lock: Mutex::new(()),
            counters: Counters::default(),
            closed: AtomicBool::new(false),
            me: me.clone(),
        });
        let socket = Socket::new(port.clone());
        if !listening {
            let mut st = port.state.lock();
            if st.opts.active.is_active() {
                port.activate(&mut st);
            }
        }
        socket
    }

    /// The descriptor number.
    pub(crate) fn fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }

    /// A handle naming this socket in messages; `None` while it is dropped.
    pub(crate) fn handle(&self) -> Option<Socket> {
        let me: Arc<dyn Port> = self.me.upgrade()?;
        Some(Socket::from_port(me))
    }

    /// The socket turned active: deliver what is buffered now, and have
    /// the poller read the rest (registering re-arms it, so bytes already
    /// in the kernel raise an event).
    pub(crate) fn activate(&self, st: &mut State) {
        crate::active::deliver_buffered(self, st);
        if st.opts.active.is_active() && st.phase == Phase::Connected {
            if let Some(me) = self.me.upgrade() {
                st.registered = poller::watch(&me, st.registered);
            }
        }
    }

    /// `einval` unless this is a connection (`closed` once closed).
    pub(crate) fn check_connected(&self, st: &State) -> Result<()> {
        match st.phase {
            Phase::Closed => Err(Error::Closed),
            Phase::Listening => Err(Error::Posix(libc::ENOTCONN)),
            _ => Ok(()),
        }
    }
}

impl Port for SocketPort {
    fn id(&self) -> SocketId {
        self.id
    }

    fn backend(&self) -> InetBackend {
        InetBackend::Socket
    }

    fn owner(&self) -> &Owner {
        &self.owner
    }

    fn accept(&self, timeout: Option<Duration>) -> Result<Socket> {
        let deadline = sys::deadline(timeout);
        let s = open::accept_within(self.fd(), deadline, || match self.state.lock().phase {
            Phase::Listening => Ok(()),
            Phase::Closed => Err(Error::Closed),
            _ => Err(Error::Einval),
        })?;
        // The accepted socket inherits the listen socket's options and
        // belongs to the caller, as in OTP.
        let opts = self.state.lock().opts.clone();
        Ok(SocketPort::open(s, Phase::Connected, opts))
    }

    fn send(&self, chunks: &[&[u8]]) -> Result<()> {
        crate::send::send(self, chunks)
    }

    fn recv(&self, length: usize, timeout: Option<Duration>) -> Result<Data> {
        crate::recv::recv(self, length, timeout)
    }

    fn read_into(&self, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
        crate::recv::read_into(self, buf, timeout)
    }

    fn close(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Err(Error::Closed);
        }
        let mut st = self.state.lock();
        st.phase = Phase::Closed;
        if st.registered {
            poller::unwatch(self);
            st.registered = false;
        }
        // `{linger, {true, 0}}` asks for an abortive close: the peer must
        // see a reset, not the FIN that `shutdown` would send first.
        if self.sock.linger().is_ok_and(|l| l == Some(Duration::ZERO)) {
            crate::sys::abort(self.fd());
        }
        // Wakes blocked readers and acceptors; the number stays valid.
        sys::close_keep_number(self.fd());
        Ok(())
    }

    fn shutdown(&self, how: gen_tcp_core::Shutdown) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::Closed);
        }
        // OTP answers `enotconn` for a listen socket without calling
        // shutdown(2), which would stop the listener.
        if self.state.lock().phase == Phase::Listening {
            return Err(Error::Posix(libc::ENOTCONN));
        }
        self.sock
            .shutdown(match how {
                gen_tcp_core::Shutdown::Read => std::net::Shutdown::Read,
                gen_tcp_core::Shutdown::Write => std::net::Shutdown::Write,
                gen_tcp_core::Shutdown::ReadWrite => std::net::Shutdown::Both,
            })
            .map_err(Error::from)
    }

    fn setopts(&self, opts: &[Opt]) -> Result<()> {
        options::setopts(self, opts)
    }

    fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>> {
        options::getopts(self, names)
    }

    fn peername(&self) -> Result<SockAddr> {
        self.live()?;
        open::peername(&self.sock)
    }

    fn sockname(&self) -> Result<SockAddr> {
        self.live()?;
        open::sockname(&self.sock)
    }

    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
        self.live()?;
        // Nothing is ever queued on this backend: `send` returns when the
        // kernel has every byte.
        Ok(self.counters.report(stats, 0))
    }

    fn raw_fd(&self) -> RawFd {
        self.fd()
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

impl SocketPort {
    /// `closed` once closed (what OTP answers for every call then).
    pub(crate) fn live(&self) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }
}
