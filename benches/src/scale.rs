//! `BENCH_SCALE`: one factor applied to every size, for a quick run.

/// The factor every count and byte size is multiplied by (default 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale(f64);

/// The environment variable read by [`Scale::from_env`].
pub const SCALE_ENV: &str = "BENCH_SCALE";

impl Scale {
    /// Full size.
    pub const FULL: Scale = Scale(1.0);

    /// `BENCH_SCALE`, or full size when unset; a value that is not a
    /// positive number is an error.
    pub fn from_env() -> Result<Scale, String> {
        match std::env::var(SCALE_ENV) {
            Err(_) => Ok(Scale::FULL),
            Ok(v) => match v.trim().parse::<f64>() {
                Ok(f) if f.is_finite() && f > 0.0 => Ok(Scale(f)),
                _ => Err(format!("{SCALE_ENV}={v:?} is not a positive number")),
            },
        }
    }

    /// The factor.
    pub fn factor(self) -> f64 {
        self.0
    }

    /// `full` scaled, at least 1.
    ///
    /// ```
    /// use gen_tcp_benches::Scale;
    /// assert_eq!(Scale::FULL.count(50_000), 50_000);
    /// ```
    pub fn count(self, full: usize) -> usize {
        ((full as f64 * self.0).round() as usize).max(1)
    }
}
