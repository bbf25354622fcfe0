//! [`Descriptor`]: the one owner of a socket's descriptor, and the safe
//! system calls both backends make on it.
//!
//! The floor is what `std::net` makes for the same work:
//!
//! - connected sockets are blocking, so a `recv` that must wait for bytes
//!   is one blocking `recv(2)`, as `TcpStream::read` is; the calls that must
//!   not block (the reactor's reads, `inet`'s writes) say so per call with
//!   `MSG_DONTWAIT` ([`Block::No`]);
//! - `recv`/`send` with `MSG_NOSIGNAL`, not `read`/`write` through the VFS,
//!   and `sendmsg` only when a frame really is in several pieces;
//! - what the socket's creator knew (its family, its `linger`) is kept, not
//!   looked up again with `getsockopt`.
//!
//! `close` keeps the descriptor's number taken (pointed at `/dev/null`)
//! until the last handle is dropped, so that a handle that still holds the
//! number never reaches a descriptor reused by someone else; it wakes the
//! threads blocked on the socket (with `shutdown`) only when there are any.
//!
//! [`Descriptor::detach`] gives the socket to a new owner (`into_std`)
//! the same way, without ending its connection: the new owner gets a new
//! number for it, and the old number is kept as `close` keeps it. It is
//! refused while a thread is blocked on the descriptor: a thread blocked
//! in the kernel would go on reading (or writing) the new owner's socket,
//! and nothing but ending the connection could wake it.

use crate::addr::{Family, SockAddr};
use crate::error::{Error, Result};
use crate::options::{CreateOpts, Opt};
use crate::packet::Frame;
use crate::socket::Shutdown;
use crate::sys::{self, Wait};
use parking_lot::{RwLock, RwLockReadGuard};
use std::io::{self, IoSlice};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::SeqCst};
use std::time::Instant;

/// The size of a thread's scratch receive buffer
/// ([`Descriptor::recv_scratch`]): reading less per syscall costs more in
/// calls than it saves in memory.
pub const SCRATCH: usize = 64 * 1024;

/// How long a call may wait when the kernel has nothing to give (or no
/// room to take) yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// Not at all: `WouldBlock` comes back at once (`MSG_DONTWAIT`).
    No,
    /// Until the deadline (`None`: for as long as it takes). When it
    /// passes first the call fails with an error for which [`timed_out`]
    /// is true. [`Descriptor::close`] ends the wait.
    Until(Option<Instant>),
}

/// True for the error a [`Block::Until`] call gives when its deadline
/// passes (as opposed to an error from the kernel).
pub fn timed_out(e: &io::Error) -> bool {
    e.raw_os_error().is_none() && Error::from(io::Error::from(e.kind())) == Error::Timeout
}

/// True for the error a blocking call gives when the calling process is
/// killed while it waits ([`crate::process::Pid::kill`]): the socket is
/// fine, the call must end (with [`Error::Killed`]).
pub fn killed(e: &io::Error) -> bool {
    crate::error::carried(e) == Some(&Error::Killed)
}

fn deadline_passed() -> io::Error {
    Error::Timeout.into()
}

/// What a closed descriptor answers (mapped to `closed` by
/// [`io_reason`](crate::error::io_reason)).
fn closed_error() -> io::Error {
    io::Error::from_raw_os_error(libc::EBADF)
}

/// A socket's descriptor, owned: closed for good when dropped.
#[derive(Debug)]
pub struct Descriptor {
    fd: OwnedFd,
    local: bool,
    /// `{linger, {true, 0}}`: close resets the connection.
    linger_zero: AtomicBool,
    /// A listening socket's `SO_PRIORITY`, which Linux does not give the
    /// sockets it accepts and OTP copies to them (0: nothing to copy).
    priority: AtomicU32,
    /// Threads inside a blocking call on the descriptor, that `close` must
    /// wake.
    blocked: AtomicUsize,
    /// Held shared by every blocking call for its length, and exclusively
    /// by [`Descriptor::detach`], which so knows that no thread is (or
    /// gets) blocked on the socket it gives away.
    gate: RwLock<()>,
    closed: AtomicBool,
}

