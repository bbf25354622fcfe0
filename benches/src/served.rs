//! c. One server process, 1,000 connections in `{active, once}` mode.
//!
//! The gen_tcp server is an event loop, as an Erlang server written
//! around `{active, once}` is: it takes `{tcp, S, Data}` from any socket
//! out of its one mailbox, replies, and re-arms the socket with
//! `setopts(S, [{active, once}])`. The baseline is the classic blocking
//! server: a `std::net` thread per connection. OTP's rows serve the same
//! clients from one Erlang process written the same way ([`otp`]).
//!
//! The clients are the same for every row: [`CLIENT_THREADS`] threads of
//! blocking `std::net` sockets, each driving its share of the connections
//! round-robin (one 64-byte request on each, then one reply from each),
//! [`ROUNDS`] times. Besides round trips/s, the figures give the growth
//! of the process's peak RSS over the run: the server's memory, plus the
//! clients' (small, and the same in every row).

use crate::target::with_backend;
use crate::{join, mem, otp, Context, Figures, Scale, Section, Target};
use gen_tcp::{Active, Error, InetBackend, Message, Opt};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{mpsc, Arc, Barrier};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Connections at full size.
pub const CONNECTIONS: usize = 1_000;
/// Round trips per connection.
pub const ROUNDS: usize = 100;
/// Bytes per request (and reply).
pub const MESSAGE: usize = 64;
/// Client threads sharing the connections.
pub const CLIENT_THREADS: usize = 10;
/// How long the server waits for anything before giving up.
const PATIENCE: Duration = Duration::from_secs(30);

/// Serves; figures: `rate` (round trips/s), `peak_rss` (bytes of peak RSS
/// growth over the run).
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    let conns = scale.count(CONNECTIONS);
    mem::reset_peak();
    let before = mem::now()?;
    let (port, server) = match target {
        Target::Std => std_server(conns)?,
        Target::GenTcp(b) => gen_tcp_server(b, conns)?,
        Target::Otp(b) => return otp_server(b, conns),
    };
    let elapsed = drive_clients(port, conns)?;
    join(server, "server")?.ctx("server")?;
    let after = mem::now()?;
    Ok(vec![
        ("rate".into(), rate(conns, elapsed)),
        (
            "peak_rss".into(),
            after.peak.saturating_sub(before.rss) as f64,
        ),
    ])
}

fn rate(conns: usize, elapsed: Duration) -> f64 {
    (conns * ROUNDS) as f64 / elapsed.as_secs_f64()
}

/// OTP's gen_tcp: one Erlang process in `{active, once}` serving the same
/// clients. Its memory is the BEAM's peak RSS growth, measured by the
/// script as [`mem`] measures ours (without the client threads).
fn otp_server(backend: InetBackend, conns: usize) -> Result<Figures, String> {
    let mut script = otp::Escript::start(Section::Served, backend, &[conns, ROUNDS, MESSAGE])?;
    let release = script.expect("otp_release")?;
    let port = script.expect("port")? as u16;
    let elapsed = drive_clients(port, conns)?;
    let peak = script.expect("peak_rss")?;
    script.finish()?;
    Ok(vec![
        ("rate".into(), rate(conns, elapsed)),
        ("peak_rss".into(), peak),
        ("otp_release".into(), release),
    ])
}

type Server = JoinHandle<Result<(), String>>;

/// A thread per connection, each echoing until its client closes.
fn std_server(conns: usize) -> Result<(u16, Server), String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let port = listener.local_addr().ctx("local_addr")?.port();
    let server = std::thread::spawn(move || {
        let mut workers = Vec::with_capacity(conns);
        for _ in 0..conns {
            let (mut s, _) = listener.accept().ctx("accept")?;
            s.set_nodelay(true).ctx("nodelay")?;
            let worker = std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || -> std::io::Result<()> {
                    let mut buf = [0u8; MESSAGE];
                    loop {
                        match s.read(&mut buf)? {
                            0 => return Ok(()),
                            n => s.write_all(&buf[..n])?,
                        }
                    }
                })
                .ctx("spawn")?;
            workers.push(worker);
        }
        for w in workers {
            join(w, "connection thread")?.ctx("connection")?;
        }
        Ok(())
    });
    Ok((port, server))
}

/// One gen_tcp process serving every connection from its mailbox.
fn gen_tcp_server(backend: InetBackend, conns: usize) -> Result<(u16, Server), String> {
    let opts = with_backend(
        backend,
        &[
            Opt::Binary,
            Opt::Active(Active::Once),
            Opt::Nodelay(true),
            Opt::Backlog(conns.min(4096) as u32),
        ],
    );
    let (port_tx, port_rx) = mpsc::channel();
    let (_, server) = gen_tcp::spawn_with_handle(move || {
        let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
        let _ = port_tx.send(gen_tcp::port(&listen).ctx("port")?);
        // The sockets live as long as this vector (and this process).
        let mut open = Vec::with_capacity(conns);
        for _ in 0..conns {
            open.push(gen_tcp::accept(&listen, Some(PATIENCE)).ctx("accept")?);
        }
        let mut closed = 0;
        while closed < conns {
            match gen_tcp::receive(Some(PATIENCE)) {
                Some(Message::Tcp(s, data)) => {
                    gen_tcp::send(&s, data.into_bytes()).ctx("send")?;
                    gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]).ctx("setopts")?;
                }
                Some(Message::TcpClosed(_)) => closed += 1,
                Some(Message::TcpError(_, e)) => return Err(format!("tcp_error: {e}")),
                Some(_) => {}
                None => return Err(format!("receive: {}", Error::Timeout)),
            }
        }
        Ok(())
    });
    match port_rx.recv() {
        Ok(port) => Ok((port, server)),
        // The server ended before listening: its result says why.
        Err(_) => Err(join(server, "server")?.err().unwrap_or_default()),
    }
}

/// Connects every client, then times the rounds of all of them.
fn drive_clients(port: u16, conns: usize) -> Result<Duration, String> {
    let threads = CLIENT_THREADS.min(conns);
    let start_line = Arc::new(Barrier::new(threads + 1));
    let clients: Vec<_> = (0..threads)
        .map(|i| {
            let mine = conns / threads + usize::from(i < conns % threads);
            let start_line = start_line.clone();
            std::thread::spawn(move || {
                let streams = connect_all(port, mine);
                start_line.wait();
                rounds(streams?)
            })
        })
        .collect();
    start_line.wait();
    let start = Instant::now();
    for c in clients {
        join(c, "client")?.ctx("client")?;
    }
    Ok(start.elapsed())
}

fn connect_all(port: u16, n: usize) -> std::io::Result<Vec<TcpStream>> {
    (0..n)
        .map(|_| {
            let s = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
            s.set_nodelay(true)?;
            Ok(s)
        })
        .collect()
}

fn rounds(mut streams: Vec<TcpStream>) -> std::io::Result<()> {
    let request = [b'q'; MESSAGE];
    let mut reply = [0u8; MESSAGE];
    for _ in 0..ROUNDS {
        for s in &mut streams {
            s.write_all(&request)?;
        }
        for s in &mut streams {
            s.read_exact(&mut reply)?;
        }
    }
    Ok(())
}
