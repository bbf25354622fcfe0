//! What core keeps per socket to observe it, beside its owner: the
//! `{debug, _}` flag every call reads, the threads waiting in `accept`,
//! and the socket's place in the registry, given up when it is dropped.

use super::registry;
use crate::port::Port;
use crate::socket::SocketId;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::Weak;

/// One socket's watch. It lives in the socket's `Owner`, so it is made
/// with the port and dropped with it.
#[derive(Default)]
pub(crate) struct Watch {
    /// `{debug, true}`: read by every call (one relaxed load).
    debug: AtomicBool,
    /// Threads in `accept` on this socket now (`inet:i()`'s `ACCEPTING`).
    acceptors: AtomicU32,
    /// The id the socket is registered under; 0 until registered.
    registered: AtomicU64,
}

impl Watch {
    /// True while the socket traces its calls.
    #[inline]
    pub(crate) fn tracing(&self) -> bool {
        self.debug.load(Relaxed)
    }

    pub(crate) fn set_tracing(&self, on: bool) {
        self.debug.store(on, Relaxed)
    }

    /// Counts a thread into `accept` until the guard is dropped.
    pub(crate) fn accepting(&self) -> Accepting<'_> {
        self.acceptors.fetch_add(1, Relaxed);
        Accepting(self)
    }

    /// True while a thread waits in `accept`.
    pub(crate) fn is_accepting(&self) -> bool {
        self.acceptors.load(Relaxed) > 0
    }

    /// Lists the port among the live sockets, once.
    pub(crate) fn register(&self, id: SocketId, port: Weak<dyn Port>) {
        if self.registered.swap(id.get(), Relaxed) == 0 {
            registry::insert(id, port);
        }
    }

    /// Takes the port off the list of live sockets before it is dropped:
    /// its descriptor has left gen_tcp (`into_std`).
    pub(crate) fn unregister(&self) {
        let id = self.registered.swap(0, Relaxed);
        if id != 0 {
            registry::remove(id);
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let id = *self.registered.get_mut();
        if id != 0 {
            registry::remove(id);
        }
    }
}

/// A thread waiting in `accept`.
pub(crate) struct Accepting<'a>(&'a Watch);

impl Drop for Accepting<'_> {
    fn drop(&mut self) {
        self.0.acceptors.fetch_sub(1, Relaxed);
    }
}
