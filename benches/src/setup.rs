//! d. Connection setup: connect, accept, close both ends, again and again,
//! in one process (one thread), so that what is timed is the work of
//! opening and closing a connection, not a hop between threads.
//!
//! On loopback the handshake completes inside `connect`, so the connection
//! is waiting in the listen queue when `accept` runs. The client closes
//! first (its end waits in TIME_WAIT; Linux reuses those on loopback).

use crate::mio_conn;
use crate::target::with_backend;
use crate::{join, otp, with_ops, Context, Figures, Scale, Section, Target};
use gen_tcp::{Active, InetBackend, Opt};
use mio::{Events, Interest, Poll, Token};
use std::io::ErrorKind;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Connections opened and closed at full size.
pub const SETUPS: usize = 10_000;

/// Opens and closes; figures: `rate` (connections/s), `ops`.
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    let n = scale.ops(SETUPS);
    let elapsed = match target {
        Target::Std => std_net(n)?,
        Target::Mio => mio_loop(n)?,
        Target::GenTcp(b) => gen_tcp(b, n)?,
        Target::Otp(b) => {
            return otp::rate(Section::Setup, b, &[n], "conn_per_s").map(|f| with_ops(f, n))
        }
    };
    Ok(with_ops(
        vec![("rate".into(), n as f64 / elapsed.as_secs_f64())],
        n,
    ))
}

fn std_net(n: usize) -> Result<Duration, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let start = Instant::now();
    for i in 0..n {
        let c = TcpStream::connect(addr).ctx(&format!("connect #{i}"))?;
        let (s, _) = listener.accept().ctx(&format!("accept #{i}"))?;
        drop(c);
        drop(s);
    }
    Ok(start.elapsed())
}

/// The same on one poller, as an event loop does it: the listener
/// registered once; each client connected without blocking and
/// registered (an event loop learns that a connect completed from its
/// poller), its outcome read with `SO_ERROR` once the server has it.
fn mio_loop(n: usize) -> Result<Duration, String> {
    const LISTENER: Token = Token(0);
    const CLIENT: Token = Token(1);
    let mut listener = mio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0).into()).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let mut poll = Poll::new().ctx("poll")?;
    let mut events = Events::with_capacity(8);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .ctx("register")?;
    let start = Instant::now();
    for i in 0..n {
        let mut c = mio::net::TcpStream::connect(addr).ctx(&format!("connect #{i}"))?;
        poll.registry()
            .register(&mut c, CLIENT, Interest::WRITABLE)
            .ctx("register")?;
        let s = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    mio_conn::poll_once(&mut poll, &mut events).ctx("poll")?
                }
                Err(e) => return Err(format!("accept #{i}: {e}")),
            }
        };
        // Accepted means the handshake is done; the client's own view
        // says whether it failed.
        if let Some(e) = c.take_error().ctx("take_error")? {
            return Err(format!("connect #{i}: {e}"));
        }
        drop(c);
        drop(s);
    }
    Ok(start.elapsed())
}

fn gen_tcp(backend: InetBackend, n: usize) -> Result<Duration, String> {
    let opts = with_backend(backend, &[Opt::Binary, Opt::Active(Active::False)]);
    let (_, run) = gen_tcp::spawn_with_handle(move || -> Result<Duration, String> {
        let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
        let port = gen_tcp::port(&listen).ctx("port")?;
        let start = Instant::now();
        for i in 0..n {
            let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, None)
                .ctx(&format!("connect #{i}"))?;
            let s = gen_tcp::accept(&listen, None).ctx(&format!("accept #{i}"))?;
            gen_tcp::close(&c).ctx("close")?;
            gen_tcp::close(&s).ctx("close")?;
        }
        Ok(start.elapsed())
    });
    join(run, "process")?
}
