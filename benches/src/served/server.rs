//! The servers of section e, each in a process of its own
//! (`bench --serve served TARGET`), which prints `port P` once it listens
//! and, once every client has closed, `peak_rss` (growth of its peak RSS
//! since just before it listened) and `peak_rss_total` (its peak RSS).
//!
//! - `mio`: one event loop, edge-triggered: read until `WouldBlock`, echo.
//! - `std`: a thread per connection (64 KiB stacks), blocking echo.
//! - `socket`, `inet`: one gen_tcp process in `{active, once}`.

use super::MESSAGE;
use crate::mio_conn::PATIENCE;
use crate::spawned::Spawned;
use crate::target::with_backend;
use crate::{join, mem, trace, Context, Scale, Section, Target};
use gen_tcp::{Active, Error, InetBackend, Message, Opt};
use mio::net::{TcpListener as MioListener, TcpStream as MioStream};
use mio::{Events, Interest, Poll, Token};
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::Command;
use std::time::Instant;

/// Starts `bench --serve served TARGET` (under `strace` when the row
/// counts the server's syscalls).
pub fn start(target: Target) -> Result<Spawned, String> {
    let exe = std::env::current_exe().ctx("current_exe")?;
    let mut command = Command::new(exe);
    command.args(["--serve", Section::Served.name(), target.name()]);
    let deadline = Instant::now() + Section::Served.timeout();
    Spawned::start(trace::wrap(command), "server", deadline)
}

/// In the server's process: serves `BENCH_SCALE`'s share of
/// [`super::CONNECTIONS`] until they have all closed, reporting on stdout.
pub fn serve(target: Target, scale: Scale) -> Result<(), String> {
    let conns = scale.count(super::CONNECTIONS);
    mem::reset_peak();
    let before = mem::now()?;
    let on_port = |port: u16| report("port", f64::from(port));
    match target {
        Target::Mio => mio_server(conns, on_port)?,
        Target::Std => std_server(conns, on_port)?,
        Target::GenTcp(b) => gen_tcp_server(b, conns, on_port)?,
        Target::Otp(_) => return Err("OTP's server is bench.escript".into()),
    }
    let after = mem::now()?;
    report("peak_rss", after.peak.saturating_sub(before.rss) as f64);
    report("peak_rss_total", after.peak as f64);
    Ok(())
}

fn report(key: &str, value: f64) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{key} {value}");
    let _ = out.flush();
}

const LISTENER: Token = Token(usize::MAX);

/// One connection of the mio server: its socket and the echo it could not
/// write yet.
struct Conn {
    stream: MioStream,
    unsent: Vec<u8>,
    /// Registered for `WRITABLE` too, while `unsent` waits for room.
    wants_room: bool,
}

fn mio_server(conns: usize, on_port: impl FnOnce(u16)) -> Result<(), String> {
    let mut listener = MioListener::bind((Ipv4Addr::LOCALHOST, 0).into()).ctx("bind")?;
    on_port(listener.local_addr().ctx("local_addr")?.port());
    let mut poll = Poll::new().ctx("poll")?;
    let mut events = Events::with_capacity(1024);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .ctx("register")?;
    let mut all: Vec<Option<Conn>> = Vec::with_capacity(conns);
    let (mut accepted, mut closed) = (0, 0);
    let mut buf = [0u8; 4096];
    while closed < conns {
        poll.poll(&mut events, Some(PATIENCE)).ctx("poll")?;
        if events.is_empty() {
            return Err(format!("nothing in {PATIENCE:?}"));
        }
        for event in events.iter() {
            if event.token() == LISTENER {
                while accepted < conns {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            stream.set_nodelay(true).ctx("nodelay")?;
                            poll.registry()
                                .register(&mut stream, Token(all.len()), Interest::READABLE)
                                .ctx("register")?;
                            all.push(Some(Conn {
                                stream,
                                unsent: Vec::new(),
                                wants_room: false,
                            }));
                            accepted += 1;
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(format!("accept: {e}")),
                    }
                }
                continue;
            }
            let Token(i) = event.token();
            let Some(c) = all.get_mut(i).and_then(Option::as_mut) else {
                continue;
            };
            if event.is_writable() && !c.unsent.is_empty() {
                flush(&poll, Token(i), c)?;
            }
            let mut gone = false;
            loop {
                match c.stream.read(&mut buf) {
                    Ok(0) => {
                        gone = true;
                        break;
                    }
                    Ok(n) => {
                        c.unsent.extend_from_slice(&buf[..n]);
                        flush(&poll, Token(i), c)?;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(format!("read: {e}")),
                }
            }
            if gone {
                all[i] = None;
                closed += 1;
            }
        }
    }
    Ok(())
}

/// Writes what it can of `c.unsent`; asks for `WRITABLE` while some is
/// left, and stops asking once it is all written.
fn flush(poll: &Poll, token: Token, c: &mut Conn) -> Result<(), String> {
    let mut sent = 0;
    while sent < c.unsent.len() {
        match c.stream.write(&c.unsent[sent..]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("write: {e}")),
        }
    }
    c.unsent.drain(..sent);
    let wants_room = !c.unsent.is_empty();
    if wants_room != c.wants_room {
        c.wants_room = wants_room;
        let interest = if wants_room {
            Interest::READABLE | Interest::WRITABLE
        } else {
            Interest::READABLE
        };
        poll.registry()
            .reregister(&mut c.stream, token, interest)
            .ctx("reregister")?;
    }
    Ok(())
}

/// A thread per connection, each echoing until its client closes.
fn std_server(conns: usize, on_port: impl FnOnce(u16)) -> Result<(), String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    on_port(listener.local_addr().ctx("local_addr")?.port());
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
}

/// One gen_tcp process serving every connection from its mailbox.
fn gen_tcp_server(
    backend: InetBackend,
    conns: usize,
    on_port: impl FnOnce(u16) + Send + 'static,
) -> Result<(), String> {
    let opts = with_backend(
        backend,
        &[
            Opt::Binary,
            Opt::Active(Active::Once),
            Opt::Nodelay(true),
            Opt::Backlog(conns.min(4096) as u32),
        ],
    );
    let (_, server) = gen_tcp::spawn_with_handle(move || {
        let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
        on_port(gen_tcp::port(&listen).ctx("port")?);
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
    join(server, "server")?
}
