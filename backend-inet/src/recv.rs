//! Passive `recv` and `Read`, in the caller's thread, as tokio's
//! `PollEvented` tries the syscall first; the driver is not involved.
//!
//! With no timeout, a `recv` that must wait for bytes is one blocking
//! `recv(2)` made without the lock (so `close`, `setopts` and `getopts`
//! proceed meanwhile; `close` wakes it): the same one syscall std makes.
//! With a timeout, it reads without waiting and polls until the deadline,
//! and the deadline holds however the bytes come: a peer that keeps the
//! socket readable with a frame it never finishes does not keep `recv`
//! past it (what came is kept for the next call).

use crate::active::Read;
use crate::errors::io_reason;
use crate::port::{InetPort, Inner};
use crate::state::State;
use gen_tcp_core::descriptor::{Block, SCRATCH};
use gen_tcp_core::sys::{self, Wait};
use gen_tcp_core::{Data, Error, PacketType, Result};
use parking_lot::MutexGuard;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Marks a `recv` running on a port until dropped.
struct Reading<'a>(&'a AtomicBool);

impl<'a> Reading<'a> {
    /// `ealready` when another `recv` runs on the port.
    fn start(flag: &'a AtomicBool) -> Result<Reading<'a>> {
        if flag.swap(true, Ordering::Acquire) {
            return Err(Error::Posix(libc::EALREADY));
        }
        Ok(Reading(flag))
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// What one read attempt gave.
enum Filled {
    Bytes,
    WouldBlock,
}

impl InetPort {
    /// The checks every passive read starts with.
    fn passive(&self, inner: &mut Inner) -> Result<()> {
        if inner.state.is_closed() {
            return Err(Error::Closed);
        }
        if inner.state.fd_dead() {
            // inet_drv checks the connection before the mode: a dead one
            // answers its report (or `enotconn`) even when active.
            return inner.state.check_recv();
        }
        if inner.opts.active.is_active() {
            return Err(Error::Einval);
        }
        inner.state.check_recv()
    }

    /// A passive read failed with `reason` (which `recv` answers): the
    /// connection ends, or with `{exit_on_close, false}` its read side only.
    pub(crate) fn recv_failed(&self, inner: &mut Inner, reason: &Error) {
        match State::error_on_recv(reason, inner.opts.exit_on_close) {
            Some(state) if inner.opts.exit_on_close => self.kill(inner, state),
            Some(state) => {
                inner.state = state;
                inner.inbound.clear();
            }
            None => inner.inbound.clear(),
        }
    }

    /// What a passive read's result means: bytes came (counted when
    /// delivered, as `inet_drv` counts), or the end of the stream or an
    /// error recorded as `recv` reports them.
    fn received(&self, inner: &mut Inner, r: io::Result<usize>) -> Result<Filled> {
        match r {
            Ok(0) => {
                self.recv_failed(inner, &Error::Closed);
                Err(Error::Closed)
            }
            Ok(_) => Ok(Filled::Bytes),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Filled::WouldBlock),
            Err(e) => {
                let reason = io_reason(&e, inner.opts.show_econnreset);
                self.recv_failed(inner, &reason);
                Err(reason)
            }
        }
    }

    /// Waits without the lock until the descriptor is readable.
    fn wait_readable<'a>(
        &'a self,
        inner: MutexGuard<'a, Inner>,
        deadline: Option<Instant>,
    ) -> Result<MutexGuard<'a, Inner>> {
        drop(inner);
        let r = self.fd.wait(Wait::Read, deadline);
        let inner = self.lock();
        r.map(|()| inner)
    }

