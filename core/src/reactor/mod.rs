//! The reactor both backends share: threads that wait on sockets with
//! `epoll` (through mio) and call them back when they can make progress.
//!
//! As tokio's driver, a reactor owns readiness only; the socket does its
//! own I/O in its callback ([`Source::on_event`]) or in its caller's
//! thread. What it guarantees:
//!
//! - **Registered for life, re-armed, not deregistered.** A socket
//!   registers (`EPOLL_CTL_ADD`, edge-triggered) the first time it needs
//!   the reactor and stays registered until it is closed. Its
//!   [`Registration`] remembers the readiness the last event reported, so
//!   that turning active again (`{active, once}`) costs no system call at
//!   all: when the last read emptied the socket, the next edge will come;
//!   when it did not (or bytes came while the socket was passive), the
//!   caller reads them at once, in its thread. A socket that keeps getting
//!   events it does not want (a passive socket being read by its caller)
//!   leaves the reactor, so the reactor is not woken for nothing.
//! - **Fair.** A source does at most [`READS_PER_TURN`] reads per call and
//!   answers [`Turn::Again`] when it had more to do: it gets another turn
//!   after every other ready source had one.
//! - **One error policy.** A reactor never panics and its thread never
//!   ends. When waiting for events fails (other than `EINTR`), it can
//!   serve none of its sockets: each is told so with a reason
//!   ([`Source::on_failure`]; an active socket's owner gets
//!   `{tcp_error, S, Reason}` then `{tcp_closed, S}`), the failure is
//!   reported (on stderr, and counted: [`Pool::failures`]), and the
//!   reactor starts over with a new `epoll` instance. If it cannot make one
//!   (out of descriptors), it waits, without spinning, until a socket asks
//!   to register, and tries again then; that socket is told the reason
//!   (`system_limit`) if it still cannot.
//! - **No waker.** Sockets register, re-arm and leave from their caller's
//!   thread, through a clone of the reactor's registry: no command crosses
//!   to the reactor thread.

mod event_loop;
mod pool;
mod registration;
mod slots;

pub use event_loop::Reactor;
pub use pool::Pool;
pub use registration::{Registration, Served, Want};

use crate::error::Error;

/// Reads a socket makes per call of [`Source::on_event`] before it lets
/// the other ready sockets have their turn.
pub const READS_PER_TURN: usize = 16;

/// What a reactor calls back: a socket.
pub trait Source: Send + Sync + 'static {
    /// The socket may be able to make progress (`event` says how; an
    /// empty event is the next turn a source asked for with
    /// [`Turn::Again`]). It records the event in its [`Registration`]
    /// and does what it can, within [`READS_PER_TURN`] reads.
    fn on_event(&self, event: Event) -> Turn;

    /// The reactor cannot serve this socket any more (its registration is
    /// gone): the socket fails with `reason` if it needed the reactor.
    fn on_failure(&self, reason: Error);
}

/// What an event says a socket can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Event {
    /// Bytes (or end of stream, or an error) can be read.
    pub readable: bool,
    /// Bytes (or an error) can be written.
    pub writable: bool,
    /// The peer ended the stream or the connection failed: a read will
    /// say so even after a short read emptied the bytes.
    pub closed: bool,
}

impl Event {
    /// Nothing new: a turn asked for with [`Turn::Again`].
    pub const NONE: Event = Event {
        readable: false,
        writable: false,
        closed: false,
    };

    /// True if the event reports any readiness.
    pub fn any(self) -> bool {
        self.readable || self.writable
    }
}

/// What a source left after its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Nothing more until the next event.
    Done,
    /// It used its reads with more maybe waiting: call again next turn.
    Again,
}
