//! The states of a connected socket and every transition between them.
//!
//! What each call answers in each state was checked against OTP 25's
//! `inet` backend (`inet_drv`):
//!
//! - a background write that meets a reset leaves a report for the next
//!   `recv` *and* the next `send` (`closed`, or `econnreset` with
//!   `show_econnreset`); a `recv` that takes it also clears the one for
//!   `send`, a `send` that takes it leaves the one for `recv`; after that
//!   both answer `enotconn`;
//! - end of stream read by `recv` answers `closed` and leaves `closed`
//!   for the next `send` (with `exit_on_close`), or keeps the socket
//!   usable for `send` while `recv` keeps answering `closed` (without);
//! - once the owner was sent `{tcp_closed, S}`, every call answers
//!   `closed`, as after `close/1`.

use crate::errors::enotconn;
use gen_tcp_core::{Error, Result, Shutdown};

/// Where a connected socket is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    /// Connected (possibly with the read side shut by `shutdown(read)`).
    Open,
    /// `shutdown(write | read_write)` was called with output queued: the
    /// driver shuts the socket when the queue is written.
    ShutdownPending(Shutdown),
    /// The write side is shut (the FIN is out).
    WriteShut,
    /// End of stream read with `{exit_on_close, false}`: `recv` answers
    /// `closed`, `send` still works.
    PeerClosed,
    /// `{exit_on_close, false}` and a `send` then met the peer's reset: the
    /// port stays open (`getopts`, `close` work) and `send` and `recv`
    /// answer `closed` from now on (OTP 25, docs/otp-answers.md A5).
    PeerGone,
    /// The connection died and its descriptor is closed; `recv` and `send`
    /// each still owe their next caller a report (`None`: `enotconn`).
    Broken {
        /// What the next `recv` answers.
        recv: Option<Error>,
        /// What the next `send` answers.
        send: Option<Error>,
    },
    /// `{tcp_closed, S}` went to the owner: the port is gone.
    ClosedReported,
    /// `close/1` was called with output queued: the driver writes it, then
    /// closes the descriptor (the peer gets every byte, then end of stream).
    Draining,
    /// Closed by `close/1`.
    Closed,
}

impl State {
    /// What `send` may do: `Ok` to write, else its answer.
    pub(crate) fn check_send(&mut self) -> Result<()> {
        match self {
            State::Open | State::PeerClosed => Ok(()),
            State::PeerGone => Err(Error::Closed),
            State::Broken { send, .. } => Err(send.take().unwrap_or_else(enotconn)),
            _ => Err(Error::Closed),
        }
    }

    /// What `recv` may do: `Ok` to read, else its answer.
    pub(crate) fn check_recv(&mut self) -> Result<()> {
        match self {
            State::Open | State::ShutdownPending(_) | State::WriteShut => Ok(()),
            State::Broken { recv, send } => match recv.take() {
                Some(e) => {
                    *send = None;
                    Err(e)
                }
                None => Err(enotconn()),
            },
            _ => Err(Error::Closed),
        }
    }

    /// True once `shutdown(write | read_write)` was called: a `send` now
    /// meets `EPIPE` (OTP 25: `closed`, then `enotconn`; queued bytes lost).
    pub(crate) fn write_side_shut(&self) -> bool {
        matches!(self, State::WriteShut | State::ShutdownPending(_))
    }

    /// True while the descriptor may be read (by `recv` or, active, the driver).
    pub(crate) fn readable(&self) -> bool {
        matches!(
            self,
            State::Open | State::ShutdownPending(_) | State::WriteShut
        )
    }

    /// True while queued output should be written.
    pub(crate) fn writes_queue(&self) -> bool {
        matches!(
            self,
            State::Open | State::PeerClosed | State::ShutdownPending(_) | State::Draining
        )
    }

    /// True once `close/1` was called or the port is gone.
    pub(crate) fn is_closed(&self) -> bool {
        matches!(
            self,
            State::Closed | State::Draining | State::ClosedReported
        )
    }

    /// True when the descriptor no longer names the connection.
    pub(crate) fn fd_dead(&self) -> bool {
        matches!(
            self,
            State::Broken { .. } | State::ClosedReported | State::Closed
        )
    }

    /// A `send` met `reason`. After the peer's close with
    /// `{exit_on_close, false}` the port outlives the peer: the state turns
    /// [`State::PeerGone`] and `None` comes back (the answer is `closed`).
    /// Otherwise the connection is over: the state to close the port with.
    pub(crate) fn send_failed(&mut self, reason: Error) -> Option<State> {
        if *self == State::PeerClosed {
            *self = State::PeerGone;
            return None;
        }
        Some(State::error_on_send(reason))
    }

