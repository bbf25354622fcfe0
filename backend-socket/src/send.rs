//! `send/2`: written in the caller's thread until every byte is with the
//! kernel, or `send_timeout` passes.

use crate::port::SocketPort;
use crate::state::Phase;
use bytes::Bytes;
use gen_tcp_core::descriptor::timed_out;
use gen_tcp_core::error::io_reason;
use gen_tcp_core::packet::Frame;
use gen_tcp_core::port::Port;
use gen_tcp_core::sys::{self, Wait};
use gen_tcp_core::{Block, Error, Result};
use std::io;

/// Sends one frame: the `{packet, 1 | 2 | 4}` header, then `chunks`.
///
/// Senders are serialised so frames never interleave. With no
/// `send_timeout`, a frame the kernel takes at once is one `send(2)`
/// (blocking until the kernel has it all, as std's `write_all`); with
/// one, it is written without blocking and the sender polls for room
/// until the deadline. On `send_timeout` the error is `{timeout, Rest}`
/// with exactly the bytes the kernel did not take; with
/// `send_timeout_close` the socket is closed and the error is plain
/// `timeout` (as OTP 25 answers). A peer that is gone gives `closed` or
/// `econnreset` and changes nothing else: readers can still drain what
/// arrived.
pub fn send(port: &SocketPort, chunks: &[&[u8]]) -> Result<()> {
    let (packet, timeout, close_on_timeout) = {
        let st = port.state.lock();
        match st.phase {
            Phase::Closed | Phase::Listening => return Err(Error::Closed),
            _ => {}
        }
        (
            st.opts.packet,
            st.opts.send_timeout,
            st.opts.send_timeout_close,
        )
    };
    let frame = Frame::new(packet, chunks).map_err(|_| Error::Emsgsize)?;
    let deadline = sys::deadline(timeout);
    let _sender = match deadline {
        None => port.send_lock.lock(),
        Some(d) => match port.send_lock.try_lock_until(d) {
            Some(g) => g,
            None => return Err(gave_up(port, frame.rest(0), close_on_timeout)),
        },
    };
    let (sent, err) = match deadline {
        None => port.fd.send_all(&frame, 0, Block::Until(None)),
        Some(_) => send_within(port, &frame, deadline),
    };
    match err {
        None => {
            port.counters.sent(frame.body_len());
            Ok(())
        }
        Some(e) if timed_out(&e) => Err(gave_up(port, frame.rest(sent), close_on_timeout)),
        Some(e) => Err(failed(port, &e)),
    }
}

/// Writes `frame` before `deadline` as OTP's socket NIF does: a write
/// the kernel takes only in part means its buffer is full, and the next
/// write waits until the kernel reports room (as it does after
/// `EAGAIN`), rather than taking the few bytes acknowledgements free
/// meanwhile. So a send that times out leaves the kernel's buffer as
/// full as OTP's does, and a small send right after it times out too.
/// Returns how many bytes were written and the error that stopped it.
fn send_within(
    port: &SocketPort,
    frame: &Frame<'_>,
    deadline: Option<std::time::Instant>,
) -> (usize, Option<io::Error>) {
    let mut sent = 0;
    // (An empty frame is sent at once, without a system call.)
    while sent < frame.len() {
        // Only a write that took everything, or failed, ends the loop
        // before the wait: a partial one waits for room, as `EAGAIN` does.
        match port.fd.send_frame(frame, sent, Block::No) {
            Ok(0) => return (sent, Some(io::ErrorKind::WriteZero.into())),
            Ok(n) if sent + n == frame.len() => return (frame.len(), None),
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return (sent, Some(e)),
        }
        if let Err(e) = port.fd.wait(Wait::Write, deadline) {
            return (sent, Some(e.into()));
        }
    }
    (sent, None)
}

fn gave_up(port: &SocketPort, rest: Bytes, close: bool) -> Error {
    if close {
        let _ = port.close();
        Error::Timeout
    } else {
        Error::TimeoutRest(rest)
    }
}

fn failed(port: &SocketPort, e: &io::Error) -> Error {
    let st = port.state.lock();
    if st.phase == Phase::Closed {
        return Error::Closed;
    }
    io_reason(e, st.opts.show_econnreset)
}
