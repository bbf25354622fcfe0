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
//!   usable for `send` while `recv` keeps answering `closed` (without;
//!   a reset read likewise, and after `emsgsize` the socket stays open);
//! - a `send` after our own `shutdown(write)` meets `EPIPE`, which
//!   `inet_drv` takes for the peer's reset (`econnreset` with
//!   `show_econnreset`);
//! - once the descriptor is closed and the port lives, `sockname` answers
//!   `ebadf`, `peername` `enotconn`, `setopts` sets no kernel option;
//! - once the owner was sent `{tcp_closed, S}` with `exit_on_close`,
//!   every call answers `closed`, as after `close/1`.

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
    WriteShut {
        /// Shut by the driver once the queue was written (`inet_drv`'s
        /// `SHUTDOWN_WR_DONE`): a later `send`'s `EPIPE` is `closed`, never
        /// `econnreset`. Shut at once by `shutdown/2`, `inet_drv` takes the
        /// `EPIPE` for the peer's reset (`econnreset` with
        /// `show_econnreset`).
        by_driver: bool,
    },
    /// The read side ended with `{exit_on_close, false}` (end of stream,
    /// or a read error): `recv` answers `closed`, `send` still works, the
    /// descriptor lives (`inet_drv`'s `desc_close_read`).
    PeerClosed {
        /// The owner was sent `{tcp_closed, S}` (read while active, or on
        /// a later activation); activation tells it once.
        told: bool,
    },
    /// `{exit_on_close, false}`, the read side had ended, and a `send`
    /// then failed: the descriptor is closed but the port stays
    /// (`getopts`, `close` work), and `send` and `recv` answer this
    /// reason from now on (OTP 25, docs/otp-answers.md A5).
    PeerGone(Error),
    /// The connection died and its descriptor is closed; `recv` and `send`
    /// each still owe their next caller a report (`None`: `enotconn`).
    Broken {
        /// What the next `recv` answers.
        recv: Option<Error>,
        /// What the next `send` answers.
        send: Option<Error>,
        /// The owner was already sent `{tcp_closed, S}`: activation says
        /// nothing more.
        told: bool,
    },
    /// `{tcp_closed, S}` went to the owner and the port is gone.
    ClosedReported,
    /// `close/1` was called with output queued: the driver writes it, then
    /// closes the descriptor (the peer gets every byte, then end of stream).
    Draining,
    /// Closed by `close/1`.
    Closed,
}

impl State {
    /// A dead connection that owes reports to the next `recv` and `send`.
    pub(crate) fn broken(recv: Option<Error>, send: Option<Error>) -> State {
        State::Broken {
            recv,
            send,
            told: false,
        }
    }

    /// What `send` may do: `Ok` to write, else its answer.
    pub(crate) fn check_send(&mut self) -> Result<()> {
        match self {
            State::Open | State::PeerClosed { .. } => Ok(()),
            State::PeerGone(reason) => Err(reason.clone()),
            State::Broken { send, .. } => Err(send.take().unwrap_or_else(enotconn)),
            _ => Err(Error::Closed),
        }
    }

