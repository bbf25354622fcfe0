//! The backend's event loop threads ("drivers", after `inet_drv`): core's
//! [`reactor`](gen_tcp_core::reactor), one thread by default.
//!
//! As tokio's driver, a driver owns readiness only: a socket registers the
//! first time it needs one (it turns active, or output is queued) and
//! stays registered for its life; turning active again costs no system
//! call when the socket was read empty. A passive socket with nothing
//! queued never involves a driver: its `send` and `recv` make their
//! syscalls in the caller's thread. Registration is an `epoll_ctl` made by
//! whichever thread changes a socket's needs, so no command ever crosses
//! to a driver thread.
//!
//! More threads: set `GEN_TCP_INET_DRIVERS=N` or call
//! [`set_driver_threads`] before the first socket needs a driver; sockets
//! are given to them round-robin.
//!
//! The drivers' figures (`gen_tcp::driver_stats(inet)`) are reported from
//! the first time a socket needs a driver: the reactors' own (threads,
//! sockets registered, wake-ups, events, failures) and the bytes waiting
//! in every output queue.

use gen_tcp_core::observe::DriverStats;
use gen_tcp_core::port::report_driver_stats;
use gen_tcp_core::reactor::Pool;
use gen_tcp_core::InetBackend;
use std::sync::Once;

/// Environment variable naming how many driver threads to run.
pub const DRIVERS_ENV: &str = "GEN_TCP_INET_DRIVERS";

static POOL: Pool = Pool::new("gen_tcp inet driver");

/// Sets the number of driver threads (at least 1). Only takes effect
/// before the first driver starts (when a socket first turns active or
/// queues output); `false` after.
///
/// ```
/// // Before any socket: two event-loop threads.
/// let _ = gen_tcp_backend_inet::set_driver_threads(2);
/// ```
pub fn set_driver_threads(n: usize) -> bool {
    POOL.set_threads(n)
}

/// The drivers' figures, as `driver_stats` reads them.
fn figures() -> DriverStats {
    let mut figures = POOL.stats();
    figures.queued_bytes = crate::queue::queued_bytes();
    figures
}

/// The drivers, their number read from [`DRIVERS_ENV`] unless set.
pub(crate) fn pool() -> &'static Pool {
    static REPORTED: Once = Once::new();
    REPORTED.call_once(|| {
        report_driver_stats(InetBackend::Inet, figures);
    });
    if !POOL.threads_set() {
        let n = std::env::var(DRIVERS_ENV)
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1usize);
        POOL.set_threads(n);
    }
    &POOL
}

/// Failures of the drivers' waits for events so far (each failed every
/// socket of its driver, and was reported on stderr).
pub fn failures() -> u64 {
    POOL.failures()
}