    /// Runs a blocking receive `io` without the lock, then takes the lock
    /// back. The socket may have been closed meanwhile (`closed`), its
    /// connection may have died (what the state owes `recv`), or it may
    /// have turned active: then what came goes the active way (the owner
    /// gets it in order), and this `recv` answers `einval`.
    fn blocking<'a, T>(
        &'a self,
        mut inner: MutexGuard<'a, Inner>,
        io: impl FnOnce(&'a Self) -> (MutexGuard<'a, Inner>, io::Result<T>),
    ) -> Result<(MutexGuard<'a, Inner>, io::Result<T>)> {
        inner.blocked_reader = true;
        drop(inner);
        let (mut inner, r) = io(self);
        inner.blocked_reader = false;
        if matches!(&r, Err(e) if gen_tcp_core::descriptor::killed(e)) {
            // The caller's process was killed: the socket is as it was.
            return Err(Error::Killed);
        }
        if inner.state.is_closed() {
            return Err(Error::Closed);
        }
        if inner.state.fd_dead() || self.fd.is_closed() {
            // The connection died meanwhile (a failed send, say): answer
            // what the state owes `recv`, as when woken from a wait.
            inner.state.check_recv()?;
            return Err(crate::errors::enotconn());
        }
        Ok((inner, r))
    }

    /// The socket turned active while a `recv` was blocked: the bytes it
    /// got are already buffered; hand the socket to the driver.
    fn turned_active(&self, inner: &mut Inner, r: io::Result<usize>) -> Error {
        if !matches!(r, Ok(n) if n > 0) {
            let _: Read = self.received_active(inner, r);
        }
        self.activate(inner);
        Error::Einval
    }

    /// A `recv` that was waiting when its socket turned active, as
    /// `inet_drv` treats it: what comes now goes to the owner as messages
    /// and this `recv` gets none of it, even if the socket turns passive
    /// again; it answers `timeout` at its deadline, or what the state owes
    /// `recv` if the socket closes or dies first (with no deadline it
    /// waits for that). OTP 25 never answers one whose socket went
    /// passive again through `{active, once | N}`, even past its
    /// deadline: here the deadline holds.
    fn overtaken(&self, mut inner: MutexGuard<'_, Inner>, deadline: Option<Instant>) -> Error {
        loop {
            if inner.state.is_closed() {
                return Error::Closed;
            }
            if inner.state.fd_dead() {
                return inner.state.check_recv().err().unwrap_or(Error::Closed);
            }
            match deadline {
                None => self.cond.wait(&mut inner),
                Some(d) => {
                    if self.cond.wait_until(&mut inner, d).timed_out() && sys::passed(deadline) {
                        return Error::Timeout;
                    }
                }
            }
        }
    }

    /// Gets more bytes into the receive buffer for `recv`, waiting as
    /// the deadline allows.
    /// `epoch` is [`Inner::activations`] when the `recv` started: if it
    /// changed, the socket turned active meanwhile.
    fn receive_more<'a>(
        &'a self,
        mut inner: MutexGuard<'a, Inner>,
        want: usize,
        deadline: Option<Instant>,
        epoch: u64,
    ) -> Result<MutexGuard<'a, Inner>> {
        if deadline.is_none() && want <= SCRATCH {
            let (mut inner, r) = self.blocking(inner, |me| {
                me.fd.recv_scratch(Block::Until(None), |got| {
                    let mut inner = me.lock();
                    let r = got.map(|bytes| {
                        inner.inbound.extend(bytes);
                        bytes.len()
                    });
                    (inner, r)
                })
            })?;
            if inner.activations != epoch {
                if inner.opts.active.is_active() {
                    self.turned_active(&mut inner, r);
                } else {
                    // Passive again: what came waits for the next `recv`.
                    let _ = self.received(&mut inner, r);
                }
                return Err(self.overtaken(inner, deadline));
            }
            self.received(&mut inner, r)?;
            return Ok(inner);
        }
        let r = inner.inbound.fill_from(&self.fd, want);
        if let Filled::WouldBlock = self.received(&mut inner, r)? {
            inner = self.wait_readable(inner, deadline)?;
            if inner.activations != epoch {
                return Err(self.overtaken(inner, deadline));
            }
            self.passive(&mut inner)?;
        }
        Ok(inner)
    }

    /// `recv/3`.
    pub(crate) fn recv_packet(
        &self,
        length: usize,
        timeout: Option<std::time::Duration>,
    ) -> Result<Data> {
        let deadline = sys::deadline(timeout);
        let _reading = Reading::start(&self.reading)?;
        let mut inner = self.lock();
        self.passive(&mut inner)?;
        if length > 0 && inner.opts.packet != PacketType::Raw {
            return Err(Error::Einval);
        }
        inner.opts.check_recv_length(length)?;
        // A raw `recv(S, 0)` takes what the kernel holds with what is
        // buffered, as OTP's.
        let i = &mut *inner;
        if let Some(r) = i.inbound.top_up(&self.fd, &i.opts, length) {
            self.received(&mut inner, r)?;
        }
        let epoch = inner.activations;
        // The kernel is read at least once, even with a zero timeout.
        let mut read_once = false;
        loop {
            let i = &mut *inner;
            match i.inbound.next_packet(&i.opts, length) {
                Ok(Some(data)) => return Ok(data),
                Ok(None) => {}
                Err(e) if !inner.opts.exit_on_close => {
                    // inet_drv throws its buffer away (one read: at most
                    // `buffer` bytes) and the socket stays open (OTP 25).
                    let buffer = inner.opts.buffer as usize;
                    inner.inbound.discard(buffer.max(1));
                    return Err(e);
                }
                Err(e) => {
                    self.recv_failed(&mut inner, &e);
                    return Err(e);
                }
            }
            // A timeout is a deadline, whatever keeps arriving.
            if read_once && sys::passed(deadline) {
                return Err(Error::Timeout);
            }
            read_once = true;
            let want = inner.inbound.want(&inner.opts, length);
            inner = self.receive_more(inner, want, deadline, epoch)?;
        }
    }

    /// `Read`: in raw mode, reads straight into `buf` when nothing is
    /// buffered; in a packet mode, hands out the next packet in pieces.
    pub(crate) fn read_raw(
        &self,
        buf: &mut [u8],
        timeout: Option<std::time::Duration>,
    ) -> Result<usize> {
        let deadline = sys::deadline(timeout);
        let mut inner = self.lock();
        self.passive(&mut inner)?;
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(rest) = inner.inbound.take_rest(buf.len()) {
                buf[..rest.len()].copy_from_slice(&rest);
                return Ok(rest.len());
            }
            if inner.opts.packet != PacketType::Raw {
                drop(inner);
                let mut packet = self.recv_packet(0, timeout)?.into_bytes();
                inner = self.lock();
                let n = buf.len().min(packet.len());
                buf[..n].copy_from_slice(&packet.split_to(n));
                inner.inbound.keep_rest(packet);
                return Ok(n);
            }
            if !inner.inbound.is_empty() {
                let got = inner.inbound.take(buf.len());
                buf[..got.len()].copy_from_slice(&got);
                return Ok(got.len());
            }
            // (A deadline that has passed ends the wait below, once the
            // kernel was read: `recv(S, 0, 0)` takes what is there.)
            let r = if deadline.is_none() {
                let (mut i, r) = self.blocking(inner, |me| {
                    let r = me.fd.recv(buf, Block::Until(None));
                    (me.lock(), r)
                })?;
                if i.opts.active.is_active() {
                    if let Ok(n) = r {
                        i.inbound.extend(&buf[..n]);
                    }
                    return Err(self.turned_active(&mut i, r));
                }
                inner = i;
                r
            } else {
                self.fd.recv(buf, Block::No)
            };
            let n = *r.as_ref().unwrap_or(&0);
            match self.received(&mut inner, r)? {
                Filled::Bytes => {
                    inner.inbound.count_direct(n);
                    return Ok(n);
                }
                Filled::WouldBlock => {
                    inner = self.wait_readable(inner, deadline)?;
                    self.passive(&mut inner)?;
                }
            }
        }
    }
}
