//! Passive receiving: `recv/3` and `Read`, in the caller's thread.
//!
//! Bytes already buffered are served first; else the caller reads the
//! descriptor (non-blocking, under the state lock, so the poller never
//! reads the same socket) and waits for readability with the lock released.

use crate::port::SocketPort;
use crate::state::{Phase, State};
use gen_tcp_core::sys::{self, Wait};
use gen_tcp_core::{Data, Error, PacketType, Result};
use parking_lot::MutexGuard;
use std::io;
use std::time::{Duration, Instant};

/// What one attempt under the lock found.
enum Step<T> {
    Done(Result<T>),
    Wait,
}

/// Takes the readers' lock, waiting no longer than the caller's deadline.
fn reader<'a>(port: &'a SocketPort, deadline: Option<Instant>) -> Result<MutexGuard<'a, ()>> {
    match deadline {
        None => Ok(port.recv_lock.lock()),
        Some(d) => port.recv_lock.try_lock_until(d).ok_or(Error::Timeout),
    }
}

/// Checks that a passive read may run now.
fn check(port: &SocketPort, st: &State) -> Result<()> {
    port.check_connected(st)?;
    if st.opts.active.is_active() && st.phase == Phase::Connected {
        return Err(Error::Einval);
    }
    Ok(())
}

/// Runs `attempt` under the state lock until it is done, waiting for the
/// descriptor to be readable between attempts.
fn drive<T>(
    port: &SocketPort,
    timeout: Option<Duration>,
    mut attempt: impl FnMut(&mut State) -> Step<T>,
) -> Result<T> {
    let deadline = sys::deadline(timeout);
    let _reader = reader(port, deadline)?;
    loop {
        if let Step::Done(r) = attempt(&mut port.state.lock()) {
            return r;
        }
        sys::wait_fd(port.fd(), Wait::Read, deadline)?;
    }
}

/// `recv(S, Length, Timeout)`: `length` counts only with `{packet, raw}`,
/// where it means exactly that many bytes (OTP's socket backend ignores
/// it for other packet types and returns the next packet).
pub fn recv(port: &SocketPort, length: usize, timeout: Option<Duration>) -> Result<Data> {
    drive(port, timeout, |st| {
        if let Err(e) = check(port, st).and_then(|()| st.opts.check_recv_length(length)) {
            return Step::Done(Err(e));
        }
        loop {
            let opts = &st.opts;
            match st.inbound.next_packet(opts, length) {
                Ok(Some(p)) => return Step::Done(Ok(p)),
                Ok(None) => {}
                Err(e) => return Step::Done(Err(e)),
            }
            if let Some(reason) = st.ended() {
                // As OTP: an incomplete `recv(S, N)` at end of stream drops
                // what it had gathered.
                let _ = st.inbound.take(usize::MAX);
                return Step::Done(Err(reason));
            }
            let want = st.inbound.want(&st.opts, length);
            match st.inbound.fill_from(port.fd(), want) {
                Ok(0) => {
                    st.end_of_stream(None);
                }
                Ok(n) => port.counters.received(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Wait,
                Err(e) => {
                    st.end_of_stream(Some(&e));
                }
            }
        }
    })
}

/// Reads what `recv(S, 0)` would deliver into `buf`; `Ok(0)` at end of
/// stream. In raw mode with nothing buffered, the kernel copies straight
/// into `buf`. In framed modes the rest of a packet that does not fit is
/// kept for the next call.
pub fn read_into(port: &SocketPort, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
    if buf.is_empty() {
        return Ok(0);
    }
    let served = drive(port, timeout, |st| {
        if let Err(e) = check(port, st) {
            return Step::Done(Err(e));
        }
        if !st.read_rest.is_empty() {
            let k = st.read_rest.len().min(buf.len());
            buf[..k].copy_from_slice(&st.read_rest.split_to(k));
            return Step::Done(Ok(Some(k)));
        }
        if st.opts.packet != PacketType::Raw {
            return Step::Done(Ok(None));
        }
        if !st.inbound.is_empty() {
            let b = st.inbound.take(buf.len());
            buf[..b.len()].copy_from_slice(&b);
            return Step::Done(Ok(Some(b.len())));
        }
        if st.ended().is_some() {
            return Step::Done(Ok(Some(0)));
        }
        match sys::read(port.fd(), buf) {
            Ok(0) => {
                st.end_of_stream(None);
                st.ended();
                Step::Done(Ok(Some(0)))
            }
            Ok(n) => {
                port.counters.received(n);
                Step::Done(Ok(Some(n)))
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Step::Wait,
            Err(e) => Step::Done(Err(st.end_of_stream(Some(&e)))),
        }
    })?;
    if let Some(n) = served {
        return Ok(n);
    }
    let mut packet = match recv(port, 0, timeout) {
        Ok(p) => p.into_bytes(),
        Err(Error::Closed) => return Ok(0),
        Err(e) => return Err(e),
    };
    let k = packet.len().min(buf.len());
    buf[..k].copy_from_slice(&packet.split_to(k));
    port.state.lock().read_rest = packet;
    Ok(k)
}
