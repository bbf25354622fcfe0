//! `inet:getstat/2` counters.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A statistic `getstat` reports.
///
/// More may be added (OTP's `inet:getstat/2` knows others on other
/// socket types), so a `match` needs a catch-all arm.
///
/// ```
/// use gen_tcp_core::Stat;
/// assert_eq!(Stat::SendPend.erlang_name(), "send_pend");
/// assert_eq!(Stat::ALL.len(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stat {
    /// `recv_oct`: bytes received.
    RecvOct,
    /// `recv_cnt`: packets received.
    RecvCnt,
    /// `recv_max`: largest packet received.
    RecvMax,
    /// `recv_avg`: average packet size received.
    RecvAvg,
    /// `send_oct`: bytes sent.
    SendOct,
    /// `send_cnt`: packets sent.
    SendCnt,
    /// `send_max`: largest packet sent.
    SendMax,
    /// `send_avg`: average packet size sent.
    SendAvg,
    /// `send_pend`: bytes waiting in the output queue (`inet` backend).
    SendPend,
}

impl Stat {
    /// Every statistic, in the order `inet:getstat/1` lists them.
    pub const ALL: [Stat; 9] = [
        Stat::RecvOct,
        Stat::RecvCnt,
        Stat::RecvMax,
        Stat::RecvAvg,
        Stat::SendOct,
        Stat::SendCnt,
        Stat::SendMax,
        Stat::SendAvg,
        Stat::SendPend,
    ];

    /// The Erlang name.
    pub fn erlang_name(self) -> &'static str {
        match self {
            Stat::RecvOct => "recv_oct",
            Stat::RecvCnt => "recv_cnt",
            Stat::RecvMax => "recv_max",
            Stat::RecvAvg => "recv_avg",
            Stat::SendOct => "send_oct",
            Stat::SendCnt => "send_cnt",
            Stat::SendMax => "send_max",
            Stat::SendAvg => "send_avg",
            Stat::SendPend => "send_pend",
        }
    }
}

/// Received-side counts kept by the receive buffer itself, per packet
/// delivered (`inet_drv` counts `recv_oct`, `recv_cnt` and `recv_max` as
/// it delivers a packet, header included, not as it reads the kernel):
/// see [`Counters::report_delivered`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Bytes delivered.
    pub oct: u64,
    /// Packets delivered.
    pub cnt: u64,
    /// The largest packet delivered.
    pub max: u64,
}

impl Tally {
    /// Counts one packet of `bytes` bytes.
    pub fn add(&mut self, bytes: usize) {
        let n = bytes as u64;
        self.oct = self.oct.saturating_add(n);
        self.cnt = self.cnt.saturating_add(1);
        self.max = self.max.max(n);
    }
}

/// The counters of one socket, updated without locks (for backends: the
/// numbers behind [`Stat`]).
#[derive(Debug, Default)]
pub struct Counters {
    recv_oct: AtomicU64,
    recv_cnt: AtomicU64,
    recv_max: AtomicU64,
    send_oct: AtomicU64,
    send_cnt: AtomicU64,
    send_max: AtomicU64,
}

impl Counters {
    /// Counts bytes read from the kernel (`recv_oct`) in one read (`recv_cnt`).
    pub fn received(&self, bytes: usize) {
        let n = bytes as u64;
        self.recv_oct.fetch_add(n, Relaxed);
        self.recv_cnt.fetch_add(1, Relaxed);
        self.recv_max.fetch_max(n, Relaxed);
    }

    /// Counts one `send` of `bytes` bytes.
    pub fn sent(&self, bytes: usize) {
        let n = bytes as u64;
        self.send_oct.fetch_add(n, Relaxed);
        self.send_cnt.fetch_add(1, Relaxed);
        self.send_max.fetch_max(n, Relaxed);
    }

    /// The value of `stat`; `send_pend` is the backend's to give.
    pub fn get(&self, stat: Stat, send_pend: u64) -> u64 {
        let avg = |oct: &AtomicU64, cnt: &AtomicU64| {
            oct.load(Relaxed)
                .checked_div(cnt.load(Relaxed))
                .unwrap_or(0)
        };
        match stat {
            Stat::RecvOct => self.recv_oct.load(Relaxed),
            Stat::RecvCnt => self.recv_cnt.load(Relaxed),
            Stat::RecvMax => self.recv_max.load(Relaxed),
            Stat::RecvAvg => avg(&self.recv_oct, &self.recv_cnt),
            Stat::SendOct => self.send_oct.load(Relaxed),
            Stat::SendCnt => self.send_cnt.load(Relaxed),
            Stat::SendMax => self.send_max.load(Relaxed),
            Stat::SendAvg => avg(&self.send_oct, &self.send_cnt),
            Stat::SendPend => send_pend,
        }
    }

    /// The values of `stats`, as `getstat` returns them.
    pub fn report(&self, stats: &[Stat], send_pend: u64) -> Vec<(Stat, u64)> {
        stats.iter().map(|&s| (s, self.get(s, send_pend))).collect()
    }

    /// As [`Counters::report`], with the receive counters taken from
    /// `received` (packets delivered) instead of the reads counted here.
    ///
    /// ```
    /// use gen_tcp_core::stats::{Counters, Tally};
    /// use gen_tcp_core::Stat;
    /// let mut t = Tally::default();
    /// t.add(4);
    /// t.add(6);
    /// let r = Counters::default().report_delivered(&[Stat::RecvOct, Stat::RecvAvg], 0, &t);
    /// assert_eq!(r, vec![(Stat::RecvOct, 10), (Stat::RecvAvg, 5)]);
    /// ```
    pub fn report_delivered(
        &self,
        stats: &[Stat],
        send_pend: u64,
        received: &Tally,
    ) -> Vec<(Stat, u64)> {
        let value = |s: Stat| match s {
            Stat::RecvOct => received.oct,
            Stat::RecvCnt => received.cnt,
            Stat::RecvMax => received.max,
            Stat::RecvAvg => received.oct.checked_div(received.cnt).unwrap_or(0),
            other => self.get(other, send_pend),
        };
        stats.iter().map(|&s| (s, value(s))).collect()
    }
}
