//! A connected socket of this backend: its shared state and the [`Port`]
//! calls that are neither `send` ([`crate::send`]) nor `recv`
//! ([`crate::recv`]) nor active delivery ([`crate::active`]).

use crate::driver::{self, Driver, SocketToken};
use crate::queue::OutQueue;
use crate::state::State;
use gen_tcp_core::inbound::Inbound;
use gen_tcp_core::options::policy;
use gen_tcp_core::port::{Owner, Port, SocketExt, SocketIdExt};
use gen_tcp_core::process::Message;
use gen_tcp_core::{
    open, sockopt, sys, Counters, Error, InetBackend, Opt, OptName, Result, Shutdown, SockAddr,
    SockOpts, Socket, SocketId, Stat,
};
use mio::Interest;
use parking_lot::{Condvar, Mutex, MutexGuard};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How long `close` waits for the queue to make progress before closing
/// anyway (`INET_CLOSE_TIMEOUT` in OTP's `prim_inet`).
pub(crate) const CLOSE_PROGRESS: Duration = Duration::from_secs(5);

/// What one lock guards: everything that changes with the socket's life.
pub(crate) struct Inner {
    pub(crate) state: State,
    pub(crate) opts: SockOpts,
    pub(crate) inbound: Inbound,
    pub(crate) queue: OutQueue,
    /// What the driver waits for now (`None`: not registered).
    pub(crate) interest: Option<Interest>,
    /// The rest of a packet `Read` handed out in part.
    pub(crate) unread: bytes::Bytes,
}

/// A connected socket on the `inet` backend.
pub(crate) struct InetPort {
    pub(crate) id: SocketId,
    pub(crate) sock: socket2::Socket,
    pub(crate) local: bool,
    pub(crate) owner: Owner,
    pub(crate) counters: Counters,
    pub(crate) inner: Mutex<Inner>,
    /// Signalled when the queue drains below `low_watermark` or the state
    /// changes, for senders waiting on a busy port.
    pub(crate) cond: Condvar,
    /// True while a `recv` runs: a second one at the same time answers
    /// `ealready`, as `inet_drv` does (docs/otp-answers.md, Q3 j).
    pub(crate) reading: AtomicBool,
    driver: &'static Driver,
    me: Weak<InetPort>,
}

impl InetPort {
    /// Wraps a connected descriptor, owned by the calling process.
    pub(crate) fn start(sock: socket2::Socket, opts: SockOpts) -> Socket {
        let local = open::is_local(&sock);
        let port = Arc::new_cyclic(|me| InetPort {
            id: SocketId::next(),
            sock,
            local,
            owner: Owner::new_for_caller(),
            counters: Counters::default(),
            inner: Mutex::new(Inner {
                state: State::Open,
                opts,
                inbound: Inbound::new(),
                queue: OutQueue::default(),
                interest: None,
                unread: bytes::Bytes::new(),
            }),
            cond: Condvar::new(),
            reading: AtomicBool::new(false),
            driver: driver::pick(),
            me: me.clone(),
        });
        let socket = Socket::new(port.clone());
        let mut inner = port.inner.lock();
        if inner.opts.active.is_active() {
            port.activate(&mut inner);
        }
        drop(inner);
        socket
    }

    pub(crate) fn fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }

    /// A handle naming this socket in messages.
    pub(crate) fn handle(&self) -> Option<Socket> {
        let me: Arc<dyn Port> = self.me.upgrade()?;
        Some(Socket::from_port(me))
    }

    /// Sends `msg(socket)` to the owner.
    pub(crate) fn tell_owner(&self, msg: impl FnOnce(Socket) -> Message) {
        if let Some(s) = self.handle() {
            self.owner.deliver(msg(s));
        }
    }

    /// Registers with the driver for what the socket needs now: reading
    /// while active, writing while output is queued. `rearm` asks for a
    /// fresh event if the socket is already ready.
    pub(crate) fn update_interest(&self, inner: &mut Inner, rearm: bool) {
        let read = inner.opts.active.is_active() && inner.state.readable();
        let write = !inner.queue.is_empty() && inner.state.writes_queue();
        let want = match (read, write) {
            (true, true) => Some(Interest::READABLE | Interest::WRITABLE),
            (true, false) => Some(Interest::READABLE),
            (false, true) => Some(Interest::WRITABLE),
            (false, false) => None,
        };
        let Some(me) = self.me.upgrade() else { return };
        let token = SocketToken::new(self.id.get());
        inner.interest = self
            .driver
            .watch(&me, token, self.fd(), inner.interest, want, rearm);
    }

    /// The connection is over: unregister, drop what is buffered either
    /// way, close the descriptor (keeping its number), wake waiters.
    pub(crate) fn kill(&self, inner: &mut Inner, state: State) {
        inner.state = state;
        inner.queue.clear();
        inner.inbound = Inbound::new();
        self.update_interest(inner, false);
        sys::close_keep_number(self.fd());
        self.cond.notify_all();
    }

    /// The driver saw readiness.
    pub(crate) fn on_ready(&self, readable: bool, writable: bool) {
        let mut inner = self.inner.lock();
        if writable {
            self.write_queued(&mut inner);
        }
        if readable {
            self.read_active(&mut inner);
        }
    }

    /// The state lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// `close`, waiting for the queue to drain when `wait`.
    fn close_with(&self, wait: bool) -> Result<()> {
        let mut inner = self.inner.lock();
        if inner.state.is_closed() {
            if inner.state == State::ClosedReported {
                inner.state = State::Closed;
            }
            return Ok(());
        }
        if inner.queue.is_empty() || !inner.state.writes_queue() || self.linger_zero() {
            self.kill(&mut inner, State::Closed);
            return Ok(());
        }
        inner.state = State::Draining;
        inner.inbound = Inbound::new();
        self.update_interest(&mut inner, false);
        self.cond.notify_all();
        let mut pending = inner.queue.len();
        while wait && inner.state == State::Draining {
            if self.cond.wait_for(&mut inner, CLOSE_PROGRESS).timed_out()
                && inner.state == State::Draining
            {
                if inner.queue.len() == pending {
                    self.kill(&mut inner, State::Closed);
                }
                pending = inner.queue.len();
            }
        }
        Ok(())
    }

    fn linger_zero(&self) -> bool {
        matches!(
            sockopt::get(self.sock.as_fd(), &OptName::Linger),
            Ok(Some(Opt::Linger((true, 0))))
        )
    }
}

