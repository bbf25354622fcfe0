//! [`Acceptors`]: the processes waiting in `accept` on one listen socket,
//! served in the order they came, as OTP serves them: the next connection
//! goes to the process that has waited longest, and a connection that
//! arrived while a process waited is that process's, even if the listen
//! socket is closed right after.
//!
//! Only the longest waiter (the head of the queue) waits on the
//! descriptor; the others wait for their turn on a condition variable of
//! their own, woken when the one before them leaves (with a connection,
//! or on its timeout, or killed). `close` hands the connections already
//! in the kernel's queue to the waiters, in order, before it fails the
//! rest with `closed`.
//!
//! What it costs: a caller that finds nobody waiting takes a pending
//! connection with one `accept4`, as std's `accept` does; with none
//! pending it waits in `poll` and accepts, as before. A queue of waiters
//! costs a wake-up per connection (the next head's), and an exit signal
//! ([`Pid::kill`](crate::process::Pid::kill)) ends any waiter's wait: the
//! head watches its process's wake fd beside the listen socket.

use crate::descriptor::Descriptor;
use crate::error::{Error, Result};
use crate::process::mailbox::{current, interruptible_call, Process};
use crate::process::Pid;
use crate::sys::Wait;
use parking_lot::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

/// The processes waiting in `accept` on one listen socket, in arrival
/// order. Every port holds one, in its [`Owner`](crate::port::Owner); a
/// backend's `accept` goes through [`Acceptors::accept`] and its `close`
/// calls [`Acceptors::close`] before it closes the descriptor.
#[derive(Default)]
pub struct Acceptors {
    queue: Arc<Mutex<Queue>>,
}

#[derive(Default)]
struct Queue {
    /// In arrival order: the front waits on the descriptor.
    waiting: VecDeque<Arc<Waiter>>,
    /// Connections `close` gave a waiter that it has not taken yet.
    handed: Vec<(Arc<Waiter>, Descriptor)>,
    /// Set by `close`: every later `accept` answers `closed`.
    closed: bool,
}

/// One process in `accept`.
struct Waiter {
    pid: Pid,
    /// Notified when the waiter's turn comes, when `close` comes, and when
    /// its process is killed.
    turn: Condvar,
}

impl fmt::Debug for Acceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.waiting()).finish()
    }
}

impl Acceptors {
    /// The processes waiting in `accept` now, the next to be served first.
    ///
    /// ```
    /// let acceptors = gen_tcp_core::acceptors::Acceptors::default();
    /// assert!(acceptors.waiting().is_empty());
    /// ```
    pub fn waiting(&self) -> Vec<Pid> {
        self.queue.lock().waiting.iter().map(|w| w.pid).collect()
    }

    /// `accept(ListenSocket, Timeout)` on the listening descriptor `fd`:
    /// the next connection, in turn, by `deadline` (`timeout`). `check`
    /// runs first (a backend's answer for a socket that is no listen
    /// socket). `closed` once [`Acceptors::close`] has run; `killed` when
    /// the caller's process is killed meanwhile; `system_limit` and other
    /// errors of `accept4` at once, never retried in a spin.
    pub fn accept(
        &self,
        fd: &Descriptor,
        deadline: Option<Instant>,
        check: impl FnOnce() -> Result<()>,
    ) -> Result<Descriptor> {
        check()?;
        if crate::process::mailbox::current_is_killed() {
            // The connection would be a dead process's.
            return Err(Error::Killed);
        }
        let mut q = self.queue.lock();
        if q.closed {
            return Err(Error::Closed);
        }
        // Nobody has waited longer: a pending connection is the caller's,
        // in one `accept4`.
        let tried = q.waiting.is_empty();
        if tried {
            if let Some(s) = fd.accept()? {
                return Ok(s);
            }
        }
        let process = current();
        let me = Arc::new(Waiter {
            pid: process.pid(),
            turn: Condvar::new(),
        });
        q.waiting.push_back(me.clone());
        let wake: Arc<dyn Fn() + Send + Sync> = {
            let (queue, me) = (self.queue.clone(), me.clone());
            Arc::new(move || {
                let _q = queue.lock();
                me.turn.notify_one();
            })
        };
        let got = match process.on_kill(wake) {
            Ok(_registered) => wait_turn(&mut q, &me, fd, deadline, tried, &process),
            Err(killed) => Err(killed),
        };
        leave(&mut q, &me);
        got
    }

    /// The listen socket closes: connections that arrived while processes
    /// waited go to them, in order; the other waiters, and every later
    /// `accept`, answer `closed`. Call it before closing `fd` (which wakes
    /// the head from its wait on the descriptor).
    pub fn close(&self, fd: &Descriptor) {
        let mut q = self.queue.lock();
        if q.closed {
            return;
        }
        q.closed = true;
        while !q.waiting.is_empty() {
            match fd.accept() {
                Ok(Some(s)) => {
                    let w = q.waiting.pop_front().expect("not empty");
                    w.turn.notify_one();
                    q.handed.push((w, s));
                }
                _ => break,
            }
        }
        for w in &q.waiting {
            w.turn.notify_one();
        }
    }
}

/// Waits for `me`'s connection: the head waits on the descriptor, the
/// others for their turn. `tried`: the caller's `accept4` just found
/// nothing pending (no need to try again before the first wait).
fn wait_turn(
    q: &mut MutexGuard<'_, Queue>,
    me: &Arc<Waiter>,
    fd: &Descriptor,
    deadline: Option<Instant>,
    mut tried: bool,
    process: &Process,
) -> Result<Descriptor> {
    loop {
        if let Some(s) = take_handed(q, me) {
            return Ok(s);
        }
        if q.closed {
            return Err(Error::Closed);
        }
        if process.is_killed() {
            return Err(Error::Killed);
        }
        let head = q.waiting.front().is_some_and(|w| Arc::ptr_eq(w, me));
        if head {
            if !tried {
                if let Some(s) = fd.accept()? {
                    return Ok(s);
                }
            }
            tried = false;
            // Woken by a connection, by `close` (its shutdown), or by an
            // exit signal (the wake fd): the loop sees which.
            let waited = MutexGuard::unlocked(q, || {
                let _interruptible = interruptible_call();
                fd.wait(Wait::Read, deadline)
            });
            match waited {
                Ok(()) | Err(Error::Closed | Error::Killed) => {}
                Err(Error::Timeout) => return take_handed(q, me).ok_or(Error::Timeout),
                Err(e) => return Err(e),
            }
        } else {
            let timed_out = match deadline {
                Some(d) => me.turn.wait_until(q, d).timed_out(),
                None => {
                    me.turn.wait(q);
                    false
                }
            };
            if timed_out {
                return take_handed(q, me).ok_or(Error::Timeout);
            }
        }
    }
}

/// The connection `close` gave `me`, if any.
fn take_handed(q: &mut Queue, me: &Arc<Waiter>) -> Option<Descriptor> {
    let i = q.handed.iter().position(|(w, _)| Arc::ptr_eq(w, me))?;
    Some(q.handed.swap_remove(i).1)
}

/// `me` leaves the queue; if it was the head, the next waiter's turn to
/// wait on the descriptor comes.
fn leave(q: &mut Queue, me: &Arc<Waiter>) {
    if let Some(i) = q.waiting.iter().position(|w| Arc::ptr_eq(w, me)) {
        q.waiting.remove(i);
        if i == 0 {
            if let Some(next) = q.waiting.front() {
                next.turn.notify_one();
            }
        }
    }
}