/// Marks a thread as blocked on a descriptor until dropped.
struct Blocked<'a> {
    count: &'a AtomicUsize,
    _gate: RwLockReadGuard<'a, ()>,
}

impl Drop for Blocked<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, SeqCst);
    }
}

impl Descriptor {
    fn new(fd: OwnedFd, local: bool, linger_zero: bool) -> Descriptor {
        Descriptor {
            fd,
            local,
            linger_zero: AtomicBool::new(linger_zero),
            priority: AtomicU32::new(0),
            blocked: AtomicUsize::new(0),
            gate: RwLock::new(()),
            closed: AtomicBool::new(false),
        }
    }

    /// Takes a socket handed over whole by its owner (`gen_tcp::from_std`),
    /// as [`crate::open::adopt_whole`] found it: its family and `linger`
    /// are asked of the kernel, as nobody here made it.
    pub fn adopted(sock: socket2::Socket) -> Descriptor {
        let local = lookup_local(&sock);
        let linger_zero = read_linger_zero(sock.as_fd());
        let d = Descriptor::new(sock.into(), local, linger_zero);
        d.priority.store(read_priority(d.as_fd()), SeqCst);
        d
    }

    /// Takes a listening socket made for `listen` with the options `c`.
    /// It is made non-blocking, so that `accept` with a timeout can never
    /// block in the kernel past its deadline.
    pub fn listening(sock: socket2::Socket, c: &CreateOpts) -> Result<Descriptor> {
        sys::set_nonblocking(sock.as_raw_fd(), true)?;
        let local = match c.fd {
            Some(_) => lookup_local(&sock),
            None => c.family_for(None) == Family::Local,
        };
        let linger_zero = linger_at_creation(&sock, c);
        let d = Descriptor::new(sock.into(), local, linger_zero);
        if c.fd.is_some() || c.opts.iter().any(touches_priority) {
            d.priority.store(read_priority(d.as_fd()), SeqCst);
        }
        Ok(d)
    }

    /// Takes a socket connected for `connect` with the options `c` to one
    /// of `addrs`.
    pub fn connected(sock: socket2::Socket, c: &CreateOpts, addrs: &[SockAddr]) -> Descriptor {
        let is_local = |a: &SockAddr| Family::of(a) == Family::Local;
        let local = if c.fd.is_some() {
            lookup_local(&sock)
        } else if addrs.iter().all(is_local) {
            true
        } else if !addrs.iter().any(is_local) {
            false
        } else {
            lookup_local(&sock)
        };
        let linger_zero = linger_at_creation(&sock, c);
        Descriptor::new(sock.into(), local, linger_zero)
    }

    /// True for a unix domain socket.
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// True when `{linger, {true, 0}}` is set: `close` resets the connection.
    pub fn linger_zero(&self) -> bool {
        self.linger_zero.load(SeqCst)
    }

    /// Keeps [`Descriptor::linger_zero`] true to the kernel after
    /// `setopts(opts)` (read back once, only when `opts` touch `linger`).
    /// Keeps what a listening descriptor gives the sockets it accepts
    /// (its `priority`) true to the kernel after `setopts(opts)`.
    pub fn options_set(&self, opts: &[Opt]) {
        if opts.iter().any(touches_linger) {
            self.linger_zero
                .store(read_linger_zero(self.fd.as_fd()), SeqCst);
        }
        if opts.iter().any(touches_priority) {
            self.priority.store(read_priority(self.fd.as_fd()), SeqCst);
        }
    }

    /// The descriptor's number (still taken, though pointing at nothing
    /// useful, after [`Descriptor::close`]).
    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// The local address.
    pub fn sockname(&self) -> Result<SockAddr> {
        let s = socket2::SockRef::from(&self.fd);
        Ok(SockAddr::from_socket2(&s.local_addr()?))
    }

