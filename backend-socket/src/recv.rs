//! Passive receiving: `recv/3` and `Read`, in the caller's thread.
//!
//! Bytes already buffered are served first. With no timeout, waiting for
//! more is one blocking `recv(2)` made without the state lock (so
//! `setopts`, `getopts` and `close` proceed meanwhile; `close` wakes it),
//! the one syscall std makes. With a timeout, the caller reads without
//! waiting, under the state lock (so the poller never reads the same
//! socket), and polls with the lock released until the deadline, which
//! holds however the bytes come: a peer that keeps the socket readable
//! with a frame it never finishes does not keep `recv` past it.

use crate::port::SocketPort;
use crate::state::{Phase, Shut, State};
use gen_tcp_core::descriptor::{Block, SCRATCH};
use gen_tcp_core::sys::{self, Wait};
use gen_tcp_core::{Data, Error, PacketType, Result};
use parking_lot::MutexGuard;
use std::io;
use std::time::{Duration, Instant};

/// What one attempt under the lock found.
enum Step<T> {
    Done(Result<T>),
    /// More bytes are needed: this many would complete what is waited for.
    Need(usize),
    /// Bytes came: try again (once the deadline is checked).
    Again,
}

/// Takes the readers' lock, waiting no longer than the caller's deadline.
fn reader<'a>(port: &'a SocketPort, deadline: Option<Instant>) -> Result<MutexGuard<'a, ()>> {
    match deadline {
        None => Ok(port.recv_lock.lock()),
        Some(d) => port.recv_lock.try_lock_until(d).ok_or(Error::Timeout),
    }
}

/// A `recv` that waits: from its start the socket delivers nothing
/// actively (the poller does not read it), so that if it turns active
/// meanwhile this `recv` still gets the next packet, as OTP 25's
/// `socket` backend serves a waiting `recv` first. When the `recv` ends,
/// an active socket delivers what is buffered and is read by the poller.
struct Waiting<'a>(&'a SocketPort);

