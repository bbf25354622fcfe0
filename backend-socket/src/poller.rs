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

use gen_tcp_core::reactor::Pool;

static POOL: Pool = Pool::new("gen_tcp socket poller");

/// The poller thread (one), started by the first active socket.
pub(crate) fn pool() -> &'static Pool {
    &POOL
}

/// Failures of the poller's waits for events so far (each failed every
/// active socket with the reason, and was reported on stderr).
pub fn failures() -> u64 {
    POOL.failures()
}
