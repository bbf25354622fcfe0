//! Active mode for this backend: reading while the socket is active and
//! delivering `{tcp, S, Data}`, `{tcp_passive, S}`, and at the end of the
//! stream `{tcp_error, S, Reason}` (unless the reason is `closed`) then
//! `{tcp_closed, S}`, the sequence OTP 25's `socket` backend sends.
//!
//! Runs with the state lock held, in the poller thread or in the thread
//! that calls `setopts`, so it never reads at the same time as `recv`.

use crate::port::SocketPort;
use crate::state::{Phase, Shut, State};
use gen_tcp_core::deliver::deliver_packets;
use gen_tcp_core::inbound::MIN_READ;
use gen_tcp_core::{Active, Error, Message};
use std::io;

/// What [`pump`] left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pumped {
    /// Nothing more to do until the descriptor is readable again (or the
    /// socket is passive or ended).
    Idle,
    /// The socket used its turn with data maybe left: pump it again soon.
    More,
}

/// Delivers what is buffered while the socket is active; once the stream
/// has ended, the closing messages. Returns true if the socket is still
/// active and connected (so reading should go on).
pub fn deliver_buffered(port: &SocketPort, st: &mut State) -> bool {
    // After our own `shutdown(read)` nothing more is delivered (OTP 25).
    if st.closed_reported
        || st.shut != Shut::Open
        || !matches!(st.phase, Phase::Connected | Phase::PeerClosed(_))
    {
        return false;
    }
    let Some(socket) = port.handle() else {
        return false;
    };
    let delivered = if st.holds_bad_frame() {
        // Nothing to decode until more bytes come.
        Ok(st.opts.active.is_active())
    } else {
        deliver_packets(&socket, &port.owner, &mut st.opts, &mut st.inbound)
    };
    match delivered {
        // A bad frame (`emsgsize`): OTP sends `tcp_error` alone and turns
        // the socket passive; the bytes stay, to be decoded again with
        // the next ones (a `recv` waits for them, then answers the error).
        Err(e) => {
            port.owner.deliver(Message::TcpError(socket, e));
            st.opts.active = Active::False;
            st.bad_frame = true;
            false
        }
        Ok(false) => false,
        Ok(true) => match st.ended() {
            None => true,
            Some(reason) => {
                port.owner.with(|owner| {
                    if reason != Error::Closed {
                        owner.deliver(Message::TcpError(socket.clone(), reason));
                    }
                    owner.deliver(Message::TcpClosed(socket));
                });
                // Still registered: if an event comes, the socket leaves
                // the poller then (it wants nothing more).
                st.closed_reported = true;
                false
            }
        },
    }
}

/// Reads and delivers while the socket is active, up to `reads` reads. A
/// read that comes back short emptied the socket: it stops there (no read
/// that would only say `EAGAIN`); the next edge brings it back.
pub fn pump(port: &SocketPort, st: &mut State, mut reads: usize) -> Pumped {
    loop {
        if !deliver_buffered(port, st) || st.phase != Phase::Connected {
            return Pumped::Idle;
        }
        if reads == 0 {
            return Pumped::More;
        }
        reads -= 1;
        let want = st.inbound.want(&st.opts, 0);
        match st.inbound.fill_from(&port.fd, want) {
            Ok(0) => {
                st.end_of_stream(None);
            }
            Ok(n) => {
                port.counters.received(n);
                st.bad_frame = false;
                if n < MIN_READ {
                    st.reg.drained();
                }
                if !st.reg.readable() {
                    deliver_buffered(port, st);
                    return Pumped::Idle;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                st.reg.drained();
                return Pumped::Idle;
            }
            Err(e) => {
                st.end_of_stream(Some(&e));
            }
        }
    }
}
