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
//! closed, as in Erlang where a port dies with its owner. [`Pid::kill`]
//! (`exit(Pid, kill)`) ends a process from outside, ending the gen_tcp
//! call its thread is blocked in.
//!
//! A process may also read its mailbox as a `crossbeam_channel::Receiver`
//! ([`mailbox_channel`]), to wait on its messages, timers and channels of
//! its own at once with `crossbeam_channel::select!`.
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

mod channel;
pub(crate) mod mailbox;

use crate::data::Data;
use crate::error::Error;
use crate::socket::Socket;
pub(crate) use mailbox::{call_is_interruptible, call_wake_fd};
use mailbox::{become_process, current, lookup, new_process, Process};
use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A process identifier, as Erlang's `pid()`: names one thread started by
/// [`spawn`] (or any thread that asked for [`self_pid`]) for as long as it
/// runs, and is never reused.
///
/// ```
/// use gen_tcp_core::process::{self_pid, spawn_with_handle};
/// let (child, done) = spawn_with_handle(self_pid);
/// assert_eq!(done.join().unwrap(), child); // the child saw its own pid
/// assert_ne!(child, self_pid());
/// assert!(!child.is_alive()); // its thread has ended
/// ```
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

/// A message in a process's mailbox: what an active socket sends its
/// controlling process, or any value another process sent.
///
/// More kinds of message may be added (Erlang's sockets have more, such
/// as `{tcp_error, ...}` variants of other protocols), so a `match` needs
/// a catch-all arm.
///
/// ```
/// use gen_tcp_core::process::{receive, self_pid, Message};
/// use std::time::Duration;
/// self_pid().send_user("hello");
/// match receive(Some(Duration::from_secs(5))) {
///     Some(Message::User(v)) => assert_eq!(v.downcast_ref::<&str>(), Some(&"hello")),
///     Some(other) => panic!("unexpected {other:?}"),
///     None => panic!("nothing arrived"),
/// }
/// ```
#[non_exhaustive]
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
    ///
    /// ```
    /// use gen_tcp_core::process::Message;
    /// assert!(Message::User(Box::new(1)).socket().is_none());
    /// ```
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

/// The calling thread's pid, as Erlang's `self()`. A thread not started
/// by [`spawn`] becomes a process the first time it asks.
///
/// ```
/// use gen_tcp_core::process::self_pid;
/// assert_eq!(self_pid(), self_pid());
/// assert!(self_pid().is_alive());
/// ```
pub fn self_pid() -> Pid {
    current().pid()
}

impl Pid {
    /// The process, if it is alive.
    pub(crate) fn process(self) -> Option<Arc<Process>> {
        lookup(self)
    }

    /// True while the process's thread runs.
    ///
    /// ```
    /// use gen_tcp_core::process::spawn_with_handle;
    /// let (pid, done) = spawn_with_handle(|| ());
    /// done.join().unwrap();
    /// assert!(!pid.is_alive());
    /// ```
    pub fn is_alive(self) -> bool {
        self.process().is_some_and(|p| p.is_alive())
    }

    /// Sends a message (Erlang's `Pid ! Msg`); lost if the process ended.
    ///
    /// ```
    /// use gen_tcp_core::process::{receive, self_pid, Message};
    /// use std::time::Duration;
    /// self_pid().send(Message::User(Box::new(7u8)));
    /// assert!(matches!(receive(Some(Duration::ZERO)), Some(Message::User(_))));
    /// ```
    pub fn send(self, msg: Message) {
        if let Some(p) = self.process() {
            p.deliver(msg);
        }
    }

    /// Erlang's `exit(Pid, kill)`: ends the process now, whatever it is
    /// doing, as a supervisor ends an acceptor. `false` if it had already
    /// ended.
    ///
    /// At once: the process is dead ([`Pid::is_alive`] is false, messages
    /// to it are dropped, its mailbox is gone), the sockets it controls
    /// close as when their owner ends (the peer sees what a `close` sends
    /// it), and a gen_tcp call its thread is blocked in (`accept`, `recv`,
    /// a `send` on the `socket` backend, a [`receive`]) returns
    /// [`Error::Killed`]. Not yet ended from outside: a `connect` in
    /// progress, and an `inet` `send` waiting on a busy port of another
    /// process's socket (they return when they would have).
    /// Another process's calls are untouched: a connection that has not
    /// come yet goes to the next acceptor; bytes not received yet stay
    /// for the next reader. A thread cannot be stopped from outside, so
    /// the killed process's thread goes on with what the call returned;
    /// every gen_tcp call of it that would wait fails with
    /// [`Error::Killed`] at once, and [`receive`] answers `None` (a
    /// receive already waiting on the mailbox read as a channel,
    /// [`mailbox_channel`], waits on: a channel has no exit signal).
    ///
    /// ```
    /// use gen_tcp_core::process::{receive, spawn_with_handle};
    /// let (pid, done) = spawn_with_handle(|| receive(None)); // waits for ever
    /// assert!(pid.kill());
    /// assert!(done.join().unwrap().is_none()); // its receive returned
    /// assert!(!pid.is_alive());
    /// assert!(!pid.kill());
    /// ```
    pub fn kill(self) -> bool {
        match self.process() {
            Some(p) if p.is_alive() => {
                p.kill();
                true
            }
            _ => false,
        }
    }

    /// Sends any value as a [`Message::User`].
    ///
    /// ```
    /// use gen_tcp_core::process::{receive, self_pid, Message};
    /// use std::time::Duration;
    /// self_pid().send_user(String::from("hi"));
    /// let Some(Message::User(v)) = receive(Some(Duration::ZERO)) else { panic!() };
    /// assert_eq!(*v.downcast::<String>().unwrap(), "hi");
    /// ```
    pub fn send_user<T: Any + Send>(self, value: T) {
        self.send(Message::User(Box::new(value)))
    }
}

