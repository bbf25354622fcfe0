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
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
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
    /// The exit signal: what [`Process::kill`] sets, and how it ends the
    /// wait the process's thread is in.
    exit_signal: ExitSignal,
}

/// A process's exit signal ([`Process::kill`]).
#[derive(Default)]
struct ExitSignal {
    /// Set once the process is killed.
    killed: AtomicBool,
    /// Wakes the wait the thread is in now (an acceptor's turn), if any.
    waker: Mutex<Option<Arc<dyn Fn() + Send + Sync>>>,
    /// An eventfd that `kill` makes readable, for a wait in `poll` that no
    /// close would end (on a socket another process owns): made when such
    /// a wait starts, closed when its call returns
    /// ([`InterruptibleCall`]), so that no descriptor stays open for it.
    wake_fd: Mutex<Option<OwnedFd>>,
}

/// Registered as the way to end the current wait ([`Process::on_kill`])
/// until dropped.
pub(crate) struct OnKill<'a>(&'a Process);

impl Drop for OnKill<'_> {
    fn drop(&mut self) {
        *self.0.exit_signal.waker.lock() = None;
    }
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
            exit_signal: ExitSignal::default(),
        })
    }

    /// True once the process was killed ([`Process::kill`]).
    pub(crate) fn is_killed(&self) -> bool {
        self.exit_signal.killed.load(Ordering::SeqCst)
    }

    /// Erlang's `exit(Pid, kill)`: the process ends now, whatever its
    /// thread is doing. It is marked dead, the sockets it owns close (as
    /// when its thread ends), its mailbox goes, and the gen_tcp call its
    /// thread waits in (if any) is ended: it returns `killed`. Its thread
    /// itself cannot be stopped from outside; every blocking call it makes
    /// from now on answers `killed` at once.
    pub(crate) fn kill(&self) {
        if self.exit_signal.killed.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(fd) = &*self.exit_signal.wake_fd.lock() {
            crate::sys::signal_eventfd(fd.as_raw_fd());
        }
        let waker = self.exit_signal.waker.lock().clone();
        if let Some(wake) = waker {
            wake();
        }
        {
            // A `receive` in progress sees the process dead.
            let _q = self.queue.lock();
            self.ready.notify_all();
        }
        self.exit();
    }

    /// Registers `wake` as the way to end the caller's coming wait if the
    /// process is killed, until the guard is dropped; `Err(Killed)` if it
    /// already was. `wake` must take the lock the wait releases while it
    /// sleeps, and the wait must check [`Process::is_killed`] under it
    /// before sleeping: then no kill is missed.
    pub(crate) fn on_kill(
        &self,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> crate::error::Result<OnKill<'_>> {
        *self.exit_signal.waker.lock() = Some(wake);
        let guard = OnKill(self);
        if self.is_killed() {
            return Err(crate::error::Error::Killed);
        }
        Ok(guard)
    }

    /// A new wake fd for the wait the caller is about to start (`None`
    /// when no descriptor is left for it: the wait is then ended only by
    /// a close). It is readable at once if the process is already killed.
    fn open_wake_fd(&self) -> Option<RawFd> {
        let fd = crate::sys::eventfd().ok()?;
        let raw = fd.as_raw_fd();
        let mut slot = self.exit_signal.wake_fd.lock();
        *slot = Some(fd);
        // `kill` sets the flag before it looks here, under this lock.
        if self.is_killed() {
            crate::sys::signal_eventfd(raw);
        }
        Some(raw)
    }

    /// Closes the wake fd of the call that returns.
    fn close_wake_fd(&self) {
        let fd = self.exit_signal.wake_fd.lock().take();
        drop(fd);
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
        if self.is_killed() {
            return None;
        }
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
            // Killed: nothing will come (`kill` notifies under this lock).
            if self.is_killed() {
                return None;
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
    /// Whether the thread's current gen_tcp call must be ended by an exit
    /// signal through a wake fd ([`interruptible_call`]).
    static CALL_WAKE: std::cell::Cell<CallWake> = const { std::cell::Cell::new(CallWake::Off) };
}

/// True if the calling thread's process was killed (no process is made).
pub(crate) fn current_is_killed() -> bool {
    CURRENT
        .try_with(|c| c.get().is_some_and(|cur| cur.0.is_killed()))
        .unwrap_or(false)
}

/// True if `p` is the calling thread's process (no process is made).
pub(crate) fn is_current(p: &Arc<Process>) -> bool {
    CURRENT
        .try_with(|c| c.get().is_some_and(|cur| Arc::ptr_eq(&cur.0, p)))
        .unwrap_or(false)
}

/// Where the thread's current gen_tcp call is with its wake fd.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CallWake {
    /// The call needs none (or no call runs).
    Off,
    /// It needs one once it waits in `poll`; none made yet.
    Armed,
    /// Made, and registered with the process for `kill` to signal.
    Open(RawFd),
}

/// Marks the calling thread's gen_tcp call, until dropped, as one whose
/// waits in `poll` must watch a wake fd of the process: an exit signal
/// could not end them otherwise (they wait on a socket another process
/// owns, whose close is not the killed process's to make). The wake fd is
/// made when the call first waits ([`call_wake_fd`]), and closed here.
pub(crate) struct InterruptibleCall {
    armed: bool,
}

impl Drop for InterruptibleCall {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Ok(CallWake::Open(_)) = CALL_WAKE.try_with(|c| c.replace(CallWake::Off)) {
            current().close_wake_fd();
        }
    }
}

/// See [`InterruptibleCall`]. Inside another one, does nothing more.
pub(crate) fn interruptible_call() -> InterruptibleCall {
    let armed = CALL_WAKE
        .try_with(|c| {
            let off = c.get() == CallWake::Off;
            if off {
                c.set(CallWake::Armed);
            }
            off
        })
        .unwrap_or(false);
    InterruptibleCall { armed }
}

/// True while the thread's gen_tcp call is interruptible: it must not
/// block in the kernel where no wake fd can end the wait.
pub(crate) fn call_is_interruptible() -> bool {
    CALL_WAKE.try_with(|c| c.get() != CallWake::Off).unwrap_or(false)
}

/// The wake fd the current call's waits watch, made on its first wait;
/// `None` for a call that is not interruptible (or when no descriptor is
/// left for one).
pub(crate) fn call_wake_fd() -> Option<RawFd> {
    match CALL_WAKE.try_with(|c| c.get()).ok()? {
        CallWake::Off => None,
        CallWake::Open(fd) => Some(fd),
        CallWake::Armed => {
            let fd = current().open_wake_fd()?;
            let _ = CALL_WAKE.try_with(|c| c.set(CallWake::Open(fd)));
            Some(fd)
        }
    }
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
