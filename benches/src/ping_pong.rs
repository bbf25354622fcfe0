//! a. Ping-pong: one byte there and back, 50,000 times, passive `recv`;
//! the client and the server are separate processes (threads).
//!
//! This is latency: each round trip crosses two threads and the loopback
//! device twice, so it shows what a backend adds to one `send` + `recv`.

use crate::mio_conn::MioConn;
use crate::target::with_backend;
use crate::{join, otp, with_ops, Context, Figures, Scale, Section, Target};
use gen_tcp::{Active, Error, InetBackend, Opt};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Round trips at full size.
pub const ROUND_TRIPS: usize = 50_000;

/// Runs the ping-pong; figures: `rate` (round trips/s).
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    let trips = scale.ops(ROUND_TRIPS);
    let elapsed = match target {
        Target::Std => std_net(trips)?,
        Target::Mio => mio_loop(trips)?,
        Target::GenTcp(b) => gen_tcp(b, trips)?,
        Target::Otp(b) => {
            return otp::rate(Section::PingPong, b, &[trips], "rt_per_s")
                .map(|f| with_ops(f, trips))
        }
    };
    Ok(vec![
        ("rate".into(), trips as f64 / elapsed.as_secs_f64()),
        ("ops".into(), trips as f64),
    ])
}

fn std_net(trips: usize) -> Result<Duration, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut s, _) = listener.accept()?;
        s.set_nodelay(true)?;
        let mut b = [0u8; 1];
        loop {
            match s.read(&mut b)? {
                0 => return Ok(()),
                n => s.write_all(&b[..n])?,
            }
        }
    });
    let client = std::thread::spawn(move || -> std::io::Result<Duration> {
        let mut c = TcpStream::connect(addr)?;
        c.set_nodelay(true)?;
        let mut b = [0u8; 1];
        let start = Instant::now();
        for _ in 0..trips {
            c.write_all(&[1])?;
            c.read_exact(&mut b)?;
        }
        Ok(start.elapsed())
    });
    let elapsed = join(client, "client")?.ctx("client")?;
    join(server, "server")?.ctx("server")?;
    Ok(elapsed)
}

/// std's loop on mio: each side a non-blocking socket and its own poller.
fn mio_loop(trips: usize) -> Result<Duration, String> {
    let mut listener = mio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0).into()).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let mut s = MioConn::accept(&mut listener)?;
        s.stream().set_nodelay(true)?;
        let mut b = [0u8; 1];
        loop {
            match s.read(&mut b)? {
                0 => return Ok(()),
                n => s.write_all(&b[..n])?,
            }
        }
    });
    let client = std::thread::spawn(move || -> std::io::Result<Duration> {
        let mut c = MioConn::connect(addr)?;
        c.stream().set_nodelay(true)?;
        let mut b = [0u8; 1];
        let start = Instant::now();
        for _ in 0..trips {
            c.write_all(&[1])?;
            c.read_exact(&mut b)?;
        }
        Ok(start.elapsed())
    });
    let elapsed = join(client, "client")?.ctx("client")?;
    join(server, "server")?.ctx("server")?;
    Ok(elapsed)
}

fn gen_tcp(backend: InetBackend, trips: usize) -> Result<Duration, String> {
    let opts = with_backend(
        backend,
        &[Opt::Binary, Opt::Active(Active::False), Opt::Nodelay(true)],
    );
    let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
    let port = gen_tcp::port(&listen).ctx("port")?;
    let (_, server) = gen_tcp::spawn_with_handle(move || -> gen_tcp::Result<()> {
        let s = gen_tcp::accept(&listen, None)?;
        loop {
            match gen_tcp::recv(&s, 0, None) {
                Ok(ping) => gen_tcp::send(&s, ping.into_bytes())?,
                Err(Error::Closed) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    });
    let (_, client) = gen_tcp::spawn_with_handle(move || -> gen_tcp::Result<Duration> {
        let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, None)?;
        let start = Instant::now();
        for _ in 0..trips {
            gen_tcp::send(&c, [1u8])?;
            gen_tcp::recv(&c, 0, None)?;
        }
        let elapsed = start.elapsed();
        gen_tcp::close(&c)?;
        Ok(elapsed)
    });
    let elapsed = join(client, "client")?.ctx("client")?;
    join(server, "server")?.ctx("server")?;
    Ok(elapsed)
}