/// Starts `f` in a new process (thread) and returns its pid at once.
/// The sockets the new process opens, accepts or is given are closed when
/// `f` returns (or panics).
///
/// ```
/// use gen_tcp_core::process::{receive, self_pid, spawn, Message};
/// use std::time::Duration;
/// let parent = self_pid();
/// let child = spawn(move || parent.send_user(self_pid()));
/// let Some(Message::User(v)) = receive(Some(Duration::from_secs(5))) else { panic!() };
/// assert_eq!(*v.downcast::<gen_tcp_core::Pid>().unwrap(), child);
/// ```
///
/// # Panics
/// As `std::thread::spawn`, when the OS cannot start a thread.
pub fn spawn<F: FnOnce() + Send + 'static>(f: F) -> Pid {
    spawn_with_handle(f).0
}

/// Starts `f` in a new process and returns its pid and a join handle.
///
/// ```
/// use gen_tcp_core::process::spawn_with_handle;
/// let (_pid, done) = spawn_with_handle(|| 6 * 7);
/// assert_eq!(done.join().unwrap(), 42);
/// ```
///
/// # Panics
/// As `std::thread::spawn`, when the OS cannot start a thread.
pub fn spawn_with_handle<T, F>(f: F) -> (Pid, std::thread::JoinHandle<T>)
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let p = new_process();
    let pid = p.pid();
    let started = std::thread::Builder::new()
        .name(format!("process {pid:?}"))
        .spawn(move || {
            become_process(p);
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
///
/// ```
/// use gen_tcp_core::process::receive;
/// use std::time::Duration;
/// assert!(receive(Some(Duration::ZERO)).is_none()); // an empty mailbox
/// ```
pub fn receive(timeout: Option<Duration>) -> Option<Message> {
    current().take(&mut |_| true, timeout)
}

/// Takes the first message for which `matches` is true (a selective
/// receive); other messages stay, in order.
///
/// ```
/// use gen_tcp_core::process::{receive, receive_match, self_pid, Message};
/// use std::time::Duration;
/// let me = self_pid();
/// me.send_user(1u32);
/// me.send_user(2u32);
/// let two = |m: &Message| matches!(m, Message::User(v) if v.downcast_ref() == Some(&2u32));
/// assert!(receive_match(two, Some(Duration::ZERO)).is_some());
/// // 1 is still there.
/// assert!(receive(Some(Duration::ZERO)).is_some());
/// ```
pub fn receive_match<F: FnMut(&Message) -> bool>(
    mut matches: F,
    timeout: Option<Duration>,
) -> Option<Message> {
    current().take(&mut matches, timeout)
}

/// Takes the first message about `socket` (`{tcp, Socket, _}`,
/// `{tcp_closed, Socket}`, ...), leaving the others in order.
pub fn receive_from(socket: &Socket, timeout: Option<Duration>) -> Option<Message> {
    receive_match(|m| m.socket() == Some(socket), timeout)
}

/// The caller's mailbox as a channel, to read with `recv` or in a
/// `crossbeam_channel::select!` beside timers and other channels.
///
/// From the first call on, every message for the process (from its
/// sockets, or sent with [`Pid::send`]) goes into this channel, in the
/// order it is delivered, after the messages already waiting, which move
/// into it first. Later calls return the same channel. It stays the
/// process's mailbox until the process ends.
///
/// [`receive`], [`receive_match`] and [`receive_from`] keep working: they
/// read the same channel, so a program may `select!` in one place and
/// `receive_from` in another. A selective receive leaves the messages it
/// passes over in front, in order, and `controlling_process` moves a
/// socket's waiting messages out of the channel to the new owner, in
/// order, as they do with a mailbox. These guarantees of order hold while
/// the process's own thread is the only one reading the channel, as only
/// it reads its mailbox; another thread reading a clone at the same time
/// may take a message out of its turn (no message is lost or taken twice).
///
/// ```
/// use gen_tcp_core::process::{mailbox_channel, receive, self_pid, spawn, Message};
/// use crossbeam_channel::{select, tick};
/// use std::time::Duration;
///
/// let me = self_pid();
/// me.send_user("already waiting");
/// let mailbox = mailbox_channel();
/// spawn(move || me.send_user(42u32));
/// let ticks = tick(Duration::from_millis(10));
/// let mut seen = Vec::new();
/// while seen.len() < 2 {
///     select! {
///         recv(mailbox) -> msg => match msg {
///             Ok(Message::User(v)) => seen.push(format!("{v:?}")),
///             other => panic!("{other:?}"),
///         },
///         recv(ticks) -> _ => {} // a timer beside the mailbox
///     }
/// }
/// // `receive` reads the same channel.
/// me.send_user(7u8);
/// assert!(matches!(receive(Some(Duration::from_secs(5))), Some(Message::User(_))));
/// ```
pub fn mailbox_channel() -> crossbeam_channel::Receiver<Message> {
    current().channel()
}

/// Number of messages in the caller's mailbox.
///
/// ```
/// use gen_tcp_core::process::{mailbox_len, self_pid};
/// self_pid().send_user(());
/// assert_eq!(mailbox_len(), 1);
/// ```
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

    #[test]
    fn the_longest_timeout_is_a_timeout_not_a_panic() {
        self_pid().send_user(1u8);
        assert!(receive(Some(Duration::MAX)).is_some());
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
