//! A backend's reactors: started at the first socket that needs one,
//! shared round-robin.

use super::Reactor;
use crate::error::Result;
use crate::observe::DriverStats;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// A set of reactor threads, started lazily: a backend whose sockets
/// never need a reactor (passive sockets with nothing queued) starts none,
/// and a failure to start one (out of descriptors) is an error for the
/// socket that asked, not a panic, and is tried again by the next one.
///
/// ```
/// use gen_tcp_core::reactor::Pool;
/// static POOL: Pool = Pool::new("example reactor");
/// assert!(POOL.set_threads(2));
/// assert_eq!(POOL.pick().unwrap().name(), "example reactor 0");
/// assert!(!POOL.set_threads(3));
/// ```
pub struct Pool {
    name: &'static str,
    /// Threads wanted; 0 until set (then 1).
    threads: AtomicUsize,
    starting: Mutex<Vec<&'static Reactor>>,
    /// Every wanted thread, once all have started.
    all: OnceLock<Box<[&'static Reactor]>>,
    next: AtomicUsize,
}

impl Pool {
    /// A pool whose threads are named `name` and their number.
    pub const fn new(name: &'static str) -> Pool {
        Pool {
            name,
            threads: AtomicUsize::new(0),
            starting: Mutex::new(Vec::new()),
            all: OnceLock::new(),
            next: AtomicUsize::new(0),
        }
    }

    /// Sets how many threads to run (at least 1). Only takes effect
    /// before the first thread starts; `false` after.
    pub fn set_threads(&self, n: usize) -> bool {
        let starting = self.starting.lock();
        if !starting.is_empty() || self.all.get().is_some() {
            return false;
        }
        self.threads.store(n.max(1), Ordering::Relaxed);
        true
    }

    /// True once a number of threads was set (by [`Pool::set_threads`]).
    pub fn threads_set(&self) -> bool {
        self.threads.load(Ordering::Relaxed) != 0
    }

    /// The reactor for a socket that needs one (round-robin), starting
    /// the threads not started yet. `Err` (such as `system_limit`) only
    /// when none runs and none can be started.
    pub fn pick(&self) -> Result<&'static Reactor> {
        if let Some(all) = self.all.get() {
            return Ok(all[self.next.fetch_add(1, Ordering::Relaxed) % all.len()]);
        }
        let mut starting = self.starting.lock();
        let want = self.threads.load(Ordering::Relaxed).max(1);
        while starting.len() < want {
            match Reactor::start(format!("{} {}", self.name, starting.len())) {
                Ok(r) => starting.push(r),
                Err(e) if starting.is_empty() => return Err(e),
                Err(_) => break,
            }
        }
        if starting.len() == want {
            let _ = self.all.set(starting.clone().into_boxed_slice());
        }
        Ok(starting[self.next.fetch_add(1, Ordering::Relaxed) % starting.len()])
    }

    /// Failures of waiting for events, over every thread of the pool.
    pub fn failures(&self) -> u64 {
        self.with_started(|all| all.iter().map(|r| r.failures()).sum())
    }

    /// The figures of every thread of the pool together: threads started,
    /// sockets registered, wake-ups, events and failures (no bytes
    /// queued: those are the backend's to add). For a backend's
    /// [`report_driver_stats`](crate::port::report_driver_stats).
    ///
    /// ```
    /// use gen_tcp_core::reactor::Pool;
    /// static POOL: Pool = Pool::new("figures example reactor");
    /// assert_eq!(POOL.stats().event_loops, 0); // none needed yet
    /// POOL.pick().unwrap();
    /// let figures = POOL.stats();
    /// assert_eq!((figures.event_loops, figures.registered), (1, 0));
    /// ```
    pub fn stats(&self) -> DriverStats {
        self.with_started(|all| {
            let mut s = DriverStats::default();
            for r in all {
                s.event_loops += 1;
                s.registered += r.registered() as u64;
                s.wakeups += r.wakeups();
                s.events += r.events();
                s.failures += r.failures();
            }
            s
        })
    }

    /// Runs `f` over the threads started so far.
    fn with_started<T>(&self, f: impl FnOnce(&[&'static Reactor]) -> T) -> T {
        match self.all.get() {
            Some(all) => f(all),
            None => f(&self.starting.lock()),
        }
    }
}
