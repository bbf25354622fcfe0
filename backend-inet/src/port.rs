//! A connected socket of this backend: its shared state and the [`Port`]
//! calls that are neither `send` ([`crate::send`]) nor `recv`
//! ([`crate::recv`]) nor active delivery ([`crate::active`]).

use crate::driver;
use crate::queue::{wait_until, OutQueue};
use crate::state::State;
use bytes::Bytes;
use gen_tcp_core::inbound::Inbound;
use gen_tcp_core::observe::Status;
use gen_tcp_core::options::policy;
use gen_tcp_core::port::{Owner, Port, ReadAhead, SocketExt, SocketIdExt};
use gen_tcp_core::process::{receive_match, Message};
use gen_tcp_core::reactor::{Event, Registration, Served, Source, Turn, Want};
use gen_tcp_core::{
    sys, Counters, Descriptor, Error, InetBackend, Opt, OptName, Result, Shutdown, SockAddr,
    SockOpts, Socket, SocketId, Stat,
};
use parking_lot::{Condvar, Mutex, MutexGuard};
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// The socket's place in a driver, and the readiness it last reported.
    pub(crate) reg: Registration,
    /// A passive `recv` is blocked in the kernel without the lock: the
    /// driver must not read meanwhile (the bytes would overtake the ones
    /// that `recv` gets); that `recv` hands the socket over when it
    /// returns, if it turned active meanwhile.
    pub(crate) blocked_reader: bool,
    /// How many times `setopts` left the socket active: a passive `recv`
    /// that sees it change was overtaken by active mode (`recv.rs`).
    pub(crate) activations: u64,
    /// Active delivery stopped at bytes that do not decode, found behind
    /// a packet it delivered (or on activation): as `inet_drv`, the error
    /// (`{tcp_error, S, emsgsize}`, `{tcp_closed, S}`) is reported at the
    /// next read, whatever it brings (`active.rs`).
    pub(crate) bad_frame: bool,
    /// A `send` is writing to the kernel without the lock: what others
    /// send meanwhile is queued behind it, and the queue waits for it.
    pub(crate) direct_send: bool,
    /// An active read failed with `{exit_on_close, false}` (`emsgsize`):
    /// the owner was told, the connection lives, and the driver reads no
    /// more until the socket is activated again (`inet_drv`'s
    /// `desc_close_read`).
    pub(crate) read_stopped: bool,
}

impl Inner {
    /// True while output waits: queued, or being written by a `send`.
    pub(crate) fn output_pending(&self) -> bool {
        !self.queue.is_empty() || self.direct_send
    }
}

/// A connected socket on the `inet` backend.
pub(crate) struct InetPort {
    pub(crate) id: SocketId,
    pub(crate) fd: Descriptor,
    pub(crate) owner: Owner,
    pub(crate) counters: Counters,
    pub(crate) inner: Mutex<Inner>,
    /// Signalled when the queue drains below `low_watermark` or the state
    /// changes, for senders waiting on a busy port.
    pub(crate) cond: Condvar,
    /// True while a `recv` runs: a second one at the same time answers
    /// `ealready`, as `inet_drv` does (docs/otp-answers.md, Q3 j).
    pub(crate) reading: AtomicBool,
    /// Set once the owner was sent `{tcp_closed, S}`: `close` then looks
    /// for one in the caller's mailbox (and only then).
    told_closed: AtomicBool,
    me: Weak<InetPort>,
}

impl InetPort {
    /// Wraps a connected descriptor, owned by the calling process. A
    /// socket that starts active and cannot get a driver (out of
    /// descriptors) is closed, and the reason is the caller's.
    pub(crate) fn start(fd: Descriptor, opts: SockOpts) -> Result<Socket> {
        let port = Arc::new_cyclic(|me| InetPort {
            id: SocketId::next(),
            fd,
            owner: Owner::new_for_caller(),
            counters: Counters::default(),
            inner: Mutex::new(Inner {
                state: State::Open,
                opts,
                inbound: Inbound::new(),
                queue: OutQueue::default(),
                reg: Registration::new(),
                blocked_reader: false,
                activations: 0,
                bad_frame: false,
                direct_send: false,
                read_stopped: false,
            }),
            cond: Condvar::new(),
            reading: AtomicBool::new(false),
            told_closed: AtomicBool::new(false),
            me: me.clone(),
        });
        let mut inner = port.inner.lock();
        if inner.opts.active.is_active() {
            if let Err(e) = port.serve(&mut inner) {
                port.kill(&mut inner, State::Closed);
                return Err(e);
            }
        }
        drop(inner);
        Ok(Socket::new(port))
    }

    /// A handle naming this socket in messages.
    pub(crate) fn handle(&self) -> Option<Socket> {
        let me: Arc<dyn Port> = self.me.upgrade()?;
        Some(Socket::from_port(me))
    }

    /// Sends `msg(socket)` to the owner.
    pub(crate) fn tell_owner(&self, msg: impl FnOnce(Socket) -> Message) {
        if let Some(s) = self.handle() {
            let msg = msg(s);
            if matches!(msg, Message::TcpClosed(_)) {
                self.told_closed.store(true, Ordering::Release);
            }
            self.owner.deliver(msg);
        }
    }