    /// The peer's address.
    pub fn peername(&self) -> Result<SockAddr> {
        let s = socket2::SockRef::from(&self.fd);
        Ok(SockAddr::from_socket2(&s.peer_addr()?))
    }

    /// Registers the calling thread as blocked on the descriptor; `EBADF`
    /// once it is closed. Paired with the check in `close`: either `close`
    /// sees this thread and wakes it, or this thread sees `closed`.
    fn block(&self) -> io::Result<Blocked<'_>> {
        // Waits only while a `detach` runs (a few system calls), after
        // which the descriptor is closed and the call answers so.
        let gate = self.gate.read();
        self.blocked.fetch_add(1, SeqCst);
        let guard = Blocked {
            count: &self.blocked,
            _gate: gate,
        };
        if self.closed.load(SeqCst) {
            return Err(closed_error());
        }
        Ok(guard)
    }

    /// Waits until the descriptor is ready for `what` or `deadline` passes
    /// (`timeout`); `closed` once it is closed.
    pub fn wait(&self, what: Wait, deadline: Option<Instant>) -> Result<()> {
        let _blocked = self.block().map_err(|_| Error::Closed)?;
        sys::wait_fd(self.raw(), what, deadline, crate::process::call_wake_fd())
    }

    /// Runs `attempt` (one system call, with `flags`) as `block` says: at
    /// once with `MSG_DONTWAIT`, or blocking in the kernel until it
    /// succeeds, or, with a deadline, polling in between.
    fn io(
        &self,
        what: Wait,
        block: Block,
        mut attempt: impl FnMut(libc::c_int) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let deadline = match block {
            Block::No => return attempt(libc::MSG_DONTWAIT),
            Block::Until(d) => d,
        };
        let _blocked = self.block()?;
        // With no deadline the call blocks in the kernel (one syscall, as
        // std's); a descriptor that was made non-blocking elsewhere (`{fd,
        // Fd}`) answers EAGAIN and we poll. With a deadline we try, then
        // poll until the deadline. A call that an exit signal must be able
        // to end (the caller does not own the socket, so the close that
        // ends its owner's calls is not its own) polls too, watching the
        // caller's wake fd beside the socket.
        let interruptible = crate::process::call_is_interruptible();
        let flags = if deadline.is_none() && !interruptible {
            0
        } else {
            libc::MSG_DONTWAIT
        };
        loop {
            match attempt(flags) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                r => return r,
            }
            if self.closed.load(SeqCst) {
                return Err(closed_error());
            }
            let wake = crate::process::call_wake_fd();
            match sys::wait_fd(self.raw(), what, deadline, wake) {
                Ok(()) => {}
                Err(Error::Timeout) => return Err(deadline_passed()),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Receives into `buf`; `Ok(0)` is end of stream.
    pub fn recv(&self, buf: &mut [u8], block: Block) -> io::Result<usize> {
        // SAFETY: `buf` is valid for writes of its length.
        self.io(Wait::Read, block, |flags| unsafe {
            sys::recv(self.raw(), buf.as_mut_ptr(), buf.len(), flags)
        })
    }

    /// Receives, waiting as `block` says, up to [`SCRATCH`] bytes into
    /// this thread's scratch buffer, and hands what came (`Ok` of no bytes
    /// at end of stream) to `then`. For readers that cannot receive into
    /// their own buffer while waiting (it is behind a lock the wait must
    /// not hold).
    pub fn recv_scratch<R>(&self, block: Block, then: impl FnOnce(io::Result<&[u8]>) -> R) -> R {
        thread_local! {
            static BUF: std::cell::RefCell<Box<[u8]>> =
                std::cell::RefCell::new(vec![0u8; SCRATCH].into_boxed_slice());
        }
        let mut then = Some(then);
        let mut run = |buf: &mut [u8]| {
            let r = self.recv(buf, block);
            let then = then.take().expect("called once");
            then(r.map(|n| &buf[..n]))
        };
        let shared = BUF.try_with(|b| b.try_borrow_mut().ok().map(|mut b| run(&mut b)));
        match shared {
            Ok(Some(r)) => r,
            // Already in use up the stack (or the thread is ending).
            _ => run(&mut vec![0u8; SCRATCH]),
        }
    }

    /// How many bytes the kernel holds for the next reads, without taking
    /// them: an end of stream or an error stays for the read that meets it.
    pub fn unread(&self) -> io::Result<usize> {
        sys::unread(self.raw())
    }

    /// Receives into uninitialised memory. On `Ok(n)`, the first `n` bytes
    /// of `buf` are initialised (the kernel wrote them).
    pub fn recv_uninit(&self, buf: &mut [MaybeUninit<u8>], block: Block) -> io::Result<usize> {
        // SAFETY: `buf` is valid for writes of its length; recv(2) writes
        // only whole bytes, and only the first `n` it reports.
        self.io(Wait::Read, block, |flags| unsafe {
            sys::recv(self.raw(), buf.as_mut_ptr().cast(), buf.len(), flags)
        })
    }

    /// Sends what the kernel takes of `buf` in one call.
    pub fn send(&self, buf: &[u8], block: Block) -> io::Result<usize> {
        self.io(Wait::Write, block, |flags| {
            sys::send(self.raw(), buf, flags)
        })
    }

    /// Sends what the kernel takes of `frame` from byte `offset` on, in
    /// one call: `send` when the rest is one piece or small enough to be
    /// joined into one on the stack, else `sendmsg`.
    pub fn send_frame(&self, frame: &Frame<'_>, offset: usize, block: Block) -> io::Result<usize> {
        if let Some(buf) = frame.contiguous(offset) {
            return self.send(buf, block);
        }
        let mut joined = [MaybeUninit::uninit(); Frame::JOIN_BELOW];
        if let Some(buf) = frame.join(offset, &mut joined) {
            return self.send(buf, block);
        }
        let mut iov = [IoSlice::new(&[]); Frame::MAX_SLICES];
        let n = frame.slices(offset, &mut iov);
        self.io(Wait::Write, block, |flags| {
            sys::sendv(self.raw(), &iov[..n], flags)
        })
    }

    /// Sends every byte of `frame` from `offset` on as `block` allows;
    /// returns how many were sent, and the error that stopped it (`None`
    /// when all were).
    pub fn send_all(
        &self,
        frame: &Frame<'_>,
        mut offset: usize,
        block: Block,
    ) -> (usize, Option<io::Error>) {
        let start = offset;
        while offset < frame.len() {
            match self.send_frame(frame, offset, block) {
                Ok(0) => return (offset - start, Some(io::ErrorKind::WriteZero.into())),
                Ok(n) => offset += n,
                Err(e) => return (offset - start, Some(e)),
            }
        }
        (offset - start, None)
    }

    /// Sends what the kernel takes of `bufs` in one call.
    pub fn sendv(&self, bufs: &[IoSlice<'_>], block: Block) -> io::Result<usize> {
        self.io(Wait::Write, block, |flags| {
            sys::sendv(self.raw(), bufs, flags)
        })
    }

    /// `shutdown(2)`.
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        sys::shutdown(self.raw(), how.how())?;
        Ok(())
    }

    /// Closes the socket, keeping the number taken until the descriptor
    /// is dropped. Threads blocked on it wake: with a `shutdown`, made only
    /// when there are some, or, with `{linger, {true, 0}}`, with a reset
    /// (the peer must see a reset, never the FIN a `shutdown` sends).
    /// Closing twice does nothing.
    pub fn close(&self) {
        if self.closed.swap(true, SeqCst) {
            return;
        }
        let woken = self.blocked.load(SeqCst) > 0;
        if woken {
            self.end_now();
        }
        if !sys::release_keep_number(self.raw()) && !woken {
            // Out of descriptors for the placeholder: end the connection
            // now; the socket itself goes with the number, on drop.
            self.end_now();
        }
    }

    /// Ends the connection while the descriptor stays open, waking every
    /// thread blocked on it.
    fn end_now(&self) {
        if self.linger_zero() {
            sys::abort(self.raw());
        } else {
            let _ = sys::shutdown(self.raw(), libc::SHUT_RDWR);
        }
    }

    /// Gives the socket up without ending its connection: a new
    /// descriptor for it (close-on-exec, blocking, as std's sockets are)
    /// for its new owner, and this one closed as [`Descriptor::close`]
    /// closes it, keeping its number taken, but waking nobody and leaving
    /// the connection as it is.
    ///
    /// `leave` runs once nothing can fail any more, while the number
    /// still names the socket: for what must be undone by number (taking
    /// it out of `epoll`, which finds its entries by number and file, and
    /// would keep one for as long as the new owner keeps the socket).
    ///
    /// Answers, changing nothing: `ebusy` while a thread is blocked on
    /// the descriptor (see the module's docs); `closed` once closed (also
    /// when a `close` comes while this runs: that close wins, and ends the
    /// connection); `system_limit` when out of descriptors.
    pub fn detach(&self, leave: impl FnOnce(&Descriptor)) -> Result<OwnedFd> {
        let Some(_alone) = self.gate.try_write() else {
            return Err(Error::Posix(libc::EBUSY));
        };
        if self.closed.load(SeqCst) {
            return Err(Error::Closed);
        }
        // What could fail, first: the new number, and the placeholder the
        // old number is pointed at.
        let given = sys::dup(self.raw())?;
        if !sys::placeholder_ready() {
            return Err(Error::SystemLimit);
        }
        leave(self);
        if !sys::release_keep_number(self.raw()) {
            // Not for want of a placeholder (it is open), so not expected;
            // the socket is still ours, but `leave` has run: the
            // connection ends as after a close.
            self.close();
            return Err(Error::SystemLimit);
        }
        if self.closed.swap(true, SeqCst) {
            // A `close` came meanwhile and released the number: it wins,
            // and the socket goes with the last descriptor, `given`.
            return Err(Error::Closed);
        }
        // O_NONBLOCK belongs to the socket (the open file), not to a
        // number: what this side set (a listening socket, an adopted one)
        // is cleared for the new owner, as std makes its sockets.
        let _ = sys::set_nonblocking(given.as_raw_fd(), false);
        Ok(given)
    }

    /// True once [`Descriptor::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(SeqCst)
    }

    /// Accepts one pending connection without blocking (a listening
    /// descriptor is non-blocking): `Ok(None)` when none is pending.
    /// `EMFILE`/`ENFILE` are `system_limit`; errors that concern only the
    /// connection being accepted (`ECONNABORTED`, ...) are skipped. The
    /// new descriptor is blocking, of this one's family, and inherits its
    /// `linger` (as the kernel's accepted socket does) and its `priority`
    /// (which Linux does not copy; both OTP backends do).
    pub fn accept(&self) -> Result<Option<Descriptor>> {
        loop {
            match sys::accept(self.raw()) {
                Ok(fd) => {
                    let d = Descriptor::new(fd, self.local, self.linger_zero());
                    let priority = self.priority.load(SeqCst);
                    if priority != 0 {
                        // As OTP's accept: a priority it cannot set (over 6
                        // without CAP_NET_ADMIN) was not settable here either.
                        let _ = crate::sockopt::set(d.as_fd(), &Opt::Priority(priority));
                    }
                    return Ok(Some(d));
                }
                Err(e) => match e.raw_os_error() {
                    Some(libc::EAGAIN) => return Ok(None),
                    Some(libc::EINTR | libc::ECONNABORTED | libc::EPROTO) => continue,
                    // Closed under us.
                    Some(libc::EINVAL | libc::ENOTSOCK | libc::EBADF) => return Err(Error::Closed),
                    _ => return Err(e.into()),
                },
            }
        }
    }
}

