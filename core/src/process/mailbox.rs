//! The inside of a process: its mailbox, what it owns, the registry of
//! live processes, and the thread-local link between a thread and its
//! process. Backends reach [`Process`] and [`OwnedResource`] through
//! [`crate::port`]; users never see them.

use super::channel::Channel;
use super::{Message, Pid};
use crate::socket::Socket;
use crossbeam_channel::Receiver;
use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

/// Something that must be told when its owner process ends: a socket,
/// which closes then (a port dies with its owner).
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
    /// Set once, under `queue`'s lock, when the process takes its mailbox
    /// as a channel ([`crate::process::mailbox_channel`]): from then on
    /// every message goes there and `queue` stays empty.
    channel: OnceLock<Channel>,
}

impl Process {
    fn new(pid: Pid) -> Arc<Process> {
        Arc::new(Process {
            pid,
            alive: AtomicBool::new(true),
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            owned: Mutex::new(Vec::new()),
            channel: OnceLock::new(),
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
        // Sent under the lock, as pushed: whatever rearranges the channel
        // (`Channel::take_where`, `Channel::put_back`) holds it too.
        if let Some(ch) = self.channel.get() {
            ch.push(msg);
            return;
        }
        q.push_back(msg);
        drop(q);
        self.ready.notify_one();
    }

    /// This mailbox as a channel: made on the first call, with the
    /// messages already waiting moved into it in order; the same channel
    /// for every later call.
    pub(crate) fn channel(&self) -> Receiver<Message> {
        if let Some(ch) = self.channel.get() {
            return ch.receiver();
        }
        let mut q = self.queue.lock();
        let ch = self.channel.get_or_init(Channel::new);
        for m in q.drain(..) {
            ch.push(m);
        }
        ch.receiver()
    }

    /// Takes the first message that `matches`, from the mailbox or, once
    /// the process reads its mailbox as a channel, from the channel.
    pub(crate) fn take(
        &self,
        matches: &mut dyn FnMut(&Message) -> bool,
        timeout: Option<Duration>,
    ) -> Option<Message> {
        match self.channel.get() {
            Some(ch) => ch.take_first(matches, timeout, || self.queue.lock()),
            None => self.take_first(matches, timeout),
        }
    }

    /// Records that this process owns `r`, to be told when it ends. A
    /// process that has already ended (it may end while `r` is being given
    /// to it) tells `r` at once, so nothing stays owned by a dead process.
    pub(crate) fn link(&self, r: Weak<dyn OwnedResource>) {
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

    /// Moves the `{tcp, S, _}` and `{tcp_closed, S}` messages about
    /// `socket` from this mailbox to `to`'s, in order (what
    /// `controlling_process` does: `inet:tcp_sync_input/3`, and its match
    /// in `gen_tcp_socket`); `{tcp_error, S, _}` and `{tcp_passive, S}`
    /// stay with the old owner, as in OTP 25. Returns the number of
    /// `{tcp_closed, S}` moved.
    pub(crate) fn move_socket_messages(&self, socket: &Socket, to: &Process) -> usize {
        let moved: Vec<Message> = {
            let mut q = self.queue.lock();
            let is_about = |m: &Message| match m {
                Message::Tcp(s, _) | Message::TcpClosed(s) => s == socket,
                _ => false,
            };
            match self.channel.get() {
                Some(ch) => ch.take_where(is_about),
                None => {
                    let (moved, kept): (Vec<Message>, Vec<Message>) =
                        q.drain(..).partition(is_about);
                    *q = kept.into();
                    moved
                }
            }
        };
        let closed = moved
            .iter()
            .filter(|m| matches!(m, Message::TcpClosed(_)))
            .count();
        if !moved.is_empty() {
            let mut q = to.queue.lock();
            if to.is_alive() {
                if let Some(ch) = to.channel.get() {
                    moved.into_iter().for_each(|m| ch.push(m));
                    return closed;
                }
                q.extend(moved);
                drop(q);
                to.ready.notify_one();
            }
        }
        closed
    }

    /// Number of messages waiting.
    pub(crate) fn mailbox_len(&self) -> usize {
        self.queue.lock().len() + self.channel.get().map_or(0, Channel::len)
    }

    pub(crate) fn take_first(
        &self,
        matches: &mut dyn FnMut(&Message) -> bool,
        timeout: Option<Duration>,
    ) -> Option<Message> {
        // A timeout too large for the clock waits forever, as `None` does.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
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

    pub(crate) fn exit(&self) {
        self.alive.store(false, Ordering::Release);
        registry().lock().remove(&self.pid.0);
        let owned = std::mem::take(&mut *self.owned.lock());
        for r in owned.iter().filter_map(Weak::upgrade) {
            r.owner_exited(self.pid);
        }
        // Messages may hold sockets; drop them outside the lock.
        let (msgs, sent) = {
            let mut q = self.queue.lock();
            let sent = self.channel.get().map(|ch| ch.take_where(|_| true));
            (std::mem::take(&mut *q), sent)
        };
        drop((msgs, sent));
    }
}

fn registry() -> &'static Mutex<HashMap<u64, Arc<Process>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<u64, Arc<Process>>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The live process `pid`, if any.
pub(crate) fn lookup(pid: Pid) -> Option<Arc<Process>> {
    registry().lock().get(&pid.0).cloned()
}

/// A new process with a fresh pid, registered as alive.
pub(crate) fn new_process() -> Arc<Process> {
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

/// Makes `p` the calling thread's process (the first thing a spawned
/// thread does); it ends when the thread ends.
pub(crate) fn become_process(p: Arc<Process>) {
    CURRENT.with(|c| {
        let _ = c.set(Current(p));
    });
}

/// The calling thread's process (created on first use).
pub(crate) fn current() -> Arc<Process> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::spawn_with_handle;

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
}
