//! `send`: straight to the kernel in the caller's thread when nothing is
//! queued; what the kernel will not take is queued for the driver, and
//! the call returns without waiting for the network (reference page,
//! `send/2`: "Non-blocking send"). Only a busy port makes a sender wait.

use crate::errors::io_reason;
use crate::port::{InetPort, Inner};
use crate::queue::wait_until;
use crate::state::State;
use gen_tcp_core::packet::Frame;
use gen_tcp_core::process::Message;
use gen_tcp_core::{sys, Block, Error, Result};
use std::io;

/// True while a sender waiting on a busy port must keep waiting.
fn still_busy(inner: &Inner) -> bool {
    inner.queue.is_busy() && inner.state.writes_queue()
}

impl InetPort {
    /// `send/2`.
    ///
    /// As `inet_drv`'s `tcp_sendv` (checked with OTP 25): with the queue
    /// empty, the bytes go to the kernel at once and what it does not take
    /// is queued for the driver, and the call returns `ok` however much
    /// that is (the port does not turn busy on it). With
    /// bytes already queued (or `delay_send`), the send joins the queue,
    /// and if the queue has reached `high_watermark` the port turns busy
    /// and this sender waits until the driver brings it below
    /// `low_watermark`, or `send_timeout` passes: then it answers
    /// `timeout`, its bytes queued all the same (or closes the socket,
    /// `send_timeout_close`).
    pub(crate) fn send_chunks(&self, chunks: &[&[u8]]) -> Result<()> {
        let mut inner = self.lock();
        if inner.state.write_side_shut() {
            // inet_drv writes anyway (counting the bytes, as every write
            // it makes), meets EPIPE and closes the socket.
            let reason = inner.state.send_after_shutdown(inner.opts.show_econnreset);
            if let Ok(frame) = Frame::new(inner.opts.packet, chunks) {
                self.counters.sent(frame.len());
            }
            return Err(self.send_failed(&mut inner, reason));
        }
        inner.state.check_send()?;
        let frame = Frame::new(inner.opts.packet, chunks).map_err(|_| Error::Emsgsize)?;
        let total = frame.len();

        if inner.queue.is_empty() && !inner.direct_send && !inner.opts.delay_send {
            // Written never blocking, without the lock (the peer it wakes
            // may make the driver want it); senders meanwhile queue
            // behind it.
            inner.direct_send = true;
            drop(inner);
            // Until the kernel refuses (inet_drv makes one write and its
            // driver the next ones, soon after: otp-diff
            // inet-send-one-write-per-send shows where the kernel then
            // takes a different amount).
            let (written, stopped) = self.fd.send_all(&frame, 0, Block::No);
            let mut inner = self.lock();
            inner.direct_send = false;
            return self.sent_directly(&mut inner, &frame, written, stopped);
        }

        // Counted once queued, as inet_drv counts a send it took (even one
        // that then times out on a busy port).
        self.counters.sent(total);
        inner.queue.push(frame.rest(0));
        self.serve_queue(&mut inner)?;
        let high = inner.opts.high_watermark;
        inner.queue.check_high(high);
        if !inner.queue.is_busy() {
            return Ok(());
        }
        let deadline = sys::deadline(inner.opts.send_timeout);
        if !wait_until(&self.cond, &mut inner, deadline, |i| !still_busy(i)) {
            if inner.opts.send_timeout_close {
                self.kill(&mut inner, State::broken(None, None));
            }
            return Err(Error::Timeout);
        }
        // Woken because the queue drained below low_watermark, or because
        // the connection died meanwhile: then this send answers what the
        // state says.
        if inner.state.writes_queue() {
            Ok(())
        } else {
            inner.state.check_send()
        }
    }