    /// What the socket needs a driver for now: reading while active (and
    /// no passive `recv` is blocked on it), writing while output is queued.
    pub(crate) fn want(inner: &Inner) -> Want {
        Want {
            read: inner.opts.active.is_active()
                && inner.state.readable()
                && !inner.blocked_reader
                && !inner.read_stopped,
            write: !inner.queue.is_empty() && inner.state.writes_queue() && !inner.direct_send,
        }
    }

    /// Makes sure a driver serves what the socket needs now (no system
    /// call unless it must register). Bytes an event already announced
    /// are read here, in the caller's thread; a driver gets the socket
    /// back (re-armed) only if they are more than one turn's worth.
    pub(crate) fn serve(&self, inner: &mut Inner) -> Result<()> {
        let want = InetPort::want(inner);
        let served = inner.reg.serve(want, driver::pool(), &self.fd, || {
            self.me.upgrade().map(|p| p as Arc<dyn Source>)
        })?;
        if served == Served::ReadNow && self.read_active(inner) == Turn::Again {
            inner.reg.rearm(&self.fd)?;
        }
        Ok(())
    }

    /// The connection is over: leave the driver, drop what is buffered
    /// either way, close the descriptor (keeping its number), wake waiters.
    pub(crate) fn kill(&self, inner: &mut Inner, state: State) {
        inner.state = state;
        inner.queue.clear();
        inner.inbound.clear();
        inner.reg.close();
        self.fd.close();
        self.cond.notify_all();
    }

