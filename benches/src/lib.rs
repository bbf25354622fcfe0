//! Benchmarks of gen_tcp's two backends beside a plain `std::net` baseline
//! and Erlang/OTP's own gen_tcp.
//!
//! The `bench` binary (`just bench`) measures every [`Section`] on every
//! [`Target`] in the same run and prints each figure as a ratio to the
//! `std` row of its section, since the machines it runs on are shared and
//! noisy: a ratio survives the noise better than a raw figure.
//!
//! Each row runs in a child process of its own ([`child`]), so that a
//! backend that errors, panics or hangs costs one row, not the run, and so
//! that memory figures ([`mem`]) see one measurement only.
//!
//! - [`ping_pong`]: a. 1-byte round trips, passive `recv`.
//! - [`bulk`]: b. a 1 GiB stream in 64 KiB sends.
//! - [`served`]: c. one `{active, once}` server process, many clients.
//! - [`idle`]: d. user-space memory per idle connection.
//! - [`decode`]: e. `{packet, _}` decoder throughput.
//!
//! Sections a, b and c also have `otp socket` and `otp inet` rows:
//! Erlang/OTP's own gen_tcp on the same workload ([`otp`]).
//!
//! `BENCH_SCALE` ([`Scale`]) shrinks every size for a quick run.

pub mod bulk;
pub mod child;
pub mod decode;
pub mod idle;
pub mod mem;
pub mod otp;
pub mod ping_pong;
pub mod scale;
pub mod section;
pub mod served;
pub mod sys;
pub mod table;
pub mod target;

pub use scale::Scale;
pub use section::{Figures, Section};
pub use target::Target;

use std::fmt::Display;
use std::thread::JoinHandle;

/// Turns any error into the text shown in a row, with what failed.
pub trait Context<T> {
    /// `Err(e)` becomes `Err("what: e")`.
    fn ctx(self, what: &str) -> Result<T, String>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn ctx(self, what: &str) -> Result<T, String> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

/// Waits for a thread or gen_tcp process; a panic becomes an error.
pub fn join<T>(handle: JoinHandle<T>, what: &str) -> Result<T, String> {
    handle.join().map_err(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "?".into());
        format!("{what} panicked: {msg}")
    })
}
