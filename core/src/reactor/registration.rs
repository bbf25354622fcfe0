//! A socket's registration with a reactor, and the readiness its last
//! event reported: kept under the socket's own lock.

use super::slots::Key;
use super::{Event, Pool, Reactor, Source};
use crate::descriptor::Descriptor;
use crate::error::{Error, Result};
use std::sync::Arc;

/// What a socket needs its reactor for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Want {
    /// It is active: the reactor reads for it.
    pub read: bool,
    /// Output is queued (`inet`): the reactor writes it.
    pub write: bool,
}

impl Want {
    /// Nothing: a passive socket with nothing queued.
    pub const NOTHING: Want = Want {
        read: false,
        write: false,
    };
    /// Reading only.
    pub const READ: Want = Want {
        read: true,
        write: false,
    };

    /// True if the socket needs the reactor at all.
    pub fn any(self) -> bool {
        self.read || self.write
    }
}

/// Where a socket is with its reactor.
#[derive(Debug, Clone, Copy)]
enum State {
    /// Not in any reactor (never needed one, left one after an unwanted
    /// event, or was failed by one).
    Unregistered,
    /// In `epoll`, edge-triggered, for both directions.
    Registered { reactor: &'static Reactor, key: Key },
}

/// A socket's registration: registered on first need and then for life,
/// with the readiness its events reported, so that asking again for what
/// an edge will bring costs no system call.
///
/// Readiness is cleared by the socket when a read finds it empty (a short
/// read or `EAGAIN`: [`Registration::drained`]) or a write finds it full
/// ([`Registration::full`]); any byte or room that comes after that raises
/// a new edge. While it is set, the socket may have work no edge will
/// announce, and [`Registration::serve`] re-arms. Once an event said the
/// peer ended the stream (or the connection failed), the socket stays
/// readable: the end is there to be read after the last bytes, and no new
/// edge would announce it.
///
/// While the socket wants its reactor (it is active, or has output
/// queued), the registration holds a handle to it, as an Erlang port lives
/// while the driver works for it: an active socket outlives its last user
/// handle. Once it wants nothing ([`Registration::settle`]), the handle is
/// let go, and the socket closes with its last user handle, registered or
/// not (the reactor itself holds it weakly).
pub struct Registration {
    state: State,
    readable: bool,
    writable: bool,
    closed: bool,
    /// Events in a row that came while the socket wanted nothing.
    unwanted: u8,
    /// The socket itself, while it wants the reactor.
    pin: Option<Arc<dyn Source>>,
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("state", &self.state)
            .field("readable", &self.readable)
            .field("writable", &self.writable)
            .field("closed", &self.closed)
            .field("unwanted", &self.unwanted)
            .field("pinned", &self.pin.is_some())
            .finish()
    }
}

/// What [`Registration::serve`] leaves the caller to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Served {
    /// Nothing: the reactor calls the socket back when there is work.
    Waiting,
    /// An event already said the socket is readable, and no new edge will
    /// say it again: the caller reads now, in its own thread (as tokio's
    /// handles try the syscall first), and calls
    /// [`Registration::rearm`] if it left bytes for the reactor.
    ReadNow,
}

/// Unwanted events in a row after which a socket leaves its reactor.
const UNWANTED_BEFORE_LEAVING: u8 = 2;

impl Default for Registration {
    fn default() -> Self {
        Registration::new()
    }
}

impl Registration {
    /// Not registered.
    pub const fn new() -> Registration {
        Registration {
            state: State::Unregistered,
            readable: false,
            writable: false,
            closed: false,
            unwanted: 0,
            pin: None,
        }
    }

    /// True while registered with a reactor.
    pub fn is_registered(&self) -> bool {
        matches!(self.state, State::Registered { .. })
    }

