//! Processes and mailboxes, so that gen_tcp's ownership model holds in Rust.
//!
//! A process is a thread. Every thread gets a process identity the first
//! time it asks ([`self_pid`]); [`spawn`] starts a new one. Each process has
//! a mailbox: [`Pid::send`] appends in O(1) whatever its length, and
//! [`receive`], [`receive_match`] and [`receive_from`] take the first
//! message (or the first that matches) with a timeout, as Erlang's
//! `receive ... after` does.
//!
//! When a process ends (its thread exits), the sockets it controls are
//! closed, as in Erlang where a port dies with its owner.
//!
//! ```
//! use gen_tcp_core::process::{receive, self_pid, spawn, Message};
//! use std::time::Duration;
//! let me = self_pid();
//! spawn(move || me.send_user(42u32));
//! match receive(Some(Duration::from_secs(5))) {
//!     Some(Message::User(v)) => assert_eq!(*v.downcast::<u32>().unwrap(), 42),
//!     other => panic!("{other:?}"),
//! }
//! ```

use crate::data::Data;
use crate::error::Error;
use crate::socket::Socket;
use parking_lot::{Condvar, Mutex};
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

/// A process identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid(u64);

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<0.{}.0>", self.0)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A message in a process's mailbox.
pub enum Message {
    /// `{tcp, Socket, Data}`: a packet from an active socket.
    Tcp(Socket, Data),
    /// `{tcp_closed, Socket}`: the socket was closed.
    TcpClosed(Socket),
    /// `{tcp_error, Socket, Reason}`: an error on an active socket.
    TcpError(Socket, Error),
    /// `{tcp_passive, Socket}`: an `{active, N}` counter reached 0.
    TcpPassive(Socket),
    /// Any other value one process sent another.
    User(Box<dyn Any + Send>),
}

impl Message {
    /// The socket this message is about, if any.
    pub fn socket(&self) -> Option<&Socket> {
        match self {
            Message::Tcp(s, _)
            | Message::TcpClosed(s)
            | Message::TcpError(s, _)
            | Message::TcpPassive(s) => Some(s),
            Message::User(_) => None,
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Tcp(s, d) => write!(f, "{{tcp, {s:?}, {d:?}}}"),
            Message::TcpClosed(s) => write!(f, "{{tcp_closed, {s:?}}}"),
            Message::TcpError(s, e) => write!(f, "{{tcp_error, {s:?}, {e}}}"),
            Message::TcpPassive(s) => write!(f, "{{tcp_passive, {s:?}}}"),
            Message::User(_) => f.write_str("{user, _}"),
        }
    }
}

/// Something that must be told when its owner process ends (a socket).
pub trait OwnedResource: Send + Sync {
    /// The owner `pid` ended; close if it is still the owner.
    fn owner_exited(&self, pid: Pid);
}

/// A process: its mailbox and what it owns.
pub struct Process {
    pid: Pid,
    alive: AtomicBool,
    queue: Mutex<VecDeque<Message>>,
    ready: Condvar,
    owned: Mutex<Vec<Weak<dyn OwnedResource>>>,
}

impl Process {
    fn new(pid: Pid) -> Arc<Process> {
        Arc::new(Process {
            pid,
            alive: AtomicBool::new(true),
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            owned: Mutex::new(Vec::new()),
        })
    }