    /// `recv` read end of stream.
    pub(crate) fn eof_on_recv(exit_on_close: bool) -> State {
        if exit_on_close {
            State::Broken {
                recv: None,
                send: Some(Error::Closed),
            }
        } else {
            State::PeerClosed
        }
    }

    /// `recv` failed with `reason`: `closed` is an end of stream (and
    /// `send` is told once); any other reason leaves only `enotconn`.
    pub(crate) fn error_on_recv(reason: &Error) -> State {
        match reason {
            Error::Closed => State::eof_on_recv(true),
            _ => State::Broken {
                recv: None,
                send: None,
            },
        }
    }

    /// `send` failed with `reason`, which it answers; the next `recv` is
    /// told too.
    pub(crate) fn error_on_send(reason: Error) -> State {
        State::Broken {
            recv: Some(reason),
            send: None,
        }
    }

    /// A background write (the driver's) failed: nobody was told yet.
    pub(crate) fn error_in_background(reason: Error) -> State {
        State::Broken {
            recv: Some(reason.clone()),
            send: Some(reason),
        }
    }

    /// The socket turned active in this state: the messages the owner
    /// gets now (`tcp_error` then `tcp_closed`), if the connection is dead.
    /// The state becomes [`State::ClosedReported`] when there are some.
    pub(crate) fn on_activation(&mut self) -> Option<Option<Error>> {
        let State::Broken { recv, send } = self else {
            return None;
        };
        let error = recv.take().or(send.take()).filter(|e| *e != Error::Closed);
        *self = State::ClosedReported;
        Some(error)
    }

    /// `shutdown(how)` for write or read_write: with output queued the
    /// shutdown waits for the driver (`true`: do it now).
    pub(crate) fn shutdown_write(&mut self, how: Shutdown, queue_empty: bool) -> Result<bool> {
        match self {
            State::Open | State::PeerClosed if queue_empty => {
                *self = State::WriteShut;
                Ok(true)
            }
            State::Open | State::PeerClosed => {
                *self = State::ShutdownPending(how);
                Ok(false)
            }
            State::ShutdownPending(_) | State::WriteShut => Ok(false),
            State::Broken { .. } => Err(enotconn()),
            _ => Err(Error::Closed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_send_after_peer_close_keeps_the_port_without_exit_on_close() {
        let mut s = State::eof_on_recv(false);
        assert_eq!(s.send_failed(Error::Closed), None);
        assert_eq!(s, State::PeerGone);
        assert_eq!(s.check_send(), Err(Error::Closed));
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert!(!s.is_closed() && !s.fd_dead());
        let mut open = State::Open;
        assert_eq!(
            open.send_failed(Error::Econnreset),
            Some(State::error_on_send(Error::Econnreset))
        );
    }

    #[test]
    fn background_error_told_to_recv_clears_send() {
        let mut s = State::error_in_background(Error::Closed);
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert_eq!(s.check_recv(), Err(enotconn()));
        assert_eq!(s.check_send(), Err(enotconn()));
    }

    #[test]
    fn background_error_told_to_send_leaves_recv() {
        let mut s = State::error_in_background(Error::Econnreset);
        assert_eq!(s.check_send(), Err(Error::Econnreset));
        assert_eq!(s.check_send(), Err(enotconn()));
        assert_eq!(s.check_recv(), Err(Error::Econnreset));
    }

    #[test]
    fn end_of_stream_tells_send_once() {
        let mut s = State::eof_on_recv(true);
        assert_eq!(s.check_recv(), Err(enotconn()));
        assert_eq!(s.check_send(), Err(Error::Closed));
        assert_eq!(s.check_send(), Err(enotconn()));
        let mut s = State::eof_on_recv(false);
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert_eq!(s.check_send(), Ok(()));
    }

    #[test]
    fn activation_reports_econnreset_then_closed() {
        let mut s = State::error_in_background(Error::Econnreset);
        assert_eq!(s.on_activation(), Some(Some(Error::Econnreset)));
        assert_eq!(s, State::ClosedReported);
        let mut s = State::error_in_background(Error::Closed);
        assert_eq!(s.on_activation(), Some(None));
        assert_eq!(State::Open.on_activation(), None);
    }

    #[test]
    fn shutdown_with_queue_is_deferred() {
        let mut s = State::Open;
        assert_eq!(s.shutdown_write(Shutdown::Write, false), Ok(false));
        assert_eq!(s, State::ShutdownPending(Shutdown::Write));
        assert!(s.write_side_shut());
        assert_eq!(s.check_recv(), Ok(()));
        let mut s = State::Open;
        assert_eq!(s.shutdown_write(Shutdown::Write, true), Ok(true));
        assert_eq!(s, State::WriteShut);
    }
}
