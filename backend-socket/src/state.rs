//! The per-socket state, behind one lock: options, received bytes, and
//! where the socket is in its life.

use gen_tcp_core::error::io_reason;
use gen_tcp_core::inbound::Inbound;
use gen_tcp_core::reactor::{Registration, Want};
use gen_tcp_core::{Error, SockOpts};

/// Where a socket is in its life (the named states of `gen_tcp_socket.erl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// A listen socket: `accept` works, `send`/`recv` do not.
    Listening,
    /// A connection that can still receive.
    Connected,
    /// The peer ended the stream (or reset it): what is buffered can still
    /// be received, then the reason is reported; after that, `closed`.
    PeerClosed(Error),
    /// `close/1` was called, or the reader's error was reported: OTP 25
    /// closes a socket whose read failed (a reset), so every call answers
    /// `closed` then (`setopts`/`getopts`: `einval`).
    Closed,
}

/// What our own `shutdown/2` has shut so far, as OTP 25's socket backend
/// tracks it (its `closed_read` and `closed_read_write` states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shut {
    /// Nothing, or only the write side (`shutdown(write)` changes no state).
    Open,
    /// `shutdown(read)`: reading is over (`recv` answers `closed`, no
    /// active message comes) and `active` can no longer be set or read.
    Read,
    /// `shutdown(read_write)`, or `read` then `write`.
    ReadWrite,
}

/// Everything a socket's lock guards.
#[derive(Debug)]
pub struct State {
    /// Where the socket is.
    pub phase: Phase,
    /// The gen_tcp-level options.
    pub opts: SockOpts,
    /// Bytes read and not yet delivered.
    pub inbound: Inbound,
    /// The socket's place in the poller, and the readiness it last reported.
    pub reg: Registration,
    /// A passive `recv` is blocked in the kernel without the lock: the
    /// poller must not read meanwhile (its bytes would overtake that
    /// `recv`'s); that `recv` hands the socket over when it returns.
    pub blocked_reader: bool,
    /// A passive `recv` is waiting (blocked or polling): nothing is
    /// delivered actively until it ends, even if the socket turns active
    /// meanwhile; it takes the next packet, and then hands the socket
    /// over (`gen_tcp_socket` serves a waiting `recv` first).
    pub recv_waiting: bool,
    /// The buffered bytes failed to decode (`emsgsize`). For the packet
    /// types `gen_tcp_socket` decodes with `erlang:decode_packet` (all but
    /// raw and 1, 2, 4, whose header it checks in the buffer each time),
    /// OTP 25 keeps them and decodes them again only once more bytes came:
    /// a `recv` meanwhile waits for them, an active socket delivers
    /// nothing ([`State::holds_bad_frame`]).
    pub bad_frame: bool,
    /// True once `{tcp_closed, S}` was sent: it is sent once, and `active`
    /// can then no longer be set (`einval`), as in OTP.
    pub closed_reported: bool,
    /// What our own `shutdown` shut.
    pub shut: Shut,
    /// The stream ended with a read error (a reset), not a clean end:
    /// once its reason is reported, the socket is closed, as in OTP.
    pub failed: bool,
}

impl State {
    /// A fresh state with the options the socket starts with.
    pub fn new(phase: Phase, opts: SockOpts) -> State {
        State {
            phase,
            opts,
            inbound: Inbound::new(),
            reg: Registration::new(),
            blocked_reader: false,
            recv_waiting: false,
            bad_frame: false,
            closed_reported: false,
            shut: Shut::Open,
            failed: false,
        }
    }

    /// The stream ended (`Ok(0)` from `read`, `err` = `None`) or failed:
    /// records it and gives the reason to report. Later calls see `closed`.
    pub fn end_of_stream(&mut self, err: Option<&std::io::Error>) -> Error {
        let reason = match err {
            Some(e) => {
                self.failed = true;
                io_reason(e, self.opts.show_econnreset)
            }
            None => self.end_reason(),
        };
        self.phase = Phase::PeerClosed(reason.clone());
        reason
    }

    /// What the socket needs the poller for: reading, while it is active
    /// and connected (and no passive `recv` waits on it).
    pub fn want(&self) -> Want {
        Want {
            read: self.opts.active.is_active()
                && self.phase == Phase::Connected
                && !self.closed_reported
                && self.shut == Shut::Open
                && !self.blocked_reader
                && !self.recv_waiting,
            write: false,
        }
    }

    /// True while the buffered bytes wait for more before they are decoded
    /// again ([`State::bad_frame`]).
    pub fn holds_bad_frame(&self) -> bool {
        use gen_tcp_core::PacketType::{Four, One, Raw, Two};
        self.bad_frame && !matches!(self.opts.packet, Raw | One | Two | Four)
    }

    /// If the stream has ended, the reason to report now: its own once,
    /// then `closed`. Once reported, reading is over as after our own
    /// `shutdown(read)`; a stream that ended with a read error closes the
    /// socket then (OTP 25 closes it).
    pub fn ended(&mut self) -> Option<Error> {
        let reason = match &mut self.phase {
            Phase::PeerClosed(reason) => std::mem::replace(reason, Error::Closed),
            _ => return None,
        };
        if self.failed {
            self.phase = Phase::Closed;
        }
        // OTP's `closed_read` state: a later `shutdown(read)` is `ok`,
        // `shutdown(read_write)` `enotconn`.
        if self.shut == Shut::Open {
            self.shut = Shut::Read;
        }
        Some(reason)
    }

    /// True once reading is over for OTP's state machine: our own
    /// `shutdown(read)`, or the end of the stream. `active` can then no
    /// longer be set (`einval`) nor read back (`einval`).
    pub fn read_closed(&self) -> bool {
        self.shut != Shut::Open
            || self.closed_reported
            || matches!(self.phase, Phase::PeerClosed(_))
    }

    /// The reason reported once the stream has ended. OTP 25's `socket`
    /// backend reports even a clean close (FIN) as `econnreset` when
    /// `show_econnreset` is true (docs/otp-answers.md, Q4).
    pub fn end_reason(&self) -> Error {
        if self.opts.show_econnreset {
            Error::Econnreset
        } else {
            Error::Closed
        }
    }
}