impl Port for InetPort {
    fn id(&self) -> SocketId {
        self.id
    }

    fn backend(&self) -> InetBackend {
        InetBackend::Inet
    }

    fn owner(&self) -> &Owner {
        &self.owner
    }

    fn accept(&self, _timeout: Option<Duration>) -> Result<Socket> {
        Err(Error::Einval)
    }

    fn send(&self, chunks: &[&[u8]]) -> Result<()> {
        self.send_chunks(chunks)
    }

    fn recv(&self, length: usize, timeout: Option<Duration>) -> Result<gen_tcp_core::Data> {
        self.recv_packet(length, timeout)
    }

    fn read_into(&self, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
        self.read_raw(buf, timeout)
    }

    /// As `prim_inet:close/1`: with output queued (and no
    /// `{linger, {true, 0}}`) the driver writes the queue, so the peer gets
    /// every byte, then end of stream, and the caller waits for it, giving
    /// up (closing anyway) when [`CLOSE_PROGRESS`] passes with no byte
    /// written. OTP 25 was seen to block as long as the peer reads.
    fn close(&self) -> Result<()> {
        self.close_with(true)
    }

    /// The owner ended: as a port closed by its owner's exit, the queue is
    /// still written in the background, but nobody waits for it.
    fn close_on_owner_exit(&self) {
        let _ = self.close_with(false);
    }

    fn shutdown(&self, how: Shutdown) -> Result<()> {
        let mut inner = self.inner.lock();
        if how == Shutdown::Read {
            if inner.state.is_closed() {
                return Err(Error::Closed);
            }
            if inner.state.fd_dead() {
                return Err(crate::errors::enotconn());
            }
            sys_shutdown(self.fd(), how)?;
            return Ok(());
        }
        let empty = inner.queue.is_empty();
        if inner.state.shutdown_write(how, empty)? {
            sys_shutdown(self.fd(), how)?;
        }
        self.cond.notify_all();
        Ok(())
    }

    fn setopts(&self, opts: &[Opt]) -> Result<()> {
        let mut inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        let was_active = inner.opts.active.is_active();
        let old_packet = inner.opts.packet;
        let (outcome, result) =
            policy::setopts(self.sock.as_fd(), self.local, &mut inner.opts, opts);
        result?;
        if inner.opts.packet != old_packet {
            inner.inbound.packet_changed();
        }
        if outcome.passive_message {
            self.tell_owner(Message::TcpPassive);
        }
        if inner.opts.active.is_active() {
            self.activate(&mut inner);
        } else if was_active {
            self.update_interest(&mut inner, false);
        }
        Ok(())
    }

    fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>> {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        let fd = (!inner.state.fd_dead()).then(|| self.sock.as_fd());
        policy::getopts(fd, self.local, &inner.opts, names)
    }

    fn peername(&self) -> Result<SockAddr> {
        if self.inner.lock().state.fd_dead() {
            return Err(Error::Einval);
        }
        open::peername(&self.sock)
    }

    fn sockname(&self) -> Result<SockAddr> {
        if self.inner.lock().state.fd_dead() {
            return Err(Error::Einval);
        }
        open::sockname(&self.sock)
    }

    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        Ok(self.counters.report(stats, inner.queue.len() as u64))
    }

    fn raw_fd(&self) -> RawFd {
        self.fd()
    }

    fn is_closed(&self) -> bool {
        self.inner.lock().state.is_closed()
    }
}

/// `shutdown(2)`.
pub(crate) fn sys_shutdown(fd: RawFd, how: Shutdown) -> Result<()> {
    gen_tcp_core::syscall!(shutdown(fd, how.how()))?;
    Ok(())
}
