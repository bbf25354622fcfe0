//! `BENCH_SCALE`: one factor applied to every size, for a quick run; and
//! `BENCH_OPS`, which scales only how many operations a row makes (what
//! `bench --syscalls` varies to count syscalls per operation).

/// The factors sizes and operation counts are multiplied by (default 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    factor: f64,
    ops: f64,
}

/// The environment variable that scales every size.
pub const SCALE_ENV: &str = "BENCH_SCALE";
/// The environment variable that scales only operation counts.
pub const OPS_ENV: &str = "BENCH_OPS";

impl Scale {
    /// Full size.
    pub const FULL: Scale = Scale {
        factor: 1.0,
        ops: 1.0,
    };

    /// A scale of `factor` for sizes and `factor * ops` for operations.
    pub fn new(factor: f64, ops: f64) -> Scale {
        Scale { factor, ops }
    }

    /// `BENCH_SCALE` and `BENCH_OPS`, each 1 when unset; a value that is
    /// not a positive number is an error.
    pub fn from_env() -> Result<Scale, String> {
        Ok(Scale {
            factor: factor_from_env(SCALE_ENV)?,
            ops: factor_from_env(OPS_ENV)?,
        })
    }

    /// The size factor (`BENCH_SCALE`).
    pub fn factor(self) -> f64 {
        self.factor
    }

    /// The operation factor (`BENCH_OPS`).
    pub fn ops_factor(self) -> f64 {
        self.ops
    }

    /// A size (connections, pairs) scaled, at least 1.
    ///
    /// ```
    /// use gen_tcp_benches::Scale;
    /// assert_eq!(Scale::FULL.count(50_000), 50_000);
    /// assert_eq!(Scale::new(0.1, 3.0).count(1_000), 100);
    /// ```
    pub fn count(self, full: usize) -> usize {
        at_least_one(full as f64 * self.factor)
    }

    /// An operation count (round trips, messages, chunks) scaled by both
    /// factors, at least 1.
    ///
    /// ```
    /// use gen_tcp_benches::Scale;
    /// assert_eq!(Scale::new(0.1, 3.0).ops(1_000), 300);
    /// ```
    pub fn ops(self, full: usize) -> usize {
        at_least_one(full as f64 * self.factor * self.ops)
    }

    /// An operation count that `BENCH_SCALE` leaves alone (the rounds of
    /// each of many connections), scaled by `BENCH_OPS` only, at least 1.
    pub fn repeat(self, full: usize) -> usize {
        at_least_one(full as f64 * self.ops)
    }
}

fn at_least_one(v: f64) -> usize {
    (v.round() as usize).max(1)
}

fn factor_from_env(name: &str) -> Result<f64, String> {
    match std::env::var(name) {
        Err(_) => Ok(1.0),
        Ok(v) => match v.trim().parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
            _ => Err(format!("{name}={v:?} is not a positive number")),
        },
    }
}
