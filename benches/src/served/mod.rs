//! e. Many connections: one server serving 1,000 connections, against one
//! event-loop client, so that the server is what is measured.
//!
//! The server runs in a process of its own, pinned to one CPU ([`server`]):
//! one gen_tcp process in `{active, once}` (as an Erlang server written
//! around `{active, once}` is: it takes `{tcp, S, Data}` from any socket
//! out of its one mailbox, replies, and re-arms the socket), the same in
//! OTP's BEAM, a mio event loop (the baseline: what an event loop costs),
//! or a std thread per connection. The load is one mio event loop on
//! another CPU, the same for every row ([`client`]): each connection sends
//! a 64-byte request, waits for its echo and sends the next, [`ROUNDS`]
//! times, all connections at once. Figures: round trips/s, the client's
//! CPU use (near 100%: the client, not the server, set the pace), the
//! server's CPU time per round trip (its cost, whoever set the pace), and
//! the server's peak RSS.

pub mod client;
pub mod server;

use crate::sys::{self, Placement};
use crate::{otp, with_ops, Figures, Scale, Section, Target};

/// Connections at full size.
pub const CONNECTIONS: usize = 1_000;
/// Round trips per connection (not shrunk by `BENCH_SCALE`).
pub const ROUNDS: usize = 100;
/// Bytes per request (and reply).
pub const MESSAGE: usize = 64;

/// Serves; figures: `rate` (round trips/s), `load_cpu` and `server_cpu`
/// (the client's and the server's CPU time over the elapsed time),
/// `cpu_per_op` (the server's CPU seconds per round trip), `peak_rss`
/// (growth of the server's peak RSS over the run), `peak_rss_total` (its
/// peak RSS), `ops`.
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    let conns = scale.count(CONNECTIONS);
    let rounds = scale.repeat(ROUNDS);
    let place = Placement::split()?;
    // The server inherits the CPU of the thread that starts it.
    sys::pin_to(place.server)?;
    let (mut server, release) = match target {
        Target::Otp(b) => {
            let mut s = otp::start(Section::Served, b, &[conns, rounds, MESSAGE])?;
            let release = s.expect("otp_release")?;
            (s, Some(release))
        }
        t => (server::start(t)?, None),
    };
    let port = server.expect("port")? as u16;
    sys::pin_to(place.load)?;
    let group = server.id();
    let mut marks = Vec::with_capacity(2);
    let load = client::drive(port, conns, rounds, &mut || {
        marks.push(sys::group_cpu_time(group))
    })?;
    let server_cpu = match marks[..] {
        [before, after] => after.saturating_sub(before),
        _ => return Err("the client did not mark its run".into()),
    };
    let peak = server.expect("peak_rss")?;
    let total = server.expect("peak_rss_total")?;
    server.finish()?;
    let trips = conns * rounds;
    let secs = load.elapsed.as_secs_f64();
    let mut figures = vec![
        ("rate".into(), trips as f64 / secs),
        ("load_cpu".into(), load.cpu.as_secs_f64() / secs),
        ("server_cpu".into(), server_cpu.as_secs_f64() / secs),
        ("cpu_per_op".into(), server_cpu.as_secs_f64() / trips as f64),
        ("peak_rss".into(), peak),
        ("peak_rss_total".into(), total),
    ];
    if let Some(r) = release {
        figures.push(("otp_release".into(), r));
    }
    Ok(with_ops(figures, trips))
}
