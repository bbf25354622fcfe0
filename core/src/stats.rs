//! `inet:getstat/2` counters.

use crate::backend::InetBackend;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A statistic `getstat` reports.
///
/// More may be added (OTP's `inet:getstat/2` knows others on other
/// socket types), so a `match` needs a catch-all arm.
///
/// ```
/// use gen_tcp_core::Stat;
/// assert_eq!(Stat::SendPend.erlang_name(), "send_pend");
/// assert_eq!(Stat::ALL.len(), 10);
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
    /// `recv_dvi`: average deviation of the packet sizes received from
    /// their running average (`inet`, as inet_drv computes it; always 0
    /// on the `socket` backend, as OTP's).
    RecvDvi,
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
    pub const ALL: [Stat; 10] = [
        Stat::RecvOct,
        Stat::RecvCnt,
        Stat::RecvMax,
        Stat::RecvAvg,
        Stat::RecvDvi,
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
            Stat::RecvDvi => "recv_dvi",
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
/// numbers behind [`Stat`]). `Counters::default()` keeps `recv_dvi`, as
/// inet_drv does; [`Counters::for_backend`] says which backend.
#[derive(Debug)]
pub struct Counters {
    recv_oct: AtomicU64,
    recv_cnt: AtomicU64,
    recv_max: AtomicU64,
    /// The running `recv_dvi` (an `f64`, as its bits), when kept.
    recv_dvi: AtomicU64,
    keeps_dvi: bool,
    send_oct: AtomicU64,
    send_cnt: AtomicU64,
    send_max: AtomicU64,
}

impl Default for Counters {
    fn default() -> Counters {
        Counters::for_backend(InetBackend::Inet)
    }
}

impl Counters {
    /// The counters of a new socket of `backend`: `inet` keeps
    /// `recv_dvi`; OTP's `socket` backend always reports 0 for it.
    pub fn for_backend(backend: InetBackend) -> Counters {
        Counters {
            recv_oct: AtomicU64::new(0),
            recv_cnt: AtomicU64::new(0),
            recv_max: AtomicU64::new(0),
            recv_dvi: AtomicU64::new(0f64.to_bits()),
            keeps_dvi: backend == InetBackend::Inet,
            send_oct: AtomicU64::new(0),
            send_cnt: AtomicU64::new(0),
            send_max: AtomicU64::new(0),
        }
    }

    /// Counts bytes read from the kernel (`recv_oct`) in one read (`recv_cnt`).
    pub fn received(&self, bytes: usize) {
        let n = bytes as u64;
        let oct = self.recv_oct.fetch_add(n, Relaxed).wrapping_add(n);
        let cnt = self.recv_cnt.fetch_add(1, Relaxed).wrapping_add(1);
        self.recv_max.fetch_max(n, Relaxed);
        if self.keeps_dvi {
            let _ = self.recv_dvi.fetch_update(Relaxed, Relaxed, |bits| {
                Some(next_dvi(f64::from_bits(bits), n, oct, cnt).to_bits())
            });
        }
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
            // inet_drv reports the magnitude, truncated.
            Stat::RecvDvi => f64::from_bits(self.recv_dvi.load(Relaxed)).abs() as u64,
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

/// inet_drv's `inet_input_count`: after the `cnt`-th read, of `len`
/// bytes, `oct` bytes in all, the running deviation from the running
/// average moves by `((len - avg) - dvi) / cnt`.
fn next_dvi(dvi: f64, len: u64, oct: u64, cnt: u64) -> f64 {
    let n = cnt.max(1) as f64;
    let avg = oct as f64 / n;
    dvi + ((len as f64 - avg) - dvi) / n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads of 10, 100, 3 and 50 bytes: OTP 25's inet backend reports
    /// `recv_avg` 40 and `recv_dvi` 4; its socket backend `recv_dvi` 0.
    #[test]
    fn recv_dvi_is_inet_drv_s_running_deviation() {
        let inet = Counters::default();
        let socket = Counters::for_backend(InetBackend::Socket);
        for len in [10, 100, 3, 50] {
            inet.received(len);
            socket.received(len);
        }
        assert_eq!(inet.get(Stat::RecvAvg, 0), 40);
        assert_eq!(inet.get(Stat::RecvDvi, 0), 4);
        assert_eq!(socket.get(Stat::RecvDvi, 0), 0);
        assert_eq!(Counters::default().get(Stat::RecvDvi, 0), 0);
    }
}