impl<'a> Waiting<'a> {
    /// `einval` if the socket is active now (a `recv` on an active socket).
    fn begin(port: &'a SocketPort) -> Result<Waiting<'a>> {
        let mut st = port.state.lock();
        check(port, &st)?;
        st.recv_waiting = true;
        Ok(Waiting(port))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut st = self.0.state.lock();
        st.recv_waiting = false;
        if st.opts.active.is_active() {
            self.0.activate(&mut st);
        }
    }
}

/// Checks that a passive read may run now.
fn check(port: &SocketPort, st: &State) -> Result<()> {
    going_on(port, st)?;
    if st.opts.active.is_active() && st.phase == Phase::Connected {
        return Err(Error::Einval);
    }
    Ok(())
}

/// Checks that a passive read already under way may go on, active or
/// not now: the socket is connected and its read side not shut.
fn going_on(port: &SocketPort, st: &State) -> Result<()> {
    port.check_connected(st)?;
    // After our own `shutdown(read)`, OTP 25 answers `closed`, even with
    // bytes buffered or in the kernel.
    if st.shut != Shut::Open {
        return Err(Error::Closed);
    }
    Ok(())
}

/// Records what a read gave: bytes counted, or the end of the stream.
fn received(port: &SocketPort, st: &mut State, r: io::Result<usize>) {
    match r {
        Ok(0) => {
            st.end_of_stream(None);
        }
        Ok(n) => {
            port.counters.received(n);
            st.bad_frame = false;
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => {
            st.end_of_stream(Some(&e));
        }
    }
}

/// Runs a blocking receive `io` without the state lock, then takes it
/// back (`closed` if the socket was closed meanwhile). If the socket
/// turned active meanwhile, what came goes the active way, in order.
fn blocking<'a, T>(
    port: &'a SocketPort,
    mut st: MutexGuard<'a, State>,
    io: impl FnOnce() -> (MutexGuard<'a, State>, io::Result<T>),
) -> Result<(MutexGuard<'a, State>, io::Result<T>)> {
    st.blocked_reader = true;
    drop(st);
    let (mut st, r) = io();
    st.blocked_reader = false;
    if matches!(&r, Err(e) if gen_tcp_core::descriptor::killed(e)) {
        // The caller's process was killed: the socket is as it was.
        return Err(Error::Killed);
    }
    if port.fd.is_closed() || st.phase == Phase::Closed {
        return Err(Error::Closed);
    }
    Ok((st, r))
}

/// Runs `attempt` under the state lock until it is done, getting more
/// bytes between attempts: with a blocking `recv` when there is no
/// deadline and the bytes fit the scratch buffer, else by waiting for
/// the descriptor to be readable (`attempt` reads itself then). The
/// socket is checked passive once, at the start ([`Waiting`]).
fn drive<T>(
    port: &SocketPort,
    timeout: Option<Duration>,
    mut attempt: impl FnMut(&mut State, bool) -> Step<T>,
) -> Result<T> {
    let deadline = sys::deadline(timeout);
    let _reader = reader(port, deadline)?;
    let _waiting = Waiting::begin(port)?;
    // Bytes came in the last attempt and are not decoded yet: the next
    // attempt decodes them before the deadline counts (so `recv(S, 0, 0)`
    // takes what the kernel holds).
    let mut fresh = false;
    loop {
        let mut st = port.state.lock();
        let blocking = deadline.is_none();
        let step = attempt(&mut st, blocking);
        // A timeout is a deadline, whatever keeps arriving.
        let counts = match step {
            Step::Done(_) => false,
            Step::Again => fresh,
            Step::Need(_) => true,
        };
        if counts && sys::passed(deadline) {
            return Err(Error::Timeout);
        }
        fresh = matches!(step, Step::Again);
        let need = match step {
            Step::Done(r) => return r,
            Step::Again => continue,
            Step::Need(n) => n,
        };
        if blocking && need <= SCRATCH {
            let (mut st, r) = blocking_fill(port, st)?;
            received(port, &mut st, r);
            continue;
        }
        drop(st);
        port.fd.wait(Wait::Read, deadline)?;
    }
}

/// One blocking `recv` into the scratch buffer, appended to the socket's
/// buffered bytes.
fn blocking_fill<'a>(
    port: &'a SocketPort,
    st: MutexGuard<'a, State>,
) -> Result<(MutexGuard<'a, State>, io::Result<usize>)> {
    blocking(port, st, || {
        port.fd.recv_scratch(Block::Until(None), |got| {
            let mut st = port.state.lock();
            let r = got.map(|bytes| {
                st.inbound.extend(bytes);
                bytes.len()
            });
            (st, r)
        })
    })
}

/// `recv(S, Length, Timeout)`: `length` counts only with `{packet, raw}`,
/// where it means exactly that many bytes (OTP's socket backend ignores
/// it for other packet types and returns the next packet).
pub fn recv(port: &SocketPort, length: usize, timeout: Option<Duration>) -> Result<Data> {
    // A packet already buffered is served at once, under the state lock
    // alone: the readers' lock orders reads from the kernel, and this one
    // reads nothing.
    {
        let mut guard = port.state.lock();
        let st = &mut *guard;
        let ready = check(port, st).is_ok() && !st.holds_bad_frame();
        if ready
            && st.opts.check_recv_length(length).is_ok()
            && !st.inbound.may_top_up(&st.opts, length)
        {
            if let Ok(Some(p)) = st.inbound.next_packet(&st.opts, length) {
                return Ok(p);
            }
        }
    }
    let r = drive(port, timeout, |st, blocking| {
        // Active or not: a `recv` that started passive goes on.
        let ok = going_on(port, st);
        if let Err(e) = ok.and_then(|()| st.opts.check_recv_length(length)) {
            return Step::Done(Err(e));
        }
        // A raw `recv(S, 0)` takes what the kernel holds with what is
        // buffered, as OTP's.
        if let Some(r) = st.inbound.top_up(&port.fd, &st.opts, length) {
            received(port, st, r);
        }
        if !st.holds_bad_frame() {
            match st.inbound.next_packet(&st.opts, length) {
                Ok(Some(p)) => return Step::Done(Ok(p)),
                Ok(None) => {}
                Err(e) => {
                    st.bad_frame = true;
                    return Step::Done(Err(e));
                }
            }
        }
        if let Some(reason) = st.ended() {
            // As OTP: an incomplete `recv(S, N)` at end of stream drops
            // what it had gathered.
            let _ = st.inbound.take(usize::MAX);
            return Step::Done(Err(reason));
        }
        let want = st.inbound.want(&st.opts, length);
        if blocking && want <= SCRATCH {
            return Step::Need(want);
        }
        match st.inbound.fill_from(&port.fd, want) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Step::Need(want),
            r => {
                received(port, st, r);
                Step::Again
            }
        }
    });
    if r == Err(Error::Timeout) && length > 0 {
        // OTP's socket backend keeps what it read for this recv, and the
        // next recv(S, 0) gets exactly that.
        let mut st = port.state.lock();
        // (Only bytes this recv gathered: a timeout waiting for the
        // readers' lock gathered nothing.)
        if st.opts.packet == PacketType::Raw && st.inbound.len() < length {
            st.inbound.hold();
        }
    }
    r
}

