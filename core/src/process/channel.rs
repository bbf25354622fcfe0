//! A mailbox read as a `crossbeam_channel::Receiver`, so that a process
//! can `select!` over its messages, timers and channels of its own.
//!
//! The channel *is* the mailbox: once a process asks for it
//! ([`crate::process::mailbox_channel`]), every message for the process is
//! sent into it, in the order it is delivered, and `receive` reads from
//! it too. Both ways of reading take from the front, so they mix freely.
//!
//! Two things rearrange a mailbox and must do the same to the channel,
//! which only lets one take from its front:
//!
//! - a selective receive (`receive_match`) takes the first message that
//!   matches and leaves the others in order; here it takes messages off
//!   the front until one matches, then puts the ones it passed over back
//!   in front ([`Channel::put_back`]);
//! - `controlling_process` moves the socket's messages to the new owner,
//!   in order, and leaves the others in order ([`Channel::take_where`]).
//!
//! Both hold the process's mailbox lock, which every delivery takes, so no
//! message is delivered in between. They keep the order exactly when the
//! process's own thread is the only one reading the channel, as it is the
//! only one reading a mailbox; a clone read by another thread at the same
//! time may see a message out of its turn, never lose one.

use super::Message;
use crossbeam_channel::{unbounded, Receiver, Sender};
use std::time::{Duration, Instant};

/// The two ends of a process's mailbox channel. The process keeps a
/// receiver too, for `receive` and for rearranging; the channel lives as
/// long as the process.
pub(crate) struct Channel {
    tx: Sender<Message>,
    rx: Receiver<Message>,
}

impl Channel {
    pub(crate) fn new() -> Channel {
        let (tx, rx) = unbounded();
        Channel { tx, rx }
    }

    /// A receiver for the user.
    pub(crate) fn receiver(&self) -> Receiver<Message> {
        self.rx.clone()
    }

    /// Appends a message (under the mailbox lock).
    pub(crate) fn push(&self, msg: Message) {
        // Cannot fail: `self.rx` keeps the channel connected.
        let _ = self.tx.send(msg);
    }

    /// Number of messages waiting.
    pub(crate) fn len(&self) -> usize {
        self.rx.len()
    }

    /// Takes every waiting message for which `take` is true, in order, and
    /// leaves the others in the channel in order. The caller holds the
    /// mailbox lock, so nothing is delivered meanwhile.
    pub(crate) fn take_where(&self, mut take: impl FnMut(&Message) -> bool) -> Vec<Message> {
        let mut taken = Vec::new();
        let kept: Vec<Message> = self
            .rx
            .try_iter()
            .filter_map(|m| {
                if take(&m) {
                    taken.push(m);
                    None
                } else {
                    Some(m)
                }
            })
            .collect();
        kept.into_iter().for_each(|m| self.push(m));
        taken
    }

    /// Puts `front` back before every message waiting, in order. The
    /// caller holds the mailbox lock.
    fn put_back(&self, front: Vec<Message>) {
        let rest: Vec<Message> = self.rx.try_iter().collect();
        front.into_iter().chain(rest).for_each(|m| self.push(m));
    }

    /// A selective receive on the channel: the first message that
    /// `matches`, waiting up to `timeout`; those passed over go back in
    /// front, in order. `lock` takes the mailbox lock.
    pub(crate) fn take_first<G>(
        &self,
        matches: &mut dyn FnMut(&Message) -> bool,
        timeout: Option<Duration>,
        lock: impl FnOnce() -> G,
    ) -> Option<Message> {
        // A timeout too large for the clock waits forever, as `None` does.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut passed = Vec::new();
        let found = loop {
            let next = match deadline {
                // Never disconnected: `self.tx` lives as long as `self`.
                None => self.rx.recv().ok(),
                // Takes what is waiting before it looks at the clock.
                Some(d) => self.rx.recv_deadline(d).ok(),
            };
            match next {
                Some(m) if matches(&m) => break Some(m),
                Some(m) => passed.push(m),
                None => break None,
            }
        };
        if !passed.is_empty() {
            let _guard = lock();
            self.put_back(passed);
        }
        found
    }
}
