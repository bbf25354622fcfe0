//! The output queue: what the kernel would not take yet, written by the
//! driver when the socket turns writable, and the watermarks that make
//! the port busy.
//!
//! As `inet_drv`: the port turns busy when the queue reaches
//! `high_watermark` after a send, and stops being busy when the driver
//! brings it below `low_watermark`. A sender meeting a busy port waits.
//!
//! Every queue adds its length to one gauge of the backend's
//! ([`queued_bytes`]), the driver figures' bytes queued.

use bytes::Bytes;
use gen_tcp_core::{Block, Descriptor};
use parking_lot::{Condvar, MutexGuard};
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Bytes in every queue of the backend: moved only by a queue whose
/// length changes (relaxed; a queue changes only on the slow path, where
/// the kernel would not take the bytes).
static QUEUED: AtomicU64 = AtomicU64::new(0);

/// Bytes waiting in the output queues of every socket of the backend now.
pub(crate) fn queued_bytes() -> u64 {
    QUEUED.load(Relaxed)
}

/// At most this many chunks go to one `sendmsg`.
const MAX_CHUNKS: usize = 16;

/// Bytes accepted by `send` and not yet handed to the kernel.
#[derive(Debug, Default)]
pub(crate) struct OutQueue {
    chunks: VecDeque<Bytes>,
    len: usize,
    busy: bool,
}

impl OutQueue {
    /// Bytes waiting (`send_pend`).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when nothing waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True while senders must wait.
    pub(crate) fn is_busy(&self) -> bool {
        self.busy
    }

    /// Queues `bytes` (what the kernel did not take of a send).
    pub(crate) fn push(&mut self, bytes: Bytes) {
        if !bytes.is_empty() {
            self.grow(bytes.len());
            self.chunks.push_back(bytes);
        }
    }

    /// Queues `bytes` before everything queued (the rest of a send that
    /// was being written while others queued behind it).
    pub(crate) fn push_front(&mut self, bytes: Bytes) {
        if !bytes.is_empty() {
            self.grow(bytes.len());
            self.chunks.push_front(bytes);
        }
    }

    /// Writes from the front until the kernel stops taking or the queue is
    /// empty, never blocking: `Ok(true)` when all was written, `Ok(false)`
    /// when the kernel is full. A real error passes through.
    pub(crate) fn write_to(&mut self, fd: &Descriptor) -> io::Result<bool> {
        while !self.chunks.is_empty() {
            let r = if self.chunks.len() == 1 {
                fd.send(&self.chunks[0], Block::No)
            } else {
                let mut iov = [IoSlice::new(&[]); MAX_CHUNKS];
                let mut n = 0;
                for (slot, chunk) in iov.iter_mut().zip(self.chunks.iter()) {
                    *slot = IoSlice::new(chunk);
                    n += 1;
                }
                fd.sendv(&iov[..n], Block::No)
            };
            match r {
                Ok(0) => return Ok(false),
                Ok(n) => self.consume(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    fn grow(&mut self, n: usize) {
        self.len += n;
        QUEUED.fetch_add(n as u64, Relaxed);
    }

    fn shrink(&mut self, n: usize) {
        self.len -= n;
        QUEUED.fetch_sub(n as u64, Relaxed);
    }

    fn consume(&mut self, mut n: usize) {
        self.shrink(n);
        while n > 0 {
            let front = self.chunks.front_mut().expect("written bytes were queued");
            if n >= front.len() {
                n -= front.len();
                self.chunks.pop_front();
            } else {
                let _ = front.split_to(n);
                n = 0;
            }
        }
        if self.chunks.is_empty() {
            // An idle socket keeps no ring buffer.
            self.chunks = VecDeque::new();
        }
    }

    /// Drops everything (the connection is gone, or `linger` is zero).
    pub(crate) fn clear(&mut self) {
        self.chunks = VecDeque::new();
        self.shrink(self.len);
        self.busy = false;
    }

    /// After a send: the port turns busy at `high` bytes.
    pub(crate) fn check_high(&mut self, high: u32) {
        if self.len > 0 && self.len >= high as usize {
            self.busy = true;
        }
    }

    /// After the driver wrote: the port stops being busy below `low`.
    /// True when it just stopped (waiting senders must be woken).
    pub(crate) fn check_low(&mut self, low: u32) -> bool {
        if self.busy && self.len < (low as usize).max(1) {
            self.busy = false;
            return true;
        }
        false
    }
}

/// A queue dropped with bytes (its socket dropped meanwhile) takes them
/// off the gauge.
impl Drop for OutQueue {
    fn drop(&mut self) {
        self.shrink(self.len);
    }
}

/// Waits on `cond` until `done` holds or `deadline` passes (`false`).
pub(crate) fn wait_until<T>(
    cond: &Condvar,
    guard: &mut MutexGuard<'_, T>,
    deadline: Option<Instant>,
    done: impl Fn(&T) -> bool,
) -> bool {
    while !done(guard) {
        match deadline {
            None => cond.wait(guard),
            Some(d) => {
                if cond.wait_until(guard, d).timed_out() {
                    return done(guard);
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue tests run one at a time, so that the gauge moves only
    /// with the queue of the test reading it (no other test here makes one).
    fn alone() -> parking_lot::MutexGuard<'static, ()> {
        static QUEUE_TESTS: parking_lot::Mutex<()> = parking_lot::Mutex::new(());
        QUEUE_TESTS.lock()
    }

    #[test]
    fn queued_bytes_are_counted_and_consumed_in_order() {
        let _alone = alone();
        let mut q = OutQueue::default();
        q.push(Bytes::from_static(b"dy"));
        q.push(Bytes::new());
        assert_eq!(q.len(), 2);
        assert_eq!(&q.chunks[0][..], b"dy");
        q.push(Bytes::from_static(b"xyz"));
        assert_eq!(q.len(), 5);
        q.consume(3);
        assert_eq!((q.len(), &q.chunks[0][..]), (2, &b"yz"[..]));
    }

    #[test]
    fn busy_between_the_watermarks() {
        let _alone = alone();
        let mut q = OutQueue::default();
        q.push(Bytes::from(vec![0u8; 100]));
        q.check_high(101);
        assert!(!q.is_busy());
        q.check_high(100);
        assert!(q.is_busy());
        q.consume(40);
        assert!(!q.check_low(50));
        assert!(q.is_busy());
        q.consume(20);
        assert!(q.check_low(50));
        assert!(!q.is_busy());
    }

    #[test]
    fn every_byte_queued_is_on_the_gauge_until_written_or_dropped() {
        let _alone = alone();
        let mut q = OutQueue::default();
        let before = queued_bytes();
        q.push(Bytes::from(vec![0u8; 10]));
        q.push_front(Bytes::from_static(b"abc"));
        assert_eq!(queued_bytes() - before, 13);
        q.consume(5);
        assert_eq!(queued_bytes() - before, 8);
        q.clear();
        assert_eq!(queued_bytes(), before);
        q.push(Bytes::from_static(b"xy"));
        drop(q);
        assert_eq!(queued_bytes(), before);
    }
}
