//! The backend's one reader thread (core's
//! [`reactor`](gen_tcp_core::reactor)): it reads active sockets and
//! delivers (through [`crate::active::pump`]). A socket registers the
//! first time it turns active and stays registered for its life; turning
//! active again re-arms it only when its last read did not empty it.
//!
//! Thousands of sockets cost one thread and one epoll set. The reactor
//! holds a registered port, as `inet`'s driver does: an active socket
//! lives (and its owner gets its messages, each naming it) until it is
//! closed or its owner ends, even once the owner holds no handle.
//!
//! Its figures (`gen_tcp::driver_stats(socket)`: threads, sockets
//! registered, wake-ups, events, failures; never bytes queued, as this
//! backend queues none) are reported from the first active socket on.

use gen_tcp_core::port::report_driver_stats;
use gen_tcp_core::reactor::Pool;
use gen_tcp_core::InetBackend;
use std::sync::Once;

static POOL: Pool = Pool::new("gen_tcp socket poller");

/// The poller thread (one), started by the first active socket.
pub(crate) fn pool() -> &'static Pool {
    static REPORTED: Once = Once::new();
    REPORTED.call_once(|| {
        report_driver_stats(InetBackend::Socket, || POOL.stats());
    });
    &POOL
}

/// Failures of the poller's waits for events so far (each failed every
/// active socket with the reason, and was reported on stderr).
pub fn failures() -> u64 {
    POOL.failures()
}
