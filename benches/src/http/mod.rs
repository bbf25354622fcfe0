//! f. HTTP/1.1 keep-alive: one small request and response after another
//! on each of [`CONNECTIONS`] connections, from `wrk`.
//!
//! The servers are real HTTP/1.1 servers (request line, headers, a body
//! by `Content-Length`, keep-alive and `Connection: close`, `HEAD`, 400 on
//! a line that does not parse), each in a process of its own, pinned to
//! one CPU; `wrk` runs on another:
//!
//! - `socket`, `inet`: gen_tcp's example `http_server` (`{packet,
//!   http_bin}`, a process per connection), as a user would run it.
//! - `std`: the same server on `std::net`, a thread per connection
//!   ([`std_server`]).
//! - `otp socket`, `otp inet`: the same server on OTP's gen_tcp
//!   (`bench.escript http`).
//!
//! Figures: requests/s as `wrk` counts them, `wrk`'s CPU use (near 100%:
//! `wrk`, not the server, set the pace), and the server's CPU time per
//! request (its cost, whoever set the pace). A response that is not 2xx,
//! or any socket error `wrk` saw, fails the row.

pub mod std_server;
pub mod wrk;

use crate::spawned::Spawned;
use crate::sys::{self, Placement};
use crate::{otp, trace, with_ops, Context, Figures, Scale, Section, Target};
use gen_tcp::InetBackend;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// Connections `wrk` keeps open (`-c`).
pub const CONNECTIONS: usize = 32;
/// How long `wrk` runs at full scale (`-d`), in seconds.
pub const SECONDS: f64 = 2.0;

/// `wrk`'s `-d` at this scale: whole seconds, at least 1.
pub fn seconds(scale: Scale) -> u64 {
    (SECONDS * scale.factor() * scale.ops_factor())
        .round()
        .max(1.0) as u64
}

/// Runs `wrk` against the target's server; figures: `rate` (requests/s),
/// `load_cpu` and `server_cpu` (`wrk`'s and the server's CPU time over
/// the run), `cpu_per_op` (the server's CPU seconds per request), `ops`
/// (requests).
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    if !crate::installed("wrk") {
        return Err(wrk::NOT_INSTALLED.into());
    }
    let place = Placement::split()?;
    // The server inherits the CPU of the thread that starts it.
    sys::pin_to(place.server)?;
    let mut server = match target {
        Target::Std => std_server::start()?,
        Target::GenTcp(b) => start_example(b)?,
        Target::Otp(b) => otp::start(Section::Http, b, &[])?,
        Target::Mio => return Err(target.not_measured("http")),
    };
    let port = server.expect_line("its address", port_of)?;
    sys::pin_to(place.load)?;
    let secs = seconds(scale);
    let before = sys::group_cpu_time(server.id());
    let started = Instant::now();
    let load = wrk::run(port, CONNECTIONS, secs)?;
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = sys::group_cpu_time(server.id()).saturating_sub(before);
    server.stop()?;
    let server_cpu = server_cpu.as_secs_f64();
    Ok(with_ops(
        vec![
            ("rate".into(), load.requests_per_sec),
            ("load_cpu".into(), load.cpu_share),
            ("server_cpu".into(), server_cpu / elapsed),
            (
                "cpu_per_op".into(),
                server_cpu / load.requests.max(1) as f64,
            ),
        ],
        load.requests as usize,
    ))
}

/// The port in a server's `listening on http://127.0.0.1:PORT/` line.
pub fn port_of(line: &str) -> Option<u16> {
    let rest = line.split("http://127.0.0.1:").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The example `http_server`, built beside this binary
/// (`target/release/examples/`), on backend `b` and an ephemeral port.
fn start_example(b: InetBackend) -> Result<Spawned, String> {
    let exe = example_path()?;
    let mut command = Command::new(&exe);
    command.args([b.name(), "0"]);
    let deadline = Instant::now() + Section::Http.timeout();
    Spawned::start(trace::wrap(command), "http_server", deadline)
}

fn example_path() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().ctx("current_exe")?;
    let path = exe
        .parent()
        .map(|dir| dir.join("examples").join("http_server"))
        .ok_or("no directory for the example")?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} not built (cargo build --release -p gen_tcp --example http_server)",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_from_the_listening_line() {
        assert_eq!(
            port_of("http_server: inet backend, listening on http://127.0.0.1:40123/"),
            Some(40123)
        );
        assert_eq!(port_of("listening on http://127.0.0.1:80/"), Some(80));
        assert_eq!(port_of("otp_release 25"), None);
    }

    #[test]
    fn wrk_runs_at_least_a_second() {
        assert_eq!(seconds(Scale::FULL), 2);
        assert_eq!(seconds(Scale::new(0.1, 1.0)), 1);
        assert_eq!(seconds(Scale::new(1.0, 1.5)), 3);
    }
}