    /// This process's pid.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// True until the process's thread ends.
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }

    /// Appends a message (dropped if the process has ended, as in Erlang).
    pub fn deliver(&self, msg: Message) {
        let mut q = self.queue.lock();
        // Checked under the lock: `exit` empties the mailbox under it after
        // marking the process dead, so no message (which may hold a socket,
        // and so the socket's owner, this process) outlives the process.
        if !self.is_alive() {
            return;
        }
        q.push_back(msg);
        drop(q);
        self.ready.notify_one();
    }

    /// Records that this process owns `r`, to be told when it ends. A
    /// process that has already ended (it may end while `r` is being given
    /// to it) tells `r` at once, so nothing stays owned by a dead process.
    pub fn link(&self, r: Weak<dyn OwnedResource>) {
        {
            let mut owned = self.owned.lock();
            // `exit` marks the process dead before it takes this list, so
            // under the lock either `exit` will see `r` or we see it dead.
            if self.is_alive() {
                owned.retain(|w| w.strong_count() > 0);
                owned.push(r);
                return;
            }
        }
        if let Some(r) = r.upgrade() {
            r.owner_exited(self.pid);
        }
    }

    /// Moves every message about `socket` from this mailbox to `to`'s, in
    /// order (what `controlling_process` does in active mode).
    pub fn move_socket_messages(&self, socket: &Socket, to: &Process) {
        let moved: Vec<Message> = {
            let mut q = self.queue.lock();
            let mut moved = Vec::new();
            let mut kept = VecDeque::with_capacity(q.len());
            for m in q.drain(..) {
                if m.socket() == Some(socket) {
                    moved.push(m);
                } else {
                    kept.push_back(m);
                }
            }
            *q = kept;
            moved
        };
        if !moved.is_empty() {
            let mut q = to.queue.lock();
            if to.is_alive() {
                q.extend(moved);
                drop(q);
                to.ready.notify_one();
            }
        }
    }

    /// Number of messages waiting.
    pub fn mailbox_len(&self) -> usize {
        self.queue.lock().len()
    }

    fn take_first(
        &self,
        matches: &mut dyn FnMut(&Message) -> bool,
        timeout: Option<Duration>,
    ) -> Option<Message> {
        // A timeout past the clock's range is no deadline (never panics).
        let deadline = crate::sys::deadline(timeout);
        let mut q = self.queue.lock();
        // Messages already looked at are not looked at again on wake-up.
        let mut scanned = 0;
        loop {
            if let Some(i) = q.iter().skip(scanned).position(&mut *matches) {
                return q.remove(scanned + i);
            }
            scanned = q.len();
            match deadline {
                None => self.ready.wait(&mut q),
                Some(d) => {
                    if self.ready.wait_until(&mut q, d).timed_out() {
                        let i = q.iter().skip(scanned).position(&mut *matches)?;
                        return q.remove(scanned + i);
                    }
                }
            }
        }
    }

    fn exit(&self) {
        self.alive.store(false, Ordering::Release);
        registry().lock().remove(&self.pid.0);
        let owned = std::mem::take(&mut *self.owned.lock());
        for r in owned.iter().filter_map(Weak::upgrade) {
            r.owner_exited(self.pid);
        }
        // Messages may hold sockets; drop them outside the lock.
        let msgs = std::mem::take(&mut *self.queue.lock());
        drop(msgs);
    }
}

fn registry() -> &'static Mutex<HashMap<u64, Arc<Process>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<u64, Arc<Process>>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

fn new_process() -> Arc<Process> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let p = Process::new(Pid(NEXT.fetch_add(1, Ordering::Relaxed)));
    registry().lock().insert(p.pid.0, p.clone());
    p
}

/// Ends the process when its thread ends.
struct Current(Arc<Process>);

impl Drop for Current {
    fn drop(&mut self) {
        self.0.exit();
    }
}

thread_local! {
    static CURRENT: OnceLock<Current> = const { OnceLock::new() };
}

/// The calling thread's process (created on first use).
pub fn current() -> Arc<Process> {
    CURRENT
        .try_with(|c| c.get_or_init(|| Current(new_process())).0.clone())
        // The thread is ending (a socket closing as its owner exits): the
        // process is gone, so act as a process that has already ended.
        .unwrap_or_else(|_| {
            let p = Process::new(Pid(u64::MAX));
            p.alive.store(false, Ordering::Release);
            p
        })
}

/// The calling thread's pid, as Erlang's `self()`.
pub fn self_pid() -> Pid {
    current().pid
}

impl Pid {
    /// The process, if it is alive.
    pub fn process(self) -> Option<Arc<Process>> {
        registry().lock().get(&self.0).cloned()
    }

    /// True while the process's thread runs.
    pub fn is_alive(self) -> bool {
        self.process().is_some_and(|p| p.is_alive())
    }

    /// Sends a message (Erlang's `Pid ! Msg`); lost if the process ended.
    pub fn send(self, msg: Message) {
        if let Some(p) = self.process() {
            p.deliver(msg);
        }
    }

    /// Sends any value as a [`Message::User`].
    pub fn send_user<T: Any + Send>(self, value: T) {
        self.send(Message::User(Box::new(value)))
    }
}

