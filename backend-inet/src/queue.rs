//! The output queue: what the kernel would not take yet, written by the
//! driver when the socket turns writable, and the watermarks that make
//! the port busy.
//!
//! As `inet_drv`: the port turns busy when the queue reaches
//! `high_watermark` after a send, and stops being busy when the driver
//! brings it below `low_watermark`. A sender meeting a busy port waits.

use bytes::Bytes;
use gen_tcp_core::sys;
use parking_lot::{Condvar, MutexGuard};
use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::time::Instant;

/// At most this many chunks go to one `writev`.
const MAX_CHUNKS: usize = 64;

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

    /// Queues what is left of `chunks` after the first `written` bytes,
    /// copied into one buffer.
    pub(crate) fn push_unsent(&mut self, chunks: &[&[u8]], mut written: usize) {
        let total: usize = chunks.iter().map(|c| c.len()).sum();
        let mut rest = Vec::with_capacity(total - written);
        for c in chunks {
            if written >= c.len() {
                written -= c.len();
                continue;
            }
            rest.extend_from_slice(&c[written..]);
            written = 0;
        }
        if !rest.is_empty() {
            self.len += rest.len();
            self.chunks.push_back(Bytes::from(rest));
        }
    }

    /// Writes from the front until the kernel stops taking or the queue is
    /// empty; `Ok(bytes written)`. A real error passes through.
    pub(crate) fn write_to(&mut self, fd: RawFd) -> io::Result<usize> {
        let mut total = 0;
        while !self.chunks.is_empty() {
            let slices: Vec<&[u8]> = self
                .chunks
                .iter()
                .take(MAX_CHUNKS)
                .map(|b| &b[..])
                .collect();
            let n = match sys::writev(fd, &slices) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            };
            self.consume(n);
            total += n;
        }
        Ok(total)
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
    fn only_the_unsent_remainder_is_queued() {
        let mut q = OutQueue::default();
        q.push_unsent(&[b"head", b"body"], 6);
        assert_eq!(q.len(), 2);
        assert_eq!(&q.chunks[0][..], b"dy");
        q.push_unsent(&[b"xyz"], 0);
        assert_eq!(q.len(), 5);
        q.consume(3);
        assert_eq!((q.len(), &q.chunks[0][..]), (2, &b"yz"[..]));
    }

    #[test]
    fn busy_between_the_watermarks() {
        let mut q = OutQueue::default();
        q.push_unsent(&[&[0u8; 100]], 0);
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