    /// Makes sure the socket's source will be called when it can do what
    /// it `want`s: the first time, registers with a reactor of `pool`
    /// (`source` gives the socket's handle for it; `None` if it is going
    /// away). After that, no system call: readiness already reported for
    /// reading is the caller's to read ([`Served::ReadNow`]); for writing
    /// (rare: a queue made with nothing refused), it re-arms.
    /// `Err(reason)` when the reactor cannot take it (such as
    /// `system_limit`). Wanting nothing is [`Registration::settle`].
    pub fn serve(
        &mut self,
        want: Want,
        pool: &Pool,
        fd: &Descriptor,
        source: impl FnOnce() -> Option<Arc<dyn Source>>,
    ) -> Result<Served> {
        if !want.any() {
            self.settle(want);
            return Ok(Served::Waiting);
        }
        self.unwanted = 0;
        if self.pin.is_none() {
            self.pin = Some(source().ok_or(Error::Closed)?);
        }
        match self.state {
            State::Unregistered => {
                let reactor = match pool.pick() {
                    Ok(r) => r,
                    Err(e) => {
                        self.pin = None;
                        return Err(e);
                    }
                };
                let source = self.pin.as_ref().map(Arc::downgrade).ok_or(Error::Closed)?;
                let key = match reactor.register(fd.raw(), source) {
                    Ok(key) => key,
                    Err(e) => {
                        self.pin = None;
                        return Err(e);
                    }
                };
                self.state = State::Registered { reactor, key };
                // The kernel raises an event for what is ready now.
                self.readable = false;
                self.writable = false;
                Ok(Served::Waiting)
            }
            State::Registered { .. } => {
                if want.write && self.writable {
                    self.rearm(fd)?;
                }
                if want.read && self.readable {
                    return Ok(Served::ReadNow);
                }
                Ok(Served::Waiting)
            }
        }
    }

    /// The socket's needs changed: if it wants nothing now, the
    /// registration lets go of it (it stays registered), so that it closes
    /// with its last user handle. The caller holds a handle of its own
    /// while it calls (a `&self` of the socket), so this never drops the
    /// socket under its own lock.
    pub fn settle(&mut self, want: Want) {
        if !want.any() {
            self.pin = None;
        }
    }

    /// Has the reactor look at the socket again (`EPOLL_CTL_MOD`: the
    /// kernel raises an event at once for what is ready): for a caller
    /// that read what [`Served::ReadNow`] said and left bytes.
    pub fn rearm(&mut self, fd: &Descriptor) -> Result<()> {
        if let State::Registered { reactor, key } = self.state {
            reactor.rearm(fd.raw(), key)?;
            // The new event says again what is ready.
            self.readable = false;
            self.writable = false;
        }
        Ok(())
    }

    /// Records an event for a socket that wants `want`, and returns what
    /// it should do now. A socket that wants nothing gets its readiness
    /// recorded (an `{active, once}` request that came before the owner
    /// asked for it is read when it does); after a second such event in a
    /// row it leaves the reactor (one `EPOLL_CTL_DEL`), so that a passive
    /// socket read by its caller does not wake the reactor at each byte.
    /// It registers again when it needs to.
    pub fn on_event(&mut self, event: Event, want: Want, fd: &Descriptor) -> Event {
        self.readable |= event.readable;
        self.writable |= event.writable;
        self.closed |= event.closed;
        if !want.any() {
            self.pin = None;
            if event.any() {
                self.unwanted += 1;
                if self.unwanted >= UNWANTED_BEFORE_LEAVING {
                    self.leave(fd);
                }
            }
            return Event::NONE;
        }
        self.unwanted = 0;
        Event {
            readable: self.readable && want.read,
            writable: self.writable && want.write,
            closed: self.closed,
        }
    }

    /// A read found nothing more to read (a short read or `EAGAIN`); the
    /// end of the stream, if it came, is still to be read.
    pub fn drained(&mut self) {
        self.readable = self.closed;
    }

    /// True while an event reported bytes (or the end of the stream) that
    /// no read has found gone since.
    pub fn readable(&self) -> bool {
        self.readable
    }

    /// A write found no more room (`EAGAIN` or a short write).
    pub fn full(&mut self) {
        self.writable = false;
    }

    /// Leaves the reactor (`EPOLL_CTL_DEL`).
    pub fn leave(&mut self, fd: &Descriptor) {
        if let State::Registered { reactor, key } = self.state {
            self.state = State::Unregistered;
            self.unwanted = 0;
            reactor.deregister(fd.raw(), key);
        }
    }

    /// The socket leaves gen_tcp with its descriptor (`into_std`): out of
    /// `epoll` now, while its number still names it (`epoll` finds its
    /// entries by number and file, and would keep this one, and its
    /// events, for as long as the new owner keeps the socket), out of the
    /// reactor's table, and the registration lets go of it.
    pub fn detach(&mut self, fd: &Descriptor) {
        self.leave(fd);
        self.pin = None;
        self.readable = false;
        self.writable = false;
        self.closed = false;
    }