    /// What `recv` may do: `Ok` to read, else its answer.
    pub(crate) fn check_recv(&mut self) -> Result<()> {
        match self {
            State::Open | State::ShutdownPending(_) | State::WriteShut { .. } => Ok(()),
            State::PeerGone(reason) => Err(reason.clone()),
            State::Broken { recv, send, .. } => match recv.take() {
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
        matches!(self, State::WriteShut { .. } | State::ShutdownPending(_))
    }

    /// What a `send` after `shutdown(write)` answers: the `EPIPE` it meets
    /// is the peer's reset to `inet_drv` unless the driver made the
    /// shutdown itself.
    pub(crate) fn send_after_shutdown(&self, show_econnreset: bool) -> Error {
        match self {
            State::WriteShut { by_driver: false } if show_econnreset => Error::Econnreset,
            _ => Error::Closed,
        }
    }

    /// True while the descriptor may be read (by `recv` or, active, the driver).
    pub(crate) fn readable(&self) -> bool {
        matches!(
            self,
            State::Open | State::ShutdownPending(_) | State::WriteShut { .. }
        )
    }

    /// True while queued output should be written.
    pub(crate) fn writes_queue(&self) -> bool {
        matches!(
            self,
            State::Open | State::PeerClosed { .. } | State::ShutdownPending(_) | State::Draining
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
            State::Broken { .. } | State::PeerGone(_) | State::ClosedReported | State::Closed
        )
    }

    /// A passive `send` met `reason`, which it answers. After the read
    /// side ended with `{exit_on_close, false}` the port outlives the
    /// peer ([`State::PeerGone`]); otherwise the next `recv` is told too.
    /// The state to close the descriptor with.
    pub(crate) fn send_failed(&self, reason: Error) -> State {
        match self {
            State::PeerClosed { .. } => State::PeerGone(reason),
            _ => State::error_on_send(reason),
        }
    }

    /// `recv` read end of stream.
    pub(crate) fn eof_on_recv(exit_on_close: bool) -> State {
        if exit_on_close {
            State::broken(None, Some(Error::Closed))
        } else {
            State::PeerClosed { told: false }
        }
    }

    /// `recv` failed with `reason`: `closed` is an end of stream (and
    /// `send` is told once); any other reason leaves only `enotconn`.
    /// With `{exit_on_close, false}` the connection lives on
    /// (`inet_drv`'s `desc_close_read` only stops reading; the next
    /// `recv` reads the kernel again): after the peer's close or reset
    /// the read side has ended, after anything else (`emsgsize`) the
    /// socket stays as it was, its buffered bytes dropped (`None`).
    pub(crate) fn error_on_recv(reason: &Error, exit_on_close: bool) -> Option<State> {
        match reason {
            Error::Closed | Error::Econnreset if !exit_on_close => Some(State::eof_on_recv(false)),
            _ if !exit_on_close => None,
            Error::Closed => Some(State::eof_on_recv(true)),
            _ => Some(State::broken(None, None)),
        }
    }

    /// `send` failed with `reason`, which it answers; the next `recv` is
    /// told too.
    pub(crate) fn error_on_send(reason: Error) -> State {
        State::broken(Some(reason), None)
    }

    /// A background write (the driver's) failed: nobody was told yet.
    pub(crate) fn error_in_background(&self, reason: Error) -> State {
        match self {
            State::PeerClosed { .. } => State::PeerGone(reason),
            _ => State::broken(Some(reason.clone()), Some(reason)),
        }
    }

    /// The socket turned active in this state: the messages the owner
    /// gets now (`tcp_error` then `tcp_closed`), if the connection ended
    /// and the owner was not told yet. With `exit_on_close` the port is
    /// then gone ([`State::ClosedReported`]); without, it stays, and the
    /// next `recv` answers `closed` once.
    pub(crate) fn on_activation(&mut self, exit_on_close: bool) -> Option<Option<Error>> {
        let error = match self {
            State::PeerClosed { told } => {
                if *told {
                    return None;
                }
                *told = true;
                return Some(None);
            }
            State::Broken { told: true, .. } => return None,
            State::Broken { recv, send, .. } => recv.take().or(send.take()),
            State::PeerGone(reason) => Some(reason.clone()),
            _ => return None,
        };
        *self = if exit_on_close {
            State::ClosedReported
        } else {
            State::Broken {
                recv: Some(Error::Closed),
                send: None,
                told: true,
            }
        };
        Some(error.filter(|e| *e != Error::Closed))
    }

    /// `shutdown(how)` for write or read_write: with output queued the
    /// shutdown waits for the driver (`true`: do it now).
    pub(crate) fn shutdown_write(&mut self, how: Shutdown, queue_empty: bool) -> Result<bool> {
        match self {
            State::Open | State::PeerClosed { .. } if queue_empty => {
                *self = State::WriteShut { by_driver: false };
                Ok(true)
            }
            State::Open | State::PeerClosed { .. } => {
                *self = State::ShutdownPending(how);
                Ok(false)
            }
            State::ShutdownPending(_) | State::WriteShut { .. } => Ok(false),
            State::Broken { .. } | State::PeerGone(_) => Err(enotconn()),
            _ => Err(Error::Closed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_send_after_peer_close_keeps_the_port_without_exit_on_close() {
        let s = State::eof_on_recv(false);
        let mut gone = s.send_failed(Error::Econnreset);
        assert_eq!(gone, State::PeerGone(Error::Econnreset));
        // The reason, every time (OTP 25: sticky, not enotconn).
        for _ in 0..2 {
            assert_eq!(gone.check_send(), Err(Error::Econnreset));
            assert_eq!(gone.check_recv(), Err(Error::Econnreset));
        }
        assert!(!gone.is_closed() && gone.fd_dead());
        assert_eq!(
            State::Open.send_failed(Error::Econnreset),
            State::error_on_send(Error::Econnreset)
        );
    }

    #[test]
    fn background_error_told_to_recv_clears_send() {
        let mut s = State::Open.error_in_background(Error::Closed);
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert_eq!(s.check_recv(), Err(enotconn()));
        assert_eq!(s.check_send(), Err(enotconn()));
    }

    #[test]
    fn background_error_told_to_send_leaves_recv() {
        let mut s = State::Open.error_in_background(Error::Econnreset);
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
    fn a_read_error_without_exit_on_close_ends_the_read_side_only() {
        let mut s = State::error_on_recv(&Error::Econnreset, false).unwrap();
        assert_eq!(s, State::PeerClosed { told: false });
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert!(!s.fd_dead());
        assert_eq!(State::error_on_recv(&Error::Emsgsize, false), None);
        assert_eq!(
            State::error_on_recv(&Error::Emsgsize, true),
            Some(State::broken(None, None))
        );
    }

    #[test]
    fn activation_reports_econnreset_then_closed() {
        let mut s = State::Open.error_in_background(Error::Econnreset);
        assert_eq!(s.on_activation(true), Some(Some(Error::Econnreset)));
        assert_eq!(s, State::ClosedReported);
        let mut s = State::Open.error_in_background(Error::Closed);
        assert_eq!(s.on_activation(true), Some(None));
        assert_eq!(State::Open.on_activation(true), None);
    }

    #[test]
    fn activation_tells_the_owner_once_without_exit_on_close() {
        let mut s = State::PeerGone(Error::Econnreset);
        assert_eq!(s.on_activation(false), Some(Some(Error::Econnreset)));
        assert_eq!(s.check_recv(), Err(Error::Closed));
        assert_eq!(s.check_recv(), Err(enotconn()));
        assert_eq!(s.on_activation(false), None);
        let mut s = State::eof_on_recv(false);
        assert_eq!(s.on_activation(false), Some(None));
        assert_eq!(s.on_activation(false), None);
        assert_eq!(s.check_send(), Ok(()));
    }

    #[test]
    fn send_after_shutdown_is_econnreset_only_when_shut_at_once() {
        let shut_now = State::WriteShut { by_driver: false };
        assert_eq!(shut_now.send_after_shutdown(true), Error::Econnreset);
        assert_eq!(shut_now.send_after_shutdown(false), Error::Closed);
        let shut_later = State::WriteShut { by_driver: true };
        assert_eq!(shut_later.send_after_shutdown(true), Error::Closed);
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
        assert_eq!(s, State::WriteShut { by_driver: false });
        assert_eq!(
            State::PeerGone(Error::Closed).shutdown_write(Shutdown::Write, true),
            Err(enotconn())
        );
    }
}
