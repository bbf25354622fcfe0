//! Passive `recv` and `Read`: the caller's thread reads what is there
//! and, when nothing is, waits in `poll` on the descriptor (bounded by its
//! timeout), as tokio's `PollEvented` tries the syscall first. The driver
//! is not involved.

use crate::errors::io_reason;
use crate::port::{InetPort, Inner};
use crate::state::State;
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
        if inner.opts.active.is_active() {
            return Err(Error::Einval);
        }
        inner.state.check_recv()
    }

    /// Reads once into the receive buffer, handling end of stream and
    /// errors as `recv` reports them.
    fn fill(&self, inner: &mut Inner, want: usize) -> Result<Filled> {
        match inner.inbound.fill_from(self.fd(), want) {
            Ok(0) => {
                let state = State::eof_on_recv(inner.opts.exit_on_close);
                if inner.opts.exit_on_close {
                    self.kill(inner, state);
                } else {
                    inner.state = state;
                }
                Err(Error::Closed)
            }
            Ok(n) => {
                self.counters.received(n);
                Ok(Filled::Bytes)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Filled::WouldBlock),
            Err(e) => {
                let reason = io_reason(&e, inner.opts.show_econnreset);
                self.kill(inner, State::error_on_recv(&reason));
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
        let r = sys::wait_fd(self.fd(), Wait::Read, deadline);
        let inner = self.lock();
        r.map(|()| inner)
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
        loop {
            let i = &mut *inner;
            match i.inbound.next_packet(&i.opts, length) {
                Ok(Some(data)) => return Ok(data),
                Ok(None) => {}
                Err(e) => {
                    self.kill(&mut inner, State::error_on_recv(&e));
                    return Err(e);
                }
            }
            let want = i.inbound.want(&i.opts, length);
            if let Filled::WouldBlock = self.fill(&mut inner, want)? {
                inner = self.wait_readable(inner, deadline)?;
                self.passive(&mut inner)?;
            }
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
            if !inner.unread.is_empty() {
                let n = buf.len().min(inner.unread.len());
                buf[..n].copy_from_slice(&inner.unread.split_to(n));
                return Ok(n);
            }
            if inner.opts.packet != PacketType::Raw {
                drop(inner);
                let mut packet = self.recv_packet(0, timeout)?.into_bytes();
                inner = self.lock();
                let n = buf.len().min(packet.len());
                buf[..n].copy_from_slice(&packet.split_to(n));
                inner.unread = packet;
                return Ok(n);
            }
            if !inner.inbound.is_empty() {
                let got = inner.inbound.take(buf.len());
                buf[..got.len()].copy_from_slice(&got);
                return Ok(got.len());
            }
            match sys::read(self.fd(), buf) {
                Ok(0) => {
                    // Let `fill` record the end of stream as `recv` would.
                    return match self.fill(&mut inner, 0) {
                        Ok(Filled::Bytes) => continue,
                        Ok(Filled::WouldBlock) => Ok(0),
                        Err(e) => Err(e),
                    };
                }
                Ok(n) => {
                    self.counters.received(n);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    inner = self.wait_readable(inner, deadline)?;
                    self.passive(&mut inner)?;
                }
                Err(e) => {
                    let reason = io_reason(&e, inner.opts.show_econnreset);
                    self.kill(&mut inner, State::error_on_recv(&reason));
                    return Err(reason);
                }
            }
        }
    }
}
