//! The drivers' own figures, beyond what OTP shows: how many sockets an
//! event loop watches, the bytes waiting in output queues, how often it
//! woke. A backend that runs an event loop reports them through
//! [`report_driver_stats`] (re-exported in [`crate::port`]); until one
//! does, [`driver_stats`] answers `None` for it.

use crate::backend::InetBackend;
use std::fmt;
use std::sync::OnceLock;

/// What an event loop reports about itself, all its threads together.
///
/// Fields may be added, so it is made with `DriverStats::default()` and
/// its fields set one by one:
///
/// ```
/// use gen_tcp_core::observe::DriverStats;
/// let mut s = DriverStats::default();
/// s.event_loops = 1;
/// s.registered = 3;
/// s.queued_bytes = 4096;
/// s.wakeups = 42;
/// s.events = 57;
/// assert_eq!(
///     s.to_string(),
///     "1 event loop, 3 sockets registered, 4096 bytes queued, 42 wake-ups, 57 events, 0 failures",
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DriverStats {
    /// Event loops (threads) running.
    pub event_loops: u64,
    /// Sockets registered with an event loop now.
    pub registered: u64,
    /// Bytes waiting in output queues now, all sockets together.
    pub queued_bytes: u64,
    /// Times an event loop woke from its wait, since the program started.
    pub wakeups: u64,
    /// Readiness events handled, since the program started.
    pub events: u64,
    /// Times waiting for events failed, since the program started: each
    /// failed every socket of its event loop with the reason (and was
    /// reported on standard error).
    pub failures: u64,
}

impl fmt::Display for DriverStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |n: u64| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} event loop{}, {} socket{} registered, {} byte{} queued, {} wake-up{}, {} event{}, {} failure{}",
            self.event_loops,
            s(self.event_loops),
            self.registered,
            s(self.registered),
            self.queued_bytes,
            s(self.queued_bytes),
            self.wakeups,
            s(self.wakeups),
            self.events,
            s(self.events),
            self.failures,
            s(self.failures),
        )
    }
}

/// Where each backend's figures come from, once it says.
static SOURCES: [OnceLock<fn() -> DriverStats>; 2] = [OnceLock::new(), OnceLock::new()];

fn slot(backend: InetBackend) -> &'static OnceLock<fn() -> DriverStats> {
    match backend {
        InetBackend::Inet => &SOURCES[0],
        InetBackend::Socket => &SOURCES[1],
    }
}

/// For a backend: names the function that reads its event loop's
/// figures, called by each [`driver_stats`] for `backend`. The first call
/// for a backend wins; it answers whether this one did. The function is
/// called from any thread, at any time, and should only read counters.
///
/// ```
/// use gen_tcp_core::observe::{driver::report_driver_stats, driver_stats, DriverStats};
/// use gen_tcp_core::InetBackend;
/// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
///
/// static WAKEUPS: AtomicU64 = AtomicU64::new(0); // the event loop counts here
/// fn figures() -> DriverStats {
///     let mut s = DriverStats::default();
///     s.event_loops = 1;
///     s.wakeups = WAKEUPS.load(Relaxed);
///     s
/// }
/// # if driver_stats(InetBackend::Socket).is_none() {
/// assert!(report_driver_stats(InetBackend::Socket, figures));
/// WAKEUPS.fetch_add(1, Relaxed);
/// assert_eq!(driver_stats(InetBackend::Socket).unwrap().wakeups, 1);
/// # }
/// ```
pub fn report_driver_stats(backend: InetBackend, source: fn() -> DriverStats) -> bool {
    slot(backend).set(source).is_ok()
}

/// The figures of `backend`'s event loop, or `None` while the backend
/// does not report them.
///
/// ```
/// use gen_tcp_core::{observe::driver_stats, InetBackend};
/// if let Some(figures) = driver_stats(InetBackend::Inet) {
///     println!("inet driver: {figures}");
/// }
/// ```
pub fn driver_stats(backend: InetBackend) -> Option<DriverStats> {
    slot(backend).get().map(|source| source())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> DriverStats {
        DriverStats {
            registered: 2,
            ..DriverStats::default()
        }
    }

    fn other_figures() -> DriverStats {
        DriverStats::default()
    }

    /// No figures until the backend names where they come from; then
    /// each call reads them; a second source for the backend is refused.
    #[test]
    fn figures_come_from_the_backend_once_it_reports_them() {
        assert_eq!(driver_stats(InetBackend::Inet), None);
        assert!(report_driver_stats(InetBackend::Inet, figures));
        assert_eq!(driver_stats(InetBackend::Inet).map(|s| s.registered), Some(2));
        assert!(!report_driver_stats(InetBackend::Inet, other_figures));
        assert_eq!(driver_stats(InetBackend::Inet), Some(figures()));
    }
}
