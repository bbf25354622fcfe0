//! The output queue: what the kernel would not take yet, written by the
//! driver when the socket turns writable, and the watermarks that make
//! the port busy.
//!
//! As `inet_drv`: the port turns busy when the queue reaches
//! `high_watermark` after a send, and stops being busy when the driver
//! brings it below `low_watermark`. A sender meeting a busy port waits.

use bytes::Bytes;
use gen_tcp_core::{Block, Descriptor};
use parking_lot::{Condvar, MutexGuard};
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::time::Instant;

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
            self.len += bytes.len();
            self.chunks.push_back(bytes);
        }
    }

    /// Queues `bytes` before everything queued (the rest of a send that
    /// was being written while others queued behind it).
    pub(crate) fn push_front(&mut self, bytes: Bytes) {
        if !bytes.is_empty() {
            self.len += bytes.len();
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

    fn consume(&mut self, mut n: usize) {
        self.len -= n;
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
        self.len = 0;
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

    #[test]
    fn queued_bytes_are_counted_and_consumed_in_order() {
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
}
