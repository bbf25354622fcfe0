//! One reactor: an `epoll` instance, the thread that waits on it, and
//! what happens when waiting fails.

use super::slots::{Key, Slots};
use super::{Event, Source, Turn};
use crate::error::{Error, Result};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::os::fd::{AsRawFd, RawFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

/// Every socket registers for both directions, edge-triggered: an event
/// comes when readiness appears, and the socket's [`super::Registration`]
/// remembers it.
const INTEREST: Interest = Interest::READABLE.add(Interest::WRITABLE);

/// Events taken per wait.
const EVENTS: usize = 1024;

/// One event loop thread and the sockets registered with it.
pub struct Reactor {
    name: String,
    shared: Mutex<Shared>,
    /// Signalled when the thread has tried to make a new `epoll` instance,
    /// and when a registration asks it to.
    changed: Condvar,
    /// This thread's figures ([`crate::observe::DriverStats`]): relaxed
    /// counters, each written by one thread (the reactor's own, or,
    /// for `registered`, under the shared lock), read by anyone.
    failures: AtomicU64,
    wakeups: AtomicU64,
    events: AtomicU64,
    registered: AtomicUsize,
    /// The `epoll` descriptor being waited on (for tests that break it).
    epoll: AtomicI32,
}

/// What the reactor thread and the registering threads share.
struct Shared {
    /// `None` while the reactor has no `epoll` instance (it failed and no
    /// new one could be made).
    registry: Option<Registry>,
    sources: Slots,
    /// Why there is no `epoll` instance.
    broken: Option<Error>,
    /// A registration asked the thread to try again.
    retry: bool,
    /// Attempts the thread made at a new `epoll` instance.
    attempts: u64,
}

impl std::fmt::Debug for Reactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reactor").field("name", &self.name).finish()
    }
}

/// A new `epoll` instance and a registry for it.
fn new_poll() -> Result<(Poll, Registry)> {
    let poll = Poll::new()?;
    let registry = poll.registry().try_clone()?;
    Ok((poll, registry))
}