    /// After a direct send: the rest the kernel did not take goes to the
    /// front of the queue (senders that came meanwhile queued behind it)
    /// for the driver; a failure ends the connection as `inet_drv` does.
    fn sent_directly(
        &self,
        inner: &mut Inner,
        frame: &Frame<'_>,
        written: usize,
        stopped: Option<io::Error>,
    ) -> Result<()> {
        if let Some(e) = stopped.filter(|e| e.kind() != io::ErrorKind::WouldBlock) {
            if inner.state.is_closed() {
                // Closed by another thread meanwhile.
                return Err(Error::Closed);
            }
            // inet_drv counts a write before it makes it: one the kernel
            // refuses is counted too (checked with OTP 25).
            self.counters.sent(frame.len());
            let reason = io_reason(&e, inner.opts.show_econnreset);
            if written == 0 {
                return Err(self.send_failed(inner, reason));
            }
            // inet_drv makes one write per send: it would have queued the
            // rest and answered ok, and its driver would meet the error on
            // its next write. We met it already: it is that background
            // error, reported by the next call.
            self.background_error(inner, reason);
            return Ok(());
        }
        self.counters.sent(frame.len());
        if written < frame.len() {
            if !inner.state.writes_queue() {
                // The connection ended meanwhile: the rest goes with it.
                return Err(Error::Closed);
            }
            inner.reg.full();
            inner.queue.push_front(frame.rest(written));
        }
        if inner.queue.is_empty() {
            self.queue_written(inner);
            Ok(())
        } else {
            self.serve_queue(inner)
        }
    }

    /// The queue is empty: wake busy senders, and do what waited for it
    /// (a deferred shutdown or close).
    fn queue_written(&self, inner: &mut Inner) {
        self.cond.notify_all();
        match inner.state {
            State::ShutdownPending(how) => {
                let _ = self.fd.shutdown(how);
                inner.state = State::WriteShut { by_driver: true };
            }
            State::Draining => self.kill(inner, State::Closed),
            _ => {}
        }
    }

    /// Has a driver write the queue. When none can take the socket (out
    /// of descriptors), the send fails with the reason and the connection
    /// is over, as after a failed write.
    fn serve_queue(&self, inner: &mut Inner) -> Result<()> {
        let Err(reason) = self.serve(inner) else {
            return Ok(());
        };
        Err(self.send_failed(inner, reason))
    }

    /// A `send` (in the caller's thread) failed with `reason`: the
    /// connection is over, and the call answers the reason returned. As
    /// `inet_drv`'s `tcp_send_error`: an active socket tells its owner
    /// (`{tcp_error, S, econnreset}` with `show_econnreset`, then
    /// `{tcp_closed, S}`) and is gone, or without `exit_on_close` keeps
    /// its port with the descriptor closed; a passive one leaves the
    /// report for the next `recv` (or, after the peer's close with
    /// `{exit_on_close, false}`, answers the reason from now on).
    pub(crate) fn send_failed(&self, inner: &mut Inner, reason: Error) -> Error {
        if !inner.opts.active.is_active() {
            let dead = inner.state.send_failed(reason.clone());
            self.kill(inner, dead);
            return reason;
        }
        let told = matches!(inner.state, State::PeerClosed { told: true });
        let dead = if inner.opts.exit_on_close {
            State::ClosedReported
        } else {
            State::Broken {
                recv: None,
                send: None,
                told: true,
            }
        };
        self.kill(inner, dead);
        if !told {
            if reason != Error::Closed {
                let e = reason.clone();
                self.tell_owner(|s| Message::TcpError(s, e));
            }
            self.tell_owner(Message::TcpClosed);
        }
        reason
    }

    /// The driver: the socket is writable; write the queue, then do what
    /// waited for it (a deferred shutdown or close).
    pub(crate) fn write_queued(&self, inner: &mut Inner) {
        // A direct send's rest goes first: it serves the queue when done.
        if inner.queue.is_empty() || !inner.state.writes_queue() || inner.direct_send {
            return;
        }
        match inner.queue.write_to(&self.fd) {
            Ok(true) => {}
            Ok(false) => inner.reg.full(),
            Err(e) => {
                let reason = io_reason(&e, inner.opts.show_econnreset);
                self.background_error(inner, reason);
                return;
            }
        }
        if inner.queue.check_low(inner.opts.low_watermark) {
            self.cond.notify_all();
        }
        if inner.queue.is_empty() {
            self.queue_written(inner);
        }
    }

    /// A background write failed. Nobody is told now unless the socket
    /// is active; what the OS still held for us is lost (reference page,
    /// "Async shutdown write" and the note on remote close).
    pub(crate) fn background_error(&self, inner: &mut Inner, reason: Error) {
        if inner.state == State::Draining {
            self.kill(inner, State::Closed);
        } else if inner.opts.active.is_active() {
            let owed = reason.clone();
            let _ = self.send_failed(inner, reason);
            if let State::Broken { send, .. } = &mut inner.state {
                // Without exit_on_close the port lives, and its next
                // `send` is told (OTP 25: inet-send-to-closed-peer).
                *send = Some(owed);
            }
        } else {
            let dead = inner.state.error_in_background(reason);
            self.kill(inner, dead);
        }
    }
}
