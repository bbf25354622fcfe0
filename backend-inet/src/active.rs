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

use crate::errors::io_reason;
use crate::port::{InetPort, Inner};
use crate::state::State;
use gen_tcp_core::deliver::deliver_packets;
use gen_tcp_core::process::Message;
use gen_tcp_core::Error;
use std::io;

/// Reads made for one readiness event before other sockets get a turn.
const READS_PER_EVENT: usize = 16;

impl InetPort {
    /// The socket is (or just turned) active: report a dead connection,
    /// deliver what is buffered, and have the driver read the rest.
    pub(crate) fn activate(&self, inner: &mut Inner) {
        if let Some(error) = inner.state.on_activation() {
            if let Some(e) = error {
                self.tell_owner(|s| Message::TcpError(s, e));
            }
            self.tell_owner(Message::TcpClosed);
            return;
        }
        if !inner.state.readable() {
            return;
        }
        if self.deliver(inner) {
            self.update_interest(inner, true);
        }
    }

    /// Delivers every whole buffered packet while active; `true` if still active.
    fn deliver(&self, inner: &mut Inner) -> bool {
        let Some(socket) = self.handle() else {
            return false;
        };
        let Inner { opts, inbound, .. } = inner;
        match deliver_packets(&socket, &self.owner, opts, inbound) {
            Ok(active) => active,
            Err(e) => {
                self.fail_active(inner, Some(e));
                false
            }
        }
    }

    /// The connection of an active socket ended: tell the owner.
    fn fail_active(&self, inner: &mut Inner, error: Option<Error>) {
        self.kill(inner, State::ClosedReported);
        if let Some(e) = error {
            self.tell_owner(|s| Message::TcpError(s, e));
        }
        self.tell_owner(Message::TcpClosed);
    }

    /// The driver: the socket is readable.
    pub(crate) fn read_active(&self, inner: &mut Inner) {
        for _ in 0..READS_PER_EVENT {
            let reading = inner.opts.active.is_active() && inner.state.readable();
            if !reading || !self.deliver(inner) {
                self.update_interest(inner, false);
                return;
            }
            let want = inner.inbound.want(&inner.opts, 0);
            match inner.inbound.fill_from(self.fd(), want) {
                Ok(0) => {
                    if inner.opts.exit_on_close {
                        self.fail_active(inner, None);
                    } else {
                        inner.state = State::PeerClosed;
                        inner.inbound = Default::default();
                        self.tell_owner(Message::TcpClosed);
                        self.update_interest(inner, false);
                    }
                    return;
                }
                Ok(n) => self.counters.received(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    let reason = io_reason(&e, inner.opts.show_econnreset);
                    self.fail_active(inner, Some(reason).filter(|r| *r != Error::Closed));
                    return;
                }
            }
        }
        // Deliver what the last read brought, then come back for more
        // after the other sockets had their turn.
        if self.deliver(inner) {
            self.update_interest(inner, true);
        }
    }
}