/// Reads what `recv(S, 0)` would deliver into `buf`; `Ok(0)` at end of
/// stream. In raw mode with nothing buffered, the kernel copies straight
/// into `buf`. In framed modes the rest of a packet that does not fit is
/// kept for the next call.
pub fn read_into(port: &SocketPort, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
    if buf.is_empty() {
        return Ok(0);
    }
    if let Some(n) = read_raw(port, buf, timeout)? {
        return Ok(n);
    }
    let mut packet = match recv(port, 0, timeout) {
        Ok(p) => p.into_bytes(),
        Err(Error::Closed) => return Ok(0),
        Err(e) => return Err(e),
    };
    let k = packet.len().min(buf.len());
    buf[..k].copy_from_slice(&packet.split_to(k));
    port.state.lock().inbound.keep_rest(packet);
    Ok(k)
}

/// `read_into` in raw mode (and the rest of a framed packet): `None`
/// when the socket is in a packet mode with nothing left over.
fn read_raw(port: &SocketPort, buf: &mut [u8], timeout: Option<Duration>) -> Result<Option<usize>> {
    let deadline = sys::deadline(timeout);
    let _reader = reader(port, deadline)?;
    loop {
        let mut st = port.state.lock();
        check(port, &st)?;
        if let Some(rest) = st.inbound.take_rest(buf.len()) {
            buf[..rest.len()].copy_from_slice(&rest);
            return Ok(Some(rest.len()));
        }
        if st.opts.packet != PacketType::Raw {
            return Ok(None);
        }
        if !st.inbound.is_empty() {
            let b = st.inbound.take(buf.len());
            buf[..b.len()].copy_from_slice(&b);
            return Ok(Some(b.len()));
        }
        if st.ended().is_some() {
            return Ok(Some(0));
        }
        // (A deadline that has passed ends the wait below, once the
        // kernel was read: a zero timeout takes what is there.)
        let r = if deadline.is_none() {
            let (mut st2, r) = blocking(port, st, || {
                let r = port.fd.recv(buf, Block::Until(None));
                (port.state.lock(), r)
            })?;
            if st2.opts.active.is_active() {
                if let Ok(n) = r {
                    st2.inbound.extend(&buf[..n]);
                }
                received(port, &mut st2, r);
                port.activate(&mut st2);
                return Err(Error::Einval);
            }
            st = st2;
            r
        } else {
            port.fd.recv(buf, Block::No)
        };
        match r {
            Ok(0) => {
                st.end_of_stream(None);
                st.ended();
                return Ok(Some(0));
            }
            Ok(n) => {
                port.counters.received(n);
                return Ok(Some(n));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                drop(st);
                port.fd.wait(Wait::Read, deadline)?;
            }
            Err(e) => return Err(st.end_of_stream(Some(&e))),
        }
    }
}