impl Reactor {
    /// Starts a reactor thread named `name`. Fails with the reason (such
    /// as `system_limit`) when the `epoll` instance or the thread cannot
    /// be made; nothing is left behind then.
    pub fn start(name: String) -> Result<&'static Reactor> {
        let (poll, registry) = new_poll()?;
        let reactor: &'static Reactor = Box::leak(Box::new(Reactor {
            name: name.clone(),
            shared: Mutex::new(Shared {
                registry: Some(registry),
                sources: Slots::default(),
                broken: None,
                retry: false,
                attempts: 0,
            }),
            changed: Condvar::new(),
            failures: AtomicU64::new(0),
            wakeups: AtomicU64::new(0),
            events: AtomicU64::new(0),
            registered: AtomicUsize::new(0),
            epoll: AtomicI32::new(poll.as_raw_fd()),
        }));
        let started = std::thread::Builder::new()
            .name(name)
            .spawn(move || reactor.run(poll));
        if let Err(e) = started {
            // Close the registry's descriptor; the struct itself stays
            // leaked (a few words).
            reactor.shared.lock().registry = None;
            return Err(match e.raw_os_error() {
                Some(libc::EAGAIN) | None => Error::SystemLimit,
                Some(_) => e.into(),
            });
        }
        Ok(reactor)
    }

    /// The thread's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many times waiting for events failed (each time every socket
    /// of the reactor was failed with the reason).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Sockets registered now.
    pub fn registered(&self) -> usize {
        self.registered.load(Ordering::Relaxed)
    }

    /// Times the thread woke from waiting for events, since it started.
    pub fn wakeups(&self) -> u64 {
        self.wakeups.load(Ordering::Relaxed)
    }

    /// Readiness events the thread handed to its sockets, since it started.
    pub fn events(&self) -> u64 {
        self.events.load(Ordering::Relaxed)
    }

    /// Keeps [`Reactor::registered`] in step with the table, under the
    /// shared lock.
    fn count(&self, sources: &Slots) {
        self.registered.store(sources.len(), Ordering::Relaxed);
    }

    /// The registry, waiting for the thread's next attempt at a new
    /// `epoll` instance if it has none: `Err(reason)` if it still has none.
    fn with_registry<T>(&self, f: impl FnOnce(&Registry, &mut Slots) -> Result<T>) -> Result<T> {
        let mut shared = self.shared.lock();
        if shared.registry.is_none() {
            let seen = shared.attempts;
            shared.retry = true;
            self.changed.notify_all();
            while shared.attempts == seen {
                self.changed.wait(&mut shared);
            }
        }
        let Shared {
            registry, sources, ..
        } = &mut *shared;
        match registry {
            Some(r) => f(r, sources),
            None => Err(shared.broken.clone().unwrap_or(Error::SystemLimit)),
        }
    }

    /// Registers `fd` for `source` (edge-triggered, both directions). The
    /// kernel raises an event at once for readiness already there.
    pub(crate) fn register(&self, fd: RawFd, source: Weak<dyn Source>) -> Result<Key> {
        let (key, gone) = self.with_registry(|registry, sources| {
            let key = sources.insert(source);
            let r = match registry.register(&mut SourceFd(&fd), key.token(), INTEREST) {
                Ok(()) => Ok((key, None)),
                Err(e) => Ok((key, Some((e, sources.remove(key))))),
            };
            self.count(sources);
            r
        })?;
        match gone {
            None => Ok(key),
            // Dropped outside the lock: it may be the socket's last handle.
            Some((e, source)) => {
                drop(source);
                Err(e.into())
            }
        }
    }

    /// Re-arms `fd`: the kernel raises an event at once if it is ready.
    pub(crate) fn rearm(&self, fd: RawFd, key: Key) -> Result<()> {
        self.with_registry(|registry, _| {
            registry.reregister(&mut SourceFd(&fd), key.token(), INTEREST)?;
            Ok(())
        })
    }

    /// Takes `fd` out of `epoll` and forgets its source.
    pub(crate) fn deregister(&self, fd: RawFd, key: Key) {
        let gone = {
            let mut shared = self.shared.lock();
            if let Some(r) = &shared.registry {
                let _ = r.deregister(&mut SourceFd(&fd));
            }
            let gone = shared.sources.remove(key);
            self.count(&shared.sources);
            gone
        };
        drop(gone);
    }

    /// Forgets the source under `key` (its descriptor is being closed,
    /// which takes it out of `epoll`).
    pub(crate) fn forget(&self, key: Key) {
        let gone = {
            let mut shared = self.shared.lock();
            let gone = shared.sources.remove(key);
            self.count(&shared.sources);
            gone
        };
        drop(gone);
    }

    fn run(&'static self, mut poll: Poll) {
        let mut events = Events::with_capacity(EVENTS);
        let mut ready: Vec<(Arc<dyn Source>, Event)> = Vec::with_capacity(EVENTS);
        let mut again: VecDeque<Arc<dyn Source>> = VecDeque::new();
        loop {
            let timeout = (!again.is_empty()).then_some(std::time::Duration::ZERO);
            if let Err(e) = poll.poll(&mut events, timeout) {
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                again.clear();
                poll = self.start_over(poll, e.into());
                continue;
            }
            self.wakeups.fetch_add(1, Ordering::Relaxed);
            {
                let shared = self.shared.lock();
                for ev in events.iter() {
                    let Some(source) = shared.sources.get(Key::of(ev.token())) else {
                        continue;
                    };
                    let failed = ev.is_error();
                    let closed = ev.is_read_closed() || failed;
                    let event = Event {
                        readable: ev.is_readable() || closed,
                        writable: ev.is_writable() || ev.is_write_closed() || failed,
                        closed,
                    };
                    ready.push((source, event));
                }
            }
            // This turn's events, then the sources that asked for another
            // turn last time.
            self.events
                .fetch_add(ready.len() as u64, Ordering::Relaxed);
            let waited = again.len();
            for (source, event) in ready.drain(..) {
                if self.dispatch(&source, event) == Turn::Again {
                    again.push_back(source);
                }
            }
            for _ in 0..waited {
                if let Some(source) = again.pop_front() {
                    if self.dispatch(&source, Event::NONE) == Turn::Again {
                        again.push_back(source);
                    }
                }
            }
        }
    }

    /// Calls a source back; a panic in it (a bug) fails that source
    /// rather than ending the thread.
    fn dispatch(&self, source: &Arc<dyn Source>, event: Event) -> Turn {
        match catch_unwind(AssertUnwindSafe(|| source.on_event(event))) {
            Ok(turn) => turn,
            Err(_) => {
                self.report(&Error::Posix(libc::EIO), 1, "a socket's callback panicked");
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    source.on_failure(Error::Posix(libc::EIO))
                }));
                Turn::Done
            }
        }
    }

    fn report(&self, reason: &Error, sockets: usize, what: &str) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        eprintln!(
            "gen_tcp: {}: {what} ({reason}); {sockets} socket(s) failed with it",
            self.name
        );
    }

    /// Waiting failed with `reason`: every socket is failed with it, and
    /// a new `epoll` instance replaces the broken one. When none can be
    /// made, the thread waits (without spinning) until a registration asks
    /// it to try again.
    fn start_over(&self, broken: Poll, reason: Error) -> Poll {
        let sources = {
            let mut shared = self.shared.lock();
            shared.registry = None;
            let sources = shared.sources.drain();
            self.count(&shared.sources);
            sources
        };
        drop(broken);
        self.report(&reason, sources.len(), "waiting for events failed");
        for source in sources {
            let r = reason.clone();
            let _ = catch_unwind(AssertUnwindSafe(|| source.on_failure(r)));
        }
        loop {
            let made = new_poll();
            let mut shared = self.shared.lock();
            shared.attempts += 1;
            shared.retry = false;
            match made {
                Ok((poll, registry)) => {
                    self.epoll.store(poll.as_raw_fd(), Ordering::Relaxed);
                    shared.registry = Some(registry);
                    shared.broken = None;
                    self.changed.notify_all();
                    return poll;
                }
                Err(e) => {
                    shared.broken = Some(e);
                    self.changed.notify_all();
                    while !shared.retry {
                        self.changed.wait(&mut shared);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{Block, Descriptor};
    use crate::reactor::{Pool, Registration, Want};
    use std::sync::mpsc;

    /// A socket pair end that reports what the reactor tells it.
    struct Probe {
        fd: Descriptor,
        reg: parking_lot::Mutex<Registration>,
        told: Mutex<mpsc::Sender<std::result::Result<Event, Error>>>,
    }

    impl Source for Probe {
        fn on_event(&self, event: Event) -> Turn {
            let mut reg = self.reg.lock();
            let now = reg.on_event(event, Want::READ, &self.fd);
            if now.readable {
                let _ = self.fd.recv(&mut [0u8; 64], Block::No);
                reg.drained();
                let _ = self.told.lock().send(Ok(now));
            }
            Turn::Done
        }
        fn on_failure(&self, reason: Error) {
            self.reg.lock().on_failure();
            let _ = self.told.lock().send(Err(reason));
        }
    }

    fn probe(
        pool: &Pool,
    ) -> (
        Arc<Probe>,
        socket2::Socket,
        mpsc::Receiver<std::result::Result<Event, Error>>,
    ) {
        let (a, b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let c = crate::CreateOpts::parse(&[crate::Opt::Local]).unwrap();
        let (tx, rx) = mpsc::channel();
        let p = Arc::new(Probe {
            fd: Descriptor::connected(a, &c, &[]),
            reg: parking_lot::Mutex::new(Registration::new()),
            told: Mutex::new(tx),
        });
        let src: Arc<dyn Source> = p.clone();
        let served = p.reg.lock().serve(Want::READ, pool, &p.fd, || Some(src));
        assert_eq!(served, Ok(crate::reactor::Served::Waiting));
        (p, b, rx)
    }

    const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

    #[test]
    fn a_failed_wait_fails_every_socket_once_and_the_reactor_goes_on() {
        static POOL: Pool = Pool::new("gen_tcp test reactor");
        let (first, peer, told) = probe(&POOL);
        let reactor = POOL.pick().unwrap();
        assert_eq!(reactor.registered(), 1);
        // Break the epoll descriptor under the thread: its next wait
        // fails (EINVAL, not an epoll instance), and would fail forever.
        let null = std::fs::File::open("/dev/null").unwrap();
        let ep = reactor.epoll.load(Ordering::Relaxed);
        crate::sys::syscall!(dup2(null.as_raw_fd(), ep)).unwrap();
        // Wake the thread from its current wait (on the old instance).
        (&peer).write_all_bytes(b"x");
        let mut outcomes = Vec::new();
        while let Ok(r) = told.recv_timeout(WAIT) {
            let failed = r.is_err();
            outcomes.push(r);
            if failed {
                break;
            }
        }
        assert_eq!(outcomes.last(), Some(&Err(Error::Einval)), "{outcomes:?}");
        assert_eq!(reactor.failures(), 1);
        assert_eq!(POOL.stats().failures, 1);
        assert_eq!(reactor.registered(), 0);
        assert!(!first.reg.lock().is_registered());
        // The thread lives on, on a new epoll instance: a new socket gets
        // its events, and no failure was counted since.
        let (_second, peer2, told2) = probe(&POOL);
        let (wakeups, events) = (reactor.wakeups(), reactor.events());
        (&peer2).write_all_bytes(b"y");
        assert!(matches!(told2.recv_timeout(WAIT), Ok(Ok(e)) if e.readable));
        assert_eq!(reactor.failures(), 1);
        // Counted before the socket was called back: seen by now.
        assert!(reactor.wakeups() > wakeups && reactor.events() > events);
    }

    /// A socket that always has more to read: it asks for another turn
    /// each time, until told to stop.
    struct Greedy {
        turns: std::sync::atomic::AtomicUsize,
        stop: std::sync::atomic::AtomicBool,
    }

    impl Source for Greedy {
        fn on_event(&self, _: Event) -> Turn {
            self.turns.fetch_add(1, Ordering::Relaxed);
            if self.stop.load(Ordering::Relaxed) {
                Turn::Done
            } else {
                Turn::Again
            }
        }
        fn on_failure(&self, _: Error) {}
    }

    #[test]
    fn a_socket_that_always_has_more_does_not_starve_the_others() {
        static POOL: Pool = Pool::new("gen_tcp fairness test reactor");
        // Registered with a writable descriptor: its first event comes at
        // once, and from then on it asks for a turn every time.
        let (a, _b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let greedy = Arc::new(Greedy {
            turns: Default::default(),
            stop: Default::default(),
        });
        let reactor = POOL.pick().unwrap();
        let src: Arc<dyn Source> = greedy.clone();
        let key = reactor.register(a.as_raw_fd(), Arc::downgrade(&src)).unwrap();
        while greedy.turns.load(Ordering::Relaxed) < 2 {
            std::thread::yield_now();
        }
        // A quiet socket gets a byte: it is served between the greedy
        // one's turns, which go on after it.
        let (_quiet, peer, told) = probe(&POOL);
        (&peer).write_all_bytes(b"x");
        assert!(matches!(told.recv_timeout(WAIT), Ok(Ok(e)) if e.readable));
        let after = greedy.turns.load(Ordering::Relaxed);
        while greedy.turns.load(Ordering::Relaxed) == after {
            std::thread::yield_now();
        }
        greedy.stop.store(true, Ordering::Relaxed);
        reactor.forget(key);
    }

    /// The descriptors an `epoll` instance watches (`tfd:` lines of its
    /// fdinfo).
    fn watched(epoll: i32) -> Vec<i32> {
        let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{epoll}")).unwrap();
        info.lines()
            .filter_map(|l| l.strip_prefix("tfd:"))
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect()
    }

    #[test]
    fn a_detached_socket_leaves_epoll_and_the_figures() {
        static POOL: Pool = Pool::new("gen_tcp detach test reactor");
        let (p, _peer, _told) = probe(&POOL);
        let reactor = POOL.pick().unwrap();
        let epoll = reactor.epoll.load(Ordering::Relaxed);
        let number = p.fd.raw();
        assert!(watched(epoll).contains(&number));
        assert_eq!((reactor.registered(), POOL.stats().registered), (1, 1));
        let given = p.fd.detach(|fd| p.reg.lock().detach(fd)).unwrap();
        assert!(!p.reg.lock().is_registered());
        assert!(!watched(epoll).contains(&number), "out of epoll by its number");
        assert_eq!((reactor.registered(), POOL.stats().registered), (0, 0));
        drop(given);
    }

    trait WriteAll {
        fn write_all_bytes(self, b: &[u8]);
    }
    impl WriteAll for &socket2::Socket {
        fn write_all_bytes(self, b: &[u8]) {
            use std::io::Write;
            let mut s = self;
            s.write_all(b).unwrap();
        }
    }
}
