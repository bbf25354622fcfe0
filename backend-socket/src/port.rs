//! [`SocketPort`]: one socket of this backend, and its [`Port`] impl.
//!
//! Every call runs in the caller's thread with direct system calls. One
//! lock guards the [`State`]; it is never held across a blocking wait, so
//! `setopts`, `getopts` and `close` proceed while a `recv` or `accept`
//! waits. Readers and senders are serialised by their own locks, so
//! frames never interleave and two readers never split a packet.

use crate::active::{pump, Pumped};
use crate::state::{Phase, Shut, State};
use crate::{options, poller};
use bytes::Bytes;
use gen_tcp_core::port::{Owner, Port, ReadAhead, SocketExt, SocketIdExt};
use gen_tcp_core::reactor::{Event, Served, Source, Turn, READS_PER_TURN};
use gen_tcp_core::stats::Stat;
use gen_tcp_core::sys;
use gen_tcp_core::{
    Counters, Data, Descriptor, Error, InetBackend, Opt, OptName, Result, SockAddr, SockOpts,
    Socket, SocketId,
};
use parking_lot::Mutex;
use std::os::fd::{OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// One socket of the `socket` backend: a listen socket or a connection.
pub struct SocketPort {
    pub(crate) id: SocketId,
    /// The descriptor; closed for good when the port is dropped.
    pub(crate) fd: Descriptor,
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
    /// with the poller if it starts active. A socket that starts active
    /// and cannot get the poller (out of descriptors) is closed, and the
    /// reason is the caller's.
    pub(crate) fn open(fd: Descriptor, phase: Phase, opts: SockOpts) -> Result<Socket> {
        let listening = phase == Phase::Listening;
        let port = Arc::new_cyclic(|me| SocketPort {
            id: SocketId::next(),
            fd,
            owner: Owner::new_for_caller(),
            state: Mutex::new(State::new(phase, opts)),
            send_lock: Mutex::new(()),
            recv_lock: Mutex::new(()),
            counters: Counters::for_backend(InetBackend::Socket),
            closed: AtomicBool::new(false),
            me: me.clone(),
        });
        if !listening {
            let mut st = port.state.lock();
            if st.want().read {
                if let Err(e) = port.serve(&mut st) {
                    drop(st);
                    let _ = port.close();
                    return Err(e);
                }
            }
        }
        Ok(Socket::new(port))
    }

    /// The descriptor number.
    pub(crate) fn raw(&self) -> RawFd {
        self.fd.raw()
    }

    /// A handle naming this socket in messages; `None` while it is dropped.
    pub(crate) fn handle(&self) -> Option<Socket> {
        let me: Arc<dyn Port> = self.me.upgrade()?;
        Some(Socket::from_port(me))
    }

    /// Makes sure the poller reads the socket while it is active (no
    /// system call unless it must register). Bytes an event already
    /// announced are read here, in the caller's thread; the poller gets
    /// the socket back (re-armed) only if they are more than one turn's
    /// worth.
    fn serve(&self, st: &mut State) -> Result<()> {
        let want = st.want();
        let served = st.reg.serve(want, poller::pool(), &self.fd, || {
            self.me.upgrade().map(|p| p as Arc<dyn Source>)
        })?;
        if served == Served::ReadNow && pump(self, st, READS_PER_TURN) == Pumped::More {
            st.reg.rearm(&self.fd)?;
        }
        Ok(())
    }

    /// The socket turned active: deliver what is buffered now, and have
    /// the poller read the rest. When the poller cannot take it, the
    /// socket fails as for a read error: the owner gets `{tcp_error, S,
    /// Reason}` and `{tcp_closed, S}`.
    /// While a passive `recv` waits, nothing happens here: that `recv`
    /// takes the next packet, then activates the socket as it ends.
    pub(crate) fn activate(&self, st: &mut State) {
        if st.recv_waiting {
            return;
        }
        crate::active::deliver_buffered(self, st);
        if st.want().read {
            // A socket the poller has never seen: its readiness is not
            // known yet, so read it now, as OTP's socket backend does when
            // it turns active (a reset already there is reported before
            // `setopts` returns, and a `recv` after it answers `closed`).
            let fresh = !st.reg.is_registered();
            if let Err(reason) = self.serve(st) {
                self.fail(st, reason);
            } else if fresh && self.read_now(st) {
                if let Err(reason) = st.reg.rearm(&self.fd) {
                    self.fail(st, reason);
                }
            }
        } else {
            // Passive again already: it lives on its user handles alone.
            let want = st.want();
            st.reg.settle(want);
        }
    }

    /// Reads what the kernel holds, delivering as it goes, until it
    /// answers `EAGAIN`, the stream ends or the socket is no longer
    /// active: what OTP's socket backend does when a socket turns active
    /// (a short read does not stop it, so bytes followed by a reset are
    /// both reported). True if it stopped with bytes maybe left.
    fn read_now(&self, st: &mut State) -> bool {
        for _ in 0..READS_PER_TURN {
            if !crate::active::deliver_buffered(self, st) || st.phase != Phase::Connected {
                return false;
            }
            let want = st.inbound.want(&st.opts, 0);
            match st.inbound.fill_from(&self.fd, want) {
                Ok(0) => {
                    st.end_of_stream(None);
                }
                Ok(n) => self.counters.received(n),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    st.reg.drained();
                    return false;
                }
                Err(e) => {
                    st.end_of_stream(Some(&e));
                }
            }
        }
        crate::active::deliver_buffered(self, st)
    }

    /// Reading the socket failed with `reason` (as a read error would).
    fn fail(&self, st: &mut State, reason: Error) {
        st.phase = Phase::PeerClosed(reason);
        crate::active::deliver_buffered(self, st);
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
        let acceptors = self.owner.acceptors();
        let s = acceptors.accept(&self.fd, deadline, || match self.state.lock().phase {
            Phase::Listening => Ok(()),
            Phase::Closed => Err(Error::Closed),
            _ => Err(Error::Einval),
        })?;
        // The accepted socket inherits the listen socket's options and
        // belongs to the caller, as in OTP.
        let opts = self.state.lock().opts.clone();
        SocketPort::open(s, Phase::Connected, opts)
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
        let listening = st.phase == Phase::Listening;
        st.phase = Phase::Closed;
        st.reg.close();
        if listening {
            // Connections that came while processes waited in accept are
            // theirs.
            self.owner.acceptors().close(&self.fd);
        }
        // Wakes blocked readers and acceptors (`{linger, {true, 0}}`: with
        // a reset); the number stays valid.
        self.fd.close();
        Ok(())
    }

    /// `shutdown/2` as OTP 25's socket backend answers it: `read` and
    /// `read_write` move the socket to a state where reading is over
    /// (`recv` answers `closed`, no active message comes, `active` can no
    /// longer be set); a shutdown of what is already shut answers `ok`
    /// when it is the same `how` and `enotconn` otherwise, without a
    /// system call. The state lock is held across shutdown(2), so the
    /// poller never reads the end of stream our own `shutdown(read)` makes.
    fn shutdown(&self, how: gen_tcp_core::Shutdown) -> Result<()> {
        use gen_tcp_core::Shutdown as How;
        self.live()?;
        let mut st = self.state.lock();
        let enotconn = Err(Error::Posix(libc::ENOTCONN));
        let next = match (st.phase.clone(), st.shut, how) {
            (Phase::Closed, _, _) => return Err(Error::Closed),
            // Without shutdown(2), which would stop the listener.
            (Phase::Listening, _, _) => return enotconn,
            (_, Shut::Open, How::Write) => Shut::Open,
            (_, Shut::Open, How::Read) => Shut::Read,
            (_, Shut::Read, How::Read) | (_, Shut::ReadWrite, How::ReadWrite) => return Ok(()),
            (_, Shut::Read, How::Write) | (_, Shut::Open, How::ReadWrite) => Shut::ReadWrite,
            (_, Shut::Read, How::ReadWrite) | (_, Shut::ReadWrite, _) => return enotconn,
        };
        self.fd.shutdown(how)?;
        st.shut = next;
        // Reading over: the poller lets the socket go.
        let want = st.want();
        st.reg.settle(want);
        Ok(())
    }

    fn setopts(&self, opts: &[Opt]) -> Result<()> {
        options::setopts(self, opts)
    }

    fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>> {
        options::getopts(self, names)
    }

    fn peername(&self) -> Result<SockAddr> {
        self.usable()?;
        self.fd.peername()
    }

    fn sockname(&self) -> Result<SockAddr> {
        self.usable()?;
        self.fd.sockname()
    }

    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
        self.usable()?;
        // Nothing is ever queued on this backend: `send` returns when the
        // kernel has every byte.
        Ok(self.counters.report(stats, 0))
    }

    fn raw_fd(&self) -> RawFd {
        self.raw()
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// `into_std`: refused (`ebusy`) while a `send`, `recv` or `accept`
    /// runs on the socket; nothing is ever queued here.
    fn detach(&self, read_ahead: ReadAhead) -> Result<(OwnedFd, Bytes)> {
        let busy = || Error::Posix(libc::EBUSY);
        // Never waited for (a `recv` may wait forever): only tried.
        let _sender = self.send_lock.try_lock().ok_or_else(busy)?;
        let _reader = self.recv_lock.try_lock().ok_or_else(busy)?;
        let mut st = self.state.lock();
        self.live()?;
        if st.blocked_reader {
            return Err(busy());
        }
        let buffered = !st.inbound.is_empty();
        if buffered && read_ahead == ReadAhead::Refuse {
            return Err(busy());
        }
        let reg = &mut st.reg;
        let detached = self.fd.detach(|fd| reg.detach(fd));
        if detached.is_ok() && self.closed.swap(true, Ordering::AcqRel) {
            // A `close` came meanwhile (it waits for this lock): it wins,
            // and the connection ends with the descriptor dropped here.
            st.phase = Phase::Closed;
            return Err(Error::Closed);
        }
        if self.fd.is_closed() {
            self.closed.store(true, Ordering::Release);
            st.phase = Phase::Closed;
            st.reg.close();
        }
        let fd = detached?;
        Ok((fd, st.inbound.take_all()))
    }
}

/// The poller calls back.
impl Source for SocketPort {
    fn on_event(&self, event: Event) -> Turn {
        let mut st = self.state.lock();
        let want = st.want();
        let now = st.reg.on_event(event, want, &self.fd);
        if now.readable && pump(self, &mut st, READS_PER_TURN) == Pumped::More {
            return Turn::Again;
        }
        // Passive now: the socket lives on its user handles alone.
        let want = st.want();
        st.reg.settle(want);
        Turn::Done
    }

    fn on_failure(&self, reason: Error) {
        let mut st = self.state.lock();
        st.reg.on_failure();
        if st.want().read {
            self.fail(&mut st, reason);
        }
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

    /// `closed` once closed, by `close/1` or because a read failed and
    /// was reported (OTP 25 closes the socket then: `getstat`,
    /// `sockname`, `peername`, `shutdown` and `send` answer `closed`).
    pub(crate) fn usable(&self) -> Result<()> {
        self.live()?;
        if self.state.lock().phase == Phase::Closed {
            return Err(Error::Closed);
        }
        Ok(())
    }
}
