//! Active mode: the driver reads while the socket is active and delivers
//! `{tcp, S, Data}` in order through the owner (so `controlling_process`
//! keeps its ordering), `{tcp_passive, S}` when an `{active, N}` counter
//! runs out, and at the end `{tcp_error, S, Reason}` / `{tcp_closed, S}`
//! as OTP 25's `inet` backend sends them:
//!
//! - end of stream: `{tcp_closed, S}` (with `{exit_on_close, false}` the
//!   socket stays open for `send`);
//! - reset: `{tcp_error, S, econnreset}` then `{tcp_closed, S}` with
//!   `{show_econnreset, true}`, else only `{tcp_closed, S}`;
//! - a packet over `packet_size`: `{tcp_error, S, emsgsize}`, `{tcp_closed, S}`.
//!
//! A read that comes back short emptied the socket: the driver stops there
//! (no read that would only say `EAGAIN`) and the next edge brings it
//! back, so an `{active, once}` message costs one `recv`.

use crate::errors::io_reason;
use crate::port::{InetPort, Inner};
use crate::state::State;
use gen_tcp_core::deliver::deliver_packets;
use gen_tcp_core::inbound::MIN_READ;
use gen_tcp_core::process::Message;
use gen_tcp_core::reactor::{Turn, READS_PER_TURN};
use gen_tcp_core::Error;
use std::io;

/// What a read on an active socket left.
pub(crate) enum Read {
    /// Bytes came, and maybe more are waiting.
    More,
    /// The socket is read empty (or ended): nothing until the next edge.
    Empty,
}

impl InetPort {
    /// The socket is (or just turned) active: report a dead connection,
    /// deliver what is buffered, and have a driver read the rest.
    pub(crate) fn activate(&self, inner: &mut Inner) {
        inner.read_stopped = false;
        if let Some(error) = inner.state.on_activation(inner.opts.exit_on_close) {
            if let Some(e) = error {
                self.tell_owner(|s| Message::TcpError(s, e));
            }
            self.tell_owner(Message::TcpClosed);
            return;
        }
        if inner.state.readable() && self.deliver(inner, false) {
            if let Err(reason) = self.serve(inner) {
                self.fail_active(inner, Some(reason));
            }
            return;
        }
        // Passive again already (`{active, once}` with a packet buffered):
        // the socket lives on its user handles alone.
        let want = InetPort::want(inner);
        inner.reg.settle(want);
    }

    /// Delivers every whole buffered packet while active; `true` if still
    /// active. Bytes that do not decode end the connection when a read
    /// (`fresh`) just brought them to the front; found behind a packet
    /// delivered now, or on activation, they wait for the next read, which
    /// reports them ([`Inner::bad_frame`]), as `inet_drv` does.
    fn deliver(&self, inner: &mut Inner, fresh: bool) -> bool {
        let Some(socket) = self.handle() else {
            return false;
        };
        let before = inner.inbound.len();
        let Inner { opts, inbound, .. } = inner;
        match deliver_packets(&socket, &self.owner, opts, inbound) {
            Ok(active) => active,
            Err(e) if fresh && inner.inbound.len() == before => {
                self.fail_bad_frame(inner, e);
                false
            }
            Err(_) => {
                inner.bad_frame = true;
                inner.opts.active.is_active()
            }
        }
    }

    /// Bytes that do not decode reached an active socket's front: with
    /// `exit_on_close` the connection ends; without it, inet_drv reports
    /// it and stops reading, as after the peer's close, and the socket
    /// stays open for `send` (OTP 25).
    fn fail_bad_frame(&self, inner: &mut Inner, e: Error) {
        if inner.opts.exit_on_close {
            self.fail_active(inner, Some(e));
            return;
        }
        // The connection lives on; reading stops until the next
        // activation, what was buffered is dropped.
        inner.read_stopped = true;
        inner.inbound.clear();
        inner.bad_frame = false;
        self.tell_owner(|s| Message::TcpError(s, e));
        self.tell_owner(Message::TcpClosed);
    }

    /// The connection of an active socket ended: tell the owner.
    pub(crate) fn fail_active(&self, inner: &mut Inner, error: Option<Error>) {
        self.kill(inner, State::ClosedReported);
        if let Some(e) = error {
            self.tell_owner(|s| Message::TcpError(s, e));
        }
        self.tell_owner(Message::TcpClosed);
    }

    /// What an active socket does with the result of a read (by the
    /// driver, or by a passive `recv` that was blocked when the socket
    /// turned active): count the bytes, or end the connection as OTP does.
    pub(crate) fn received_active(&self, inner: &mut Inner, r: io::Result<usize>) -> Read {
        if inner.bad_frame && r.is_ok() {
            // The read `inet_drv` reports a waiting bad frame at.
            self.fail_bad_frame(inner, Error::Emsgsize);
            return Read::Empty;
        }
        match r {
            Ok(0) => {
                if inner.opts.exit_on_close {
                    self.fail_active(inner, None);
                } else {
                    inner.state = State::PeerClosed { told: true };
                    inner.inbound.clear();
                    self.tell_owner(Message::TcpClosed);
                }
                Read::Empty
            }
            Ok(n) => {
                if n < MIN_READ {
                    inner.reg.drained();
                }
                if inner.reg.readable() {
                    Read::More
                } else {
                    Read::Empty
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                inner.reg.drained();
                Read::Empty
            }
            Err(e) => {
                let reason =
                    Some(io_reason(&e, inner.opts.show_econnreset)).filter(|r| *r != Error::Closed);
                if inner.opts.exit_on_close {
                    self.fail_active(inner, reason);
                } else {
                    // As at end of stream: the descriptor lives for `send`.
                    inner.state = State::PeerClosed { told: true };
                    inner.inbound.clear();
                    if let Some(e) = reason {
                        self.tell_owner(|s| Message::TcpError(s, e));
                    }
                    self.tell_owner(Message::TcpClosed);
                }
                Read::Empty
            }
        }
    }

    /// The driver: the socket is readable. At most [`READS_PER_TURN`]
    /// reads, then the other sockets have their turn.
    pub(crate) fn read_active(&self, inner: &mut Inner) -> Turn {
        for k in 0..READS_PER_TURN {
            // From the second time round, what the last read brought.
            if !InetPort::want(inner).read || !self.deliver(inner, k > 0) {
                return Turn::Done;
            }
            let want = inner.inbound.want(&inner.opts, 0);
            let r = inner.inbound.fill_from(&self.fd, want);
            if let Read::Empty = self.received_active(inner, r) {
                self.deliver(inner, true);
                return Turn::Done;
            }
        }
        // Deliver what the last read brought, then come back for more
        // after the other sockets had their turn.
        if self.deliver(inner, true) {
            Turn::Again
        } else {
            Turn::Done
        }
    }
}
