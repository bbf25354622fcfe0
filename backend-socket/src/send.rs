//! `send/2`: written in the caller's thread until every byte is with the
//! kernel, or `send_timeout` passes.

use crate::port::SocketPort;
use crate::state::Phase;
use bytes::{Bytes, BytesMut};
use gen_tcp_core::error::io_reason;
use gen_tcp_core::packet::send_header;
use gen_tcp_core::port::Port;
use gen_tcp_core::sys::{self, Wait};
use gen_tcp_core::{Error, Result};
use std::io;

/// What is left of a frame when time runs out, header bytes included.
fn rest_of(chunks: &[&[u8]]) -> Bytes {
    let mut rest = BytesMut::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for c in chunks {
        rest.extend_from_slice(c);
    }
    rest.freeze()
}

/// Sends one frame: the `{packet, 1 | 2 | 4}` header, then `chunks`.
///
/// Senders are serialised so frames never interleave. On `send_timeout`
/// the error is `{timeout, Rest}` with exactly the bytes the kernel did
/// not take; with `send_timeout_close` the socket is closed and the error
/// is plain `timeout` (as OTP 25 answers). A peer that is gone gives
/// `closed` or `econnreset` and changes nothing else: readers can still
/// drain what arrived.
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
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let (header, hlen) = send_header(packet, total).map_err(|_| Error::Emsgsize)?;
    let deadline = sys::deadline(timeout);
    let mut left: Vec<&[u8]> = Vec::with_capacity(chunks.len() + 1);
    left.push(&header[..hlen]);
    left.extend_from_slice(chunks);
    left.retain(|c| !c.is_empty());

    let _sender = match deadline {
        None => port.send_lock.lock(),
        Some(d) => match port.send_lock.try_lock_until(d) {
            Some(g) => g,
            None => return Err(timed_out(port, &left, close_on_timeout)),
        },
    };
    while !left.is_empty() {
        match sys::writev(port.fd(), &left) {
            Ok(n) => sys::advance(&mut left, n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                match sys::wait_fd(port.fd(), Wait::Write, deadline) {
                    Ok(()) => {}
                    Err(Error::Timeout) => return Err(timed_out(port, &left, close_on_timeout)),
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(failed(port, &e)),
        }
    }
    port.counters.sent(total);
    Ok(())
}

fn timed_out(port: &SocketPort, left: &[&[u8]], close: bool) -> Error {
    if close {
        let _ = port.close();
        Error::Timeout
    } else {
        Error::TimeoutRest(rest_of(left))
    }
}

fn failed(port: &SocketPort, e: &io::Error) -> Error {
    let st = port.state.lock();
    if st.phase == Phase::Closed {
        return Error::Closed;
    }
    io_reason(e, st.opts.show_econnreset)
}