    /// The socket is being closed: the reactor forgets it (the kernel
    /// takes the descriptor out of `epoll` as it closes, so no system call
    /// is made here).
    pub fn close(&mut self) {
        self.pin = None;
        if let State::Registered { reactor, key } = self.state {
            self.state = State::Unregistered;
            reactor.forget(key);
        }
    }

    /// The reactor failed this socket (and already forgot it).
    pub fn on_failure(&mut self) {
        self.pin = None;
        self.state = State::Unregistered;
        self.readable = false;
        self.writable = false;
        self.closed = false;
    }
}

/// A socket dropped while registered (its last handle gone, wanting
/// nothing) leaves its reactor's table; its descriptor, closed with it,
/// leaves `epoll` by itself.
impl Drop for Registration {
    fn drop(&mut self) {
        if let State::Registered { reactor, key } = self.state {
            reactor.forget(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactor::Turn;

    /// A source that ignores what the reactor tells it: the test drives
    /// the registration by hand.
    struct Deaf;
    impl Source for Deaf {
        fn on_event(&self, _: Event) -> Turn {
            Turn::Done
        }
        fn on_failure(&self, _: Error) {}
    }

    static POOL: Pool = Pool::new("gen_tcp registration test");

    fn socket() -> (Descriptor, socket2::Socket) {
        let (a, b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let c = crate::CreateOpts::parse(&[crate::Opt::Local]).unwrap();
        (Descriptor::connected(a, &c, &[]), b)
    }

    const READABLE: Event = Event {
        readable: true,
        writable: false,
        closed: false,
    };

    fn serve(reg: &mut Registration, want: Want, fd: &Descriptor) -> Served {
        reg.serve(want, &POOL, fd, || Some(Arc::new(Deaf) as Arc<dyn Source>))
            .unwrap()
    }

    #[test]
    fn readiness_seen_is_read_by_the_caller_and_a_short_read_clears_it() {
        let (fd, _peer) = socket();
        let mut reg = Registration::new();
        assert_eq!(serve(&mut reg, Want::NOTHING, &fd), Served::Waiting);
        assert!(!reg.is_registered(), "a passive socket needs no reactor");
        assert_eq!(serve(&mut reg, Want::READ, &fd), Served::Waiting);
        assert!(reg.is_registered());
        // An event while active: the socket reads.
        assert!(reg.on_event(READABLE, Want::READ, &fd).readable);
        // It went passive before emptying the socket: on turning active
        // again, the caller reads (no edge would say it again).
        assert_eq!(serve(&mut reg, Want::READ, &fd), Served::ReadNow);
        reg.drained();
        assert_eq!(serve(&mut reg, Want::READ, &fd), Served::Waiting);
        assert!(
            reg.is_registered(),
            "still registered: re-armed, not deregistered"
        );
    }

    #[test]
    fn unwanted_events_are_kept_then_the_socket_leaves() {
        let (fd, _peer) = socket();
        let mut reg = Registration::new();
        assert_eq!(serve(&mut reg, Want::READ, &fd), Served::Waiting);
        // A request came before the owner asked for it: recorded.
        assert_eq!(reg.on_event(READABLE, Want::NOTHING, &fd), Event::NONE);
        assert!(reg.is_registered() && reg.readable());
        assert_eq!(serve(&mut reg, Want::READ, &fd), Served::ReadNow);
        // A passive socket read by its caller: the second event in a row
        // it does not want makes it leave.
        assert_eq!(reg.on_event(READABLE, Want::NOTHING, &fd), Event::NONE);
        assert!(reg.is_registered());
        assert_eq!(reg.on_event(READABLE, Want::NOTHING, &fd), Event::NONE);
        assert!(!reg.is_registered());
        reg.close();
    }

    #[test]
    fn the_end_of_the_stream_stays_readable_after_a_short_read() {
        let (fd, _peer) = socket();
        let mut reg = Registration::new();
        assert_eq!(serve(&mut reg, Want::READ, &fd), Served::Waiting);
        let end = Event {
            closed: true,
            ..READABLE
        };
        assert!(reg.on_event(end, Want::READ, &fd).readable);
        reg.drained();
        assert!(reg.readable(), "the end is still to be read");
        reg.close();
        assert!(!reg.is_registered());
    }
}
