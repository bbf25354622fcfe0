//! The conformance suite: scenarios declared once and run against every
//! backend as a matrix.
//!
//! A [`Scenario`] is a function of a [`Ctx`], which knows the backend under
//! test. Where OTP's two backends answer differently, the scenario states
//! both answers with [`Ctx::per_backend`], so a documented difference is an
//! assertion on both sides. Expected values come from running OTP
//! (see `docs/otp-answers.md`), not from guesses.
//!
//! `cargo test -p conformance` runs the matrix (`tests/matrix.rs`) and
//! prints scenario x backend with `pass`, `FAIL` or `pending`.

pub mod ctx;
pub mod scenarios;

pub use ctx::{Check, Ctx};
use gen_tcp::InetBackend;

/// One behaviour, run on every backend.
pub struct Scenario {
    /// `area/behaviour`, e.g. `recv/zero_length_returns_all_available`.
    pub name: &'static str,
    /// The scenario body; `Err` says what differed.
    pub run: fn(&Ctx) -> Check,
    /// Backends on which the behaviour is not built yet: reported as
    /// `pending`, never as passed.
    pub pending: &'static [InetBackend],
}

/// Every backend, in the matrix's column order.
pub const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// Every scenario of the suite.
pub fn all() -> Vec<Scenario> {
    scenarios::all()
}

/// Declares scenarios: `name => function` (and `pending [backends]`).
#[macro_export]
macro_rules! scenarios {
    ($($name:literal => $f:path $(, pending $p:expr)?;)*) => {
        /// The scenarios of this module.
        pub fn list() -> Vec<$crate::Scenario> {
            vec![$($crate::Scenario {
                name: $name,
                run: $f,
                pending: { let p: &'static [gen_tcp::InetBackend] = &[]; $(let p: &'static [gen_tcp::InetBackend] = $p;)? p },
            },)*]
        }
    };
}
