//! Benchmarks of gen_tcp's two backends beside a plain `std::net` baseline
//! and Erlang/OTP's own gen_tcp.
//!
//! The `bench` binary (`just bench`) measures every [`Section`] on every
//! [`Target`] in the same run and prints each figure as a ratio to the
//! baseline row of its section (`std`, or `mio` for e), since the
//! machines it runs on are shared and noisy: a ratio survives the noise
//! better than a raw figure. It also draws the ratios ([`chart`]).
//!
//! Each row runs in a child process of its own ([`child`]), so that a
//! backend that errors, panics or hangs costs one row, not the run, and so
//! that memory figures ([`mem`]) see one measurement only.
//!
//! - [`ping_pong`]: a. 1-byte round trips, passive `recv`.
//! - [`bulk`]: b. a 1 GiB stream in 64 KiB sends.
//! - [`framed`]: c. `{packet, 4}` messages, one `recv` each.
//! - [`setup`]: d. connect + accept + close.
//! - [`served`]: e. one server, 1,000 connections, one event-loop client.
//! - [`http`]: f. an HTTP/1.1 keep-alive server under `wrk`.
//! - [`idle`]: g. user-space memory per idle connection.
//! - [`decode`]: h. `{packet, _}` decoder throughput.
//!
//! Sections a to f also have `otp socket` and `otp inet` rows:
//! Erlang/OTP's own gen_tcp on the same workload ([`otp`]); a, c, d and e
//! a `mio` row, the same work on an event loop ([`mio_conn`]).
//! `bench --syscalls` counts syscalls per operation ([`syscalls`]).
//!
//! `BENCH_SCALE` ([`Scale`]) shrinks every size for a quick run.

pub mod bulk;
pub mod chart;
pub mod child;
pub mod decode;
pub mod framed;
pub mod http;
pub mod idle;
pub mod mem;
pub mod mio_conn;
pub mod otp;
pub mod ping_pong;
pub mod scale;
pub mod section;
pub mod served;
pub mod setup;
pub mod spawned;
pub mod sys;
pub mod syscalls;
pub mod table;
pub mod target;
pub mod trace;

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

/// `figures` with `ops`, the number of operations the row made (what
/// `bench --syscalls` divides by).
pub fn with_ops(mut figures: Figures, ops: usize) -> Figures {
    figures.push(("ops".into(), ops as f64));
    figures
}

/// True when `program` is an executable file in a `PATH` directory (an
/// optional tool: `escript`, `wrk`, `strace`).
pub fn installed(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
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
