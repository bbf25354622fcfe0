//! The event loop: one thread (by default) that waits on the sockets that
//! need it and does their background work.
//!
//! As tokio's driver, it owns readiness only: a socket is registered while
//! it is active (the driver reads and delivers) or has output queued (the
//! driver writes, then does a pending shutdown or close). A passive socket
//! with nothing queued is not registered at all; its `send` and `recv` do
//! their syscalls in the caller's thread. Registration is an `epoll_ctl`
//! made by whichever thread changes a socket's needs, so no command ever
//! crosses to the driver thread.
//!
//! More threads: set `GEN_TCP_INET_DRIVERS=N` or call
//! [`set_driver_threads`] before the first socket; sockets are given to
//! them round-robin.

use crate::port::InetPort;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Environment variable naming how many driver threads to run.
pub const DRIVERS_ENV: &str = "GEN_TCP_INET_DRIVERS";

/// Names a socket in the driver: its [`gen_tcp_core::SocketId`] number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SocketToken(u64);

impl SocketToken {
    pub(crate) fn new(id: u64) -> SocketToken {
        SocketToken(id)
    }

    fn token(self) -> Token {
        Token(self.0 as usize)
    }
}

/// One event-loop thread and the sockets registered with it.
pub(crate) struct Driver {
    registry: Registry,
    sockets: Mutex<HashMap<SocketToken, Arc<InetPort>>>,
}

static THREADS: AtomicUsize = AtomicUsize::new(0);
static DRIVERS: OnceLock<Vec<&'static Driver>> = OnceLock::new();

/// Sets the number of driver threads (at least 1). Only takes effect
/// before the first socket of this backend is made; `false` after.
///
/// ```
/// // Before any socket: two event-loop threads.
/// let _ = gen_tcp_backend_inet::set_driver_threads(2);
/// ```
pub fn set_driver_threads(n: usize) -> bool {
    THREADS.store(n.max(1), Ordering::Relaxed);
    DRIVERS.get().is_none()
}

fn drivers() -> &'static [&'static Driver] {
    DRIVERS.get_or_init(|| {
        let n = match THREADS.load(Ordering::Relaxed) {
            0 => std::env::var(DRIVERS_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(1usize),
            n => n,
        };
        (0..n.max(1)).map(Driver::start).collect()
    })
}

/// The driver for a new socket (round-robin).
pub(crate) fn pick() -> &'static Driver {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let all = drivers();
    all[NEXT.fetch_add(1, Ordering::Relaxed) % all.len()]
}

impl Driver {
    fn start(i: usize) -> &'static Driver {
        let poll = Poll::new().expect("creating the inet driver's poll");
        let registry = poll.registry().try_clone().expect("cloning the registry");
        let driver: &'static Driver = Box::leak(Box::new(Driver {
            registry,
            sockets: Mutex::new(HashMap::new()),
        }));
        std::thread::Builder::new()
            .name(format!("gen_tcp inet driver {i}"))
            .spawn(move || driver.run(poll))
            .expect("spawning the inet driver");
        driver
    }

    fn run(&self, mut poll: Poll) {
        let mut events = Events::with_capacity(256);
        loop {
            if let Err(e) = poll.poll(&mut events, None) {
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                panic!("inet driver poll failed: {e}");
            }
            for ev in events.iter() {
                let token = SocketToken(ev.token().0 as u64);
                let Some(port) = self.sockets.lock().get(&token).cloned() else {
                    continue;
                };
                let failed = ev.is_error();
                port.on_ready(
                    ev.is_readable() || ev.is_read_closed() || failed,
                    ev.is_writable() || ev.is_write_closed() || failed,
                );
            }
        }
    }

    /// Changes what the driver waits for on a socket: `old` is what it
    /// waited for, `new` what it should (`None`: nothing, unregistered).
    /// `rearm` re-registers even when unchanged, so that readiness that
    /// is already there raises a new event.
    pub(crate) fn watch(
        &self,
        port: &Arc<InetPort>,
        token: SocketToken,
        fd: RawFd,
        old: Option<Interest>,
        new: Option<Interest>,
        rearm: bool,
    ) -> Option<Interest> {
        let mut src = SourceFd(&fd);
        let done = match (old, new) {
            (None, None) => return None,
            (Some(o), Some(n)) if o == n && !rearm => return old,
            (None, Some(n)) => {
                self.sockets.lock().insert(token, port.clone());
                self.registry.register(&mut src, token.token(), n)
            }
            (Some(_), Some(n)) => self.registry.reregister(&mut src, token.token(), n),
            (Some(_), None) => {
                let _ = self.registry.deregister(&mut src);
                let gone = self.sockets.lock().remove(&token);
                drop(gone);
                return None;
            }
        };
        match done {
            Ok(()) => new,
            Err(_) => {
                // The descriptor is no socket any more (closed under us).
                self.sockets.lock().remove(&token);
                None
            }
        }
    }
}