/// Starts `f` in a new process (thread) and returns its pid at once.
///
/// # Panics
/// As `std::thread::spawn`, when the OS cannot start a thread.
pub fn spawn<F: FnOnce() + Send + 'static>(f: F) -> Pid {
    spawn_with_handle(f).0
}

/// Starts `f` in a new process and returns its pid and a join handle.
///
/// # Panics
/// As `std::thread::spawn`, when the OS cannot start a thread.
pub fn spawn_with_handle<T, F>(f: F) -> (Pid, std::thread::JoinHandle<T>)
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let p = new_process();
    let pid = p.pid;
    let started = std::thread::Builder::new()
        .name(format!("process {pid:?}"))
        .spawn(move || {
            CURRENT.with(|c| {
                let _ = c.set(Current(p));
            });
            f()
        });
    match started {
        Ok(handle) => (pid, handle),
        Err(e) => {
            // The process never ran: forget it, then fail as
            // `std::thread::spawn` does (Erlang raises system_limit here).
            if let Some(p) = pid.process() {
                p.exit();
            }
            panic!("spawning process {pid:?}: {e}");
        }
    }
}

/// Takes the first message of the caller's mailbox, waiting up to
/// `timeout` (`None` = infinity). `None` when the time is up.
pub fn receive(timeout: Option<Duration>) -> Option<Message> {
    current().take_first(&mut |_| true, timeout)
}

/// Takes the first message for which `matches` is true (a selective
/// receive); other messages stay, in order.
pub fn receive_match<F: FnMut(&Message) -> bool>(
    mut matches: F,
    timeout: Option<Duration>,
) -> Option<Message> {
    current().take_first(&mut matches, timeout)
}

/// Takes the first message about `socket`.
pub fn receive_from(socket: &Socket, timeout: Option<Duration>) -> Option<Message> {
    receive_match(|m| m.socket() == Some(socket), timeout)
}

/// Number of messages in the caller's mailbox.
pub fn mailbox_len() -> usize {
    current().mailbox_len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn selective_receive_keeps_the_rest_in_order() {
        let me = self_pid();
        for i in 0..5u32 {
            me.send_user(i);
        }
        let three = receive_match(
            |m| matches!(m, Message::User(v) if v.downcast_ref::<u32>() == Some(&3)),
            Some(Duration::ZERO),
        );
        assert!(three.is_some());
        let rest: Vec<u32> = std::iter::from_fn(|| receive(Some(Duration::ZERO)))
            .map(|m| match m {
                Message::User(v) => *v.downcast::<u32>().unwrap(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(rest, [0, 1, 2, 4]);
    }

    #[test]
    fn receive_times_out_and_a_dead_process_is_gone() {
        let t = Instant::now();
        assert!(receive(Some(Duration::from_millis(20))).is_none());
        assert!(t.elapsed() >= Duration::from_millis(20));
        let (pid, h) = spawn_with_handle(self_pid);
        assert_eq!(h.join().unwrap(), pid);
        assert!(!pid.is_alive());
    }

    struct Told(Mutex<Vec<Pid>>);

    impl OwnedResource for Told {
        fn owner_exited(&self, pid: Pid) {
            self.0.lock().push(pid);
        }
    }

    #[test]
    fn a_resource_given_to_an_ended_process_is_told() {
        let (pid, h) = spawn_with_handle(current);
        let p = h.join().unwrap();
        assert!(!p.is_alive());
        let r: Arc<Told> = Arc::new(Told(Mutex::new(Vec::new())));
        let weak: Weak<dyn OwnedResource> = Arc::downgrade(&(r.clone() as Arc<dyn OwnedResource>));
        p.link(weak);
        assert_eq!(*r.0.lock(), [pid]);
    }

    #[test]
    fn a_waiting_receiver_wakes_on_send() {
        let me = self_pid();
        let child = spawn(move || {
            if let Some(Message::User(v)) = receive(Some(Duration::from_secs(10))) {
                me.send_user(*v.downcast::<u64>().unwrap() + 1);
            }
        });
        child.send_user(41u64);
        match receive(Some(Duration::from_secs(10))) {
            Some(Message::User(v)) => assert_eq!(*v.downcast::<u64>().unwrap(), 42),
            other => panic!("{other:?}"),
        }
    }
}