impl AsFd for Descriptor {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Descriptor {
    fn as_raw_fd(&self) -> RawFd {
        self.raw()
    }
}

/// Asks the kernel whether `sock` is a unix domain socket (`SO_DOMAIN`):
/// only for a descriptor whose creator is not known (`{fd, Fd}`).
fn lookup_local(sock: &socket2::Socket) -> bool {
    sock.domain().is_ok_and(|d| d == socket2::Domain::UNIX)
}

fn touches_linger(o: &Opt) -> bool {
    match o {
        Opt::Linger(..) => true,
        Opt::Raw { level, name, .. } => *level == libc::SOL_SOCKET && *name == libc::SO_LINGER,
        _ => false,
    }
}

/// Options that may change `SO_PRIORITY` (`tos` does, on Linux, though
/// it is put back: see [`crate::sockopt::set`]).
fn touches_priority(o: &Opt) -> bool {
    match o {
        Opt::Priority(_) | Opt::Tos(_) | Opt::Tclass(_) => true,
        Opt::Raw { level, .. } => *level == libc::SOL_SOCKET || *level == libc::IPPROTO_IP,
        _ => false,
    }
}

fn read_priority(fd: BorrowedFd<'_>) -> u32 {
    match crate::sockopt::get(fd, &crate::options::OptName::Priority) {
        Ok(Some(Opt::Priority(p))) => p,
        _ => 0,
    }
}

fn read_linger_zero(fd: BorrowedFd<'_>) -> bool {
    socket2::SockRef::from(&fd)
        .linger()
        .is_ok_and(|l| l == Some(std::time::Duration::ZERO))
}

/// `linger` as the creation options left it: the last `{linger, _}` given
/// (they are set in order), read back only when it cannot be known (an
/// adopted descriptor, or a raw `SO_LINGER`).
fn linger_at_creation(sock: &socket2::Socket, c: &CreateOpts) -> bool {
    let raw = c
        .opts
        .iter()
        .any(|o| touches_linger(o) && matches!(o, Opt::Raw { .. }));
    if c.fd.is_some() || raw {
        return read_linger_zero(sock.as_fd());
    }
    c.opts
        .iter()
        .rev()
        .find_map(|o| match o {
            Opt::Linger((on, secs)) => Some(*on && *secs == 0),
            _ => None,
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::PacketType;
    use std::time::Duration;

    fn pair() -> (Descriptor, Descriptor) {
        let (a, b) = socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None)
            .expect("socketpair");
        (
            Descriptor::new(a.into(), true, false),
            Descriptor::new(b.into(), true, false),
        )
    }

    #[test]
    fn recv_now_would_block_and_until_times_out() {
        let (a, _b) = pair();
        let mut buf = [0u8; 4];
        let e = a.recv(&mut buf, Block::No).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        let soon = sys::deadline(Some(Duration::from_millis(5)));
        let e = a.recv(&mut buf, Block::Until(soon)).unwrap_err();
        assert!(timed_out(&e), "{e:?}");
        assert!(!timed_out(&io::Error::from_raw_os_error(libc::ETIMEDOUT)));
    }

    #[test]
    fn a_framed_send_arrives_whole() {
        let (a, b) = pair();
        let chunks: [&[u8]; 2] = [b"ab", b"cde"];
        let frame = Frame::new(PacketType::Two, &chunks).unwrap();
        let (sent, stopped) = a.send_all(&frame, 0, Block::Until(None));
        assert!(sent == 7 && stopped.is_none(), "{sent} {stopped:?}");
        let mut buf = [0u8; 16];
        let n = b.recv(&mut buf, Block::Until(None)).unwrap();
        assert_eq!(&buf[..n], &[0, 5, b'a', b'b', b'c', b'd', b'e']);
    }

    #[test]
    fn close_wakes_a_blocked_reader_and_keeps_the_number() {
        let (a, _b) = pair();
        let a = std::sync::Arc::new(a);
        let reader = {
            let a = a.clone();
            std::thread::spawn(move || a.recv(&mut [0u8; 8], Block::Until(None)))
        };
        // The reader may block before or after the close; either way it
        // ends: woken by the shutdown, or refused as closed.
        while a.blocked.load(SeqCst) == 0 && !reader.is_finished() {
            std::thread::yield_now();
        }
        a.close();
        let r = reader.join().unwrap();
        assert!(matches!(r, Ok(0)) || r.is_err(), "{r:?}");
        // The number still names an open file (the placeholder).
        // SAFETY: F_GETFD only asks whether the number is open.
        assert!(unsafe { libc::fcntl(a.raw(), libc::F_GETFD) } >= 0);
        assert!(a.recv(&mut [0u8; 1], Block::No).is_err());
    }

    #[test]
    fn detach_gives_the_connection_away_and_keeps_the_number() {
        use std::io::{Read, Write};
        let (a, b) = pair();
        let number = a.raw();
        crate::sys::set_nonblocking(number, true).unwrap();
        let mut left = 0;
        let given = a.detach(|d| left = d.raw()).unwrap();
        assert_eq!(left, number, "left while the number still named the socket");
        assert_ne!(given.as_raw_fd(), number);
        assert!(a.is_closed());
        // Closing what is left neither ends nor wakes the connection.
        a.close();
        assert_eq!(a.detach(|_| {}).unwrap_err(), Error::Closed);
        // SAFETY: F_GETFD only asks whether the number is open.
        assert!(unsafe { libc::fcntl(number, libc::F_GETFD) } >= 0);
        let mut given = std::os::unix::net::UnixStream::from(given);
        b.send(b"ping", Block::Until(None)).unwrap();
        let mut got = [0u8; 4];
        given.read_exact(&mut got).unwrap(); // blocking again, as std's
        assert_eq!(&got, b"ping");
        given.write_all(b"pong").unwrap();
        let n = b.recv(&mut got, Block::Until(None)).unwrap();
        assert_eq!(&got[..n], b"pong");
    }

    #[test]
    fn detach_is_refused_while_a_thread_is_blocked_on_the_descriptor() {
        let (a, b) = pair();
        let a = std::sync::Arc::new(a);
        let reader = {
            let a = a.clone();
            std::thread::spawn(move || a.recv(&mut [0u8; 8], Block::Until(None)))
        };
        // Counted as blocked once past the gate: it stays until a byte comes.
        while a.blocked.load(SeqCst) == 0 {
            std::thread::yield_now();
        }
        let refused = a.detach(|_| panic!("nothing may be undone when refused"));
        assert_eq!(refused.unwrap_err(), Error::Posix(libc::EBUSY));
        assert!(!a.is_closed());
        b.send(b"x", Block::Until(None)).unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), 1);
        assert!(a.detach(|_| {}).is_ok());
    }

    /// Linux gives an accepted socket priority 0 whatever the listening
    /// socket's; both OTP backends copy it.
    #[test]
    fn accept_copies_the_listening_socket_s_priority() {
        let c = CreateOpts::parse(&[Opt::Priority(3)]).unwrap();
        let l = crate::open::listen(0, &c).unwrap();
        let addr = l.local_addr().unwrap();
        let l = Descriptor::listening(l, &c).unwrap();
        let _peer = std::net::TcpStream::connect(addr.as_socket().unwrap()).unwrap();
        let s = crate::acceptors::Acceptors::default().accept(&l, None, || Ok(())).unwrap();
        assert_eq!(read_priority(s.as_fd()), 3);
        l.options_set(&[Opt::Priority(0)]);
        assert_eq!(l.priority.load(SeqCst), 3, "read back from the kernel");
    }
}