    /// Our own `shutdown(read)` ended the stream: while the socket is
    /// active, read it now to that end (a bounded number of driver turns;
    /// a peer still sending past it leaves the rest to the driver).
    fn read_to_end_now(&self, inner: &mut Inner) {
        const TURNS: usize = 64;
        for _ in 0..TURNS {
            if !InetPort::want(inner).read {
                return;
            }
            let _ = self.read_active(inner);
        }
        if let Err(reason) = self.serve(inner) {
            self.fail_active(inner, Some(reason));
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
        if !inner.output_pending() || !inner.state.writes_queue() || self.fd.linger_zero() {
            self.kill(&mut inner, State::Closed);
            return Ok(());
        }
        // The driver writes the queue, then closes; it reads no more.
        inner.state = State::Draining;
        inner.inbound.clear();
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

    /// `into_std`: as `close`, the queue is written first (the caller
    /// waits for it, `send_timeout` at most), then the descriptor goes,
    /// its connection untouched, and the socket is closed for every
    /// handle, with no message to the owner.
    fn detach_with(&self, read_ahead: ReadAhead) -> Result<(OwnedFd, Bytes)> {
        let mut inner = self.inner.lock();
        let deadline = sys::deadline(inner.opts.send_timeout);
        let written = |i: &Inner| !i.output_pending() || !i.state.writes_queue();
        if !wait_until(&self.cond, &mut inner, deadline, written) {
            return Err(Error::Timeout);
        }
        if inner.state.is_closed() {
            return Err(Error::Closed);
        }
        if inner.state.fd_dead() {
            // The connection died: what `recv` is owed, as the next call.
            return Err(inner.state.check_recv().err().unwrap_or(Error::Closed));
        }
        let busy = Error::Posix(libc::EBUSY);
        if self.reading.load(Ordering::Acquire) || inner.blocked_reader {
            return Err(busy);
        }
        let buffered = !inner.inbound.is_empty();
        if buffered && read_ahead == ReadAhead::Refuse {
            return Err(busy);
        }
        let reg = &mut inner.reg;
        let fd = match self.fd.detach(|fd| reg.detach(fd)) {
            Ok(fd) => fd,
            Err(e) => {
                if self.fd.is_closed() {
                    // It left its driver, then could not be given away.
                    self.kill(&mut inner, State::Closed);
                }
                return Err(e);
            }
        };
        let buffered = inner.inbound.take_all();
        self.kill(&mut inner, State::Closed);
        Ok((fd, buffered))
    }
}

/// The driver calls back.
impl Source for InetPort {
    fn on_event(&self, event: Event) -> Turn {
        let mut inner = self.inner.lock();
        let want = InetPort::want(&inner);
        let now = inner.reg.on_event(event, want, &self.fd);
        if now.writable {
            self.write_queued(&mut inner);
        }
        let turn = if now.readable {
            self.read_active(&mut inner)
        } else {
            Turn::Done
        };
        // Passive with the queue written: the socket lives on its user
        // handles alone, and closes with the last one.
        let want = InetPort::want(&inner);
        inner.reg.settle(want);
        turn
    }

    /// The driver can no longer serve this socket: what needed it fails
    /// with `reason`, as a read error (active) or a background write error
    /// (output queued) would.
    fn on_failure(&self, reason: Error) {
        let mut inner = self.inner.lock();
        inner.reg.on_failure();
        let want = InetPort::want(&inner);
        if want.read {
            self.fail_active(&mut inner, Some(reason));
        } else if want.write {
            self.background_error(&mut inner, reason);
        }
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
    ///
    /// Then, as `inet:tcp_close/1`, one `{tcp_closed, S}` waiting in the
    /// caller's mailbox is taken out (the caller's, whether it owns the
    /// socket or not); the `socket` backend leaves it.
    fn close(&self) -> Result<()> {
        let closed = self.close_with(true);
        if self.told_closed.load(Ordering::Acquire) {
            let this = |m: &Message| matches!(m, Message::TcpClosed(s) if s.id() == self.id);
            let _ = receive_match(this, Some(Duration::ZERO));
        }
        closed
    }

    /// The owner ended: as a port closed by its owner's exit, the queue is
    /// still written in the background, but nobody waits for it.
    fn close_on_owner_exit(&self) {
        let _ = self.close_with(false);
    }

    /// `shutdown/2`. A read side shut on an active socket is read to its
    /// end at once, in the caller's thread: `inet_drv`'s port sees the
    /// end of stream its own `shutdown(read)` makes before the next call
    /// (the owner gets what was still unread, then `{tcp_closed, S}`, and
    /// with `exit_on_close` the port is gone).
    fn shutdown(&self, how: Shutdown) -> Result<()> {
        let mut inner = self.inner.lock();
        if how == Shutdown::Read {
            if inner.state.is_closed() {
                return Err(Error::Closed);
            }
            if inner.state.fd_dead() {
                return Err(crate::errors::enotconn());
            }
            self.fd.shutdown(how)?;
            self.read_to_end_now(&mut inner);
            return Ok(());
        }
        let empty = !inner.output_pending();
        if inner.state.shutdown_write(how, empty)? {
            self.fd.shutdown(how)?;
            if how == Shutdown::ReadWrite {
                self.read_to_end_now(&mut inner);
            }
        }
        self.cond.notify_all();
        Ok(())
    }

    fn setopts(&self, opts: &[Opt]) -> Result<()> {
        let mut inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        let old_packet = inner.opts.packet;
        let local = self.fd.is_local();
        let (outcome, result) = if inner.state.fd_dead() {
            policy::setopts_without_descriptor(local, &mut inner.opts, opts)
        } else {
            policy::setopts(self.fd.as_fd(), local, &mut inner.opts, opts)
        };
        self.fd.options_set(opts);
        result?;
        if inner.opts.packet != old_packet {
            inner.inbound.packet_changed();
        }
        for _ in 0..outcome.passive_messages {
            self.tell_owner(Message::TcpPassive);
        }
        // Turning passive needs no system call: the socket stays
        // registered, the driver stops reading it, and it lives on its
        // user handles alone (unless output is still queued).
        if inner.opts.active.is_active() {
            inner.activations = inner.activations.wrapping_add(1);
            self.activate(&mut inner);
        } else {
            let want = InetPort::want(&inner);
            inner.reg.settle(want);
        }
        Ok(())
    }

    fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>> {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        let fd = (!inner.state.fd_dead()).then(|| self.fd.as_fd());
        policy::getopts(fd, self.fd.is_local(), &inner.opts, names)
    }

    /// Once the connection died but the port lives, `enotconn`, as
    /// `inet_drv` answers for a descriptor it closed; `einval` once the
    /// port is gone.
    fn peername(&self) -> Result<SockAddr> {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        if inner.state.fd_dead() {
            return Err(crate::errors::enotconn());
        }
        self.fd.peername()
    }

    /// Once the connection died but the port lives, `ebadf`: `inet_drv`
    /// asks the kernel about the descriptor it closed. `einval` once the
    /// port is gone.
    fn sockname(&self) -> Result<SockAddr> {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        if inner.state.fd_dead() {
            return Err(Error::Posix(libc::EBADF));
        }
        self.fd.sockname()
    }

    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            return Err(Error::Einval);
        }
        // Received bytes count as they are delivered, as inet_drv's.
        let send_pend = inner.queue.len() as u64;
        Ok(self
            .counters
            .report_delivered(stats, send_pend, inner.inbound.delivered()))
    }

    fn raw_fd(&self) -> RawFd {
        self.fd.raw()
    }

    fn is_closed(&self) -> bool {
        self.inner.lock().state.is_closed()
    }

    fn detach(&self, read_ahead: ReadAhead) -> Result<(OwnedFd, Bytes)> {
        self.detach_with(read_ahead)
    }

    /// From the state, with no system call: `[connected, open]` while the
    /// connection lives, `busy` added while the queue is over
    /// `high_watermark` (as `inet_drv`'s `INET_F_BUSY`: OTP 25 answers
    /// `[busy, connected, open]` to a sender waiting on it), `[open]`
    /// once the connection died, none once closed.
    fn status(&self) -> Status {
        let inner = self.inner.lock();
        if inner.state.is_closed() {
            Status::CLOSED
        } else if inner.state.fd_dead() {
            Status::OPEN
        } else if inner.queue.is_busy() {
            Status::BUSY | Status::CONNECTED | Status::OPEN
        } else {
            Status::CONNECTED | Status::OPEN
        }
    }
}
