//! d. Idle connections: user-space memory per connection.
//!
//! One thread opens connected pairs (connect, then accept) on loopback
//! and keeps them, idle, in `{active, once}` mode: on the `inet` backend
//! all 10,000 connections (both ends of 5,000 pairs are gen_tcp sockets)
//! sit on its one driver thread, on the `socket` backend on its one
//! poller thread. The figure is (RSS after − RSS before) / connections:
//! a socket and the handles to it, but not the kernel's socket buffers,
//! which are not in RSS.
//!
//! One descriptor per connection: the soft `RLIMIT_NOFILE` is raised to
//! the hard limit first, and the count shrinks to what that allows.

use crate::target::with_backend;
use crate::{mem, sys, Context, Figures, Scale, Target};
use gen_tcp::{Active, InetBackend, Opt};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::Duration;

/// Connections at full size (both ends of PAIRS pairs).
pub const CONNECTIONS: usize = 10_000;
/// Connected pairs at full size.
pub const PAIRS: usize = CONNECTIONS / 2;
/// Descriptors left for everything else (stdio, the listener, epoll, ...).
const SPARE_FDS: u64 = 64;
/// Time for a backend to finish registering the last sockets.
const SETTLE: Duration = Duration::from_millis(200);

/// Opens the pairs; figures: `per_conn` (bytes), `pairs` (the count used).
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    let limit = sys::raise_nofile_limit()?;
    let allowed = (limit.saturating_sub(SPARE_FDS) / 2) as usize;
    let pairs = scale.count(PAIRS).min(allowed);
    if pairs == 0 {
        return Err(format!("RLIMIT_NOFILE {limit} leaves no room"));
    }
    let growth = match target {
        Target::Std => std_net(pairs)?,
        Target::GenTcp(b) => gen_tcp(b, pairs)?,
        Target::Otp(_) | Target::Mio => return Err(target.not_measured("idle")),
    };
    let connections = 2 * pairs;
    Ok(vec![
        ("per_conn".into(), growth as f64 / connections as f64),
        ("pairs".into(), connections as f64),
    ])
}

fn std_net(pairs: usize) -> Result<u64, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let before = mem::now()?.rss;
    let mut open = Vec::with_capacity(pairs);
    for i in 0..pairs {
        let c = TcpStream::connect(addr).ctx(&format!("connect #{i}"))?;
        let (s, _) = listener.accept().ctx(&format!("accept #{i}"))?;
        open.push((c, s));
    }
    std::thread::sleep(SETTLE);
    let after = mem::now()?.rss;
    drop(open);
    Ok(after.saturating_sub(before))
}

fn gen_tcp(backend: InetBackend, pairs: usize) -> Result<u64, String> {
    let opts = with_backend(backend, &[Opt::Binary, Opt::Active(Active::Once)]);
    let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
    let port = gen_tcp::port(&listen).ctx("port")?;
    let pair = || -> gen_tcp::Result<_> {
        let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, None)?;
        let s = gen_tcp::accept(&listen, Some(Duration::from_secs(10)))?;
        Ok((c, s))
    };
    // One pair first, so that a backend's start-up (its thread, its
    // poller) is not counted against the connections.
    let warm_up = pair().ctx("first pair")?;
    let before = mem::now()?.rss;
    let mut open = Vec::with_capacity(pairs);
    for i in 0..pairs {
        open.push(pair().ctx(&format!("pair #{i}"))?);
    }
    std::thread::sleep(SETTLE);
    let after = mem::now()?.rss;
    drop((open, warm_up));
    Ok(after.saturating_sub(before))
}
