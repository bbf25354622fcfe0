//! A server that waits on everything at once with `crossbeam_channel::select!`:
//! its sockets' messages (its mailbox, read as a channel), a timer, and a
//! control channel of its own.
//!
//! In Erlang a server process does this with one `receive`: socket
//! messages, `{timeout, Ref, tick}` from `erlang:start_timer`, and calls
//! from other processes all arrive in its mailbox. Here the mailbox is a
//! `crossbeam_channel::Receiver` ([`gen_tcp::mailbox_channel`]), so it
//! sits in a `select!` beside any other channel of the program:
//!
//! ```erlang
//! loop(Idle, Report) ->
//!     receive
//!         {accepted, S}      -> loop(Idle#{S => 0}, accepted(Report));
//!         {tcp, S, Line}     -> gen_tcp:send(S, string:uppercase(Line)),
//!                               inet:setopts(S, [{active, once}]),
//!                               loop(Idle#{S => 0}, line(Report));
//!         {tcp_closed, S}    -> loop(maps:remove(S, Idle), closed(Report));
//!         {timeout, _, tick} -> {Still, Reaped} = close_idle(Idle),
//!                               loop(Still, reaped(Reaped, Report));
//!         {report, From}     -> From ! Report, loop(Idle, Report);
//!         stop               -> ok
//!     end.
//! ```
//!
//! An acceptor process accepts connections on the server's listen socket
//! and hands each to the server with `controlling_process`: lines that
//! arrive before the handover move with the socket, in order. The server
//! answers each line upper-cased, with `{active, once}` as flow control,
//! and on each tick closes the connections that have been silent for
//! [`IDLE_TICKS`] ticks. `main` runs a few clients, which send their
//! lines (connecting again if the server closed them meanwhile) and then
//! wait for the server to close them; it then asks the server for a
//! report on the control channel, checks it, and stops it. Every wait is
//! bounded.
//!
//! ```text
//! cargo run -p gen_tcp --example select_server [inet|socket]
//! ```

use gen_tcp::crossbeam_channel::{after, bounded, select, tick, unbounded, Receiver, Sender};
use gen_tcp::{Active, InetBackend, Message, Opt, PacketType, Pid, Socket};
use std::collections::HashMap;
use std::time::Duration;

const CLIENTS: usize = 4;
const LINES: usize = 5;
/// A connection silent for this many ticks is closed.
const IDLE_TICKS: u32 = 3;
const WAIT: Option<Duration> = Some(Duration::from_secs(5));

/// What the rest of the program tells the server.
enum Control {
    /// Send back what the server has done so far.
    Report(Sender<Report>),
    /// Close everything and end.
    Stop,
}

/// What the server has done.
#[derive(Debug, Default, Clone, Copy)]
struct Report {
    /// Connections handed over by the acceptor.
    accepted: usize,
    lines: usize,
    /// Connections closed for being idle.
    reaped: usize,
    /// Connections the peer closed first.
    closed_by_peer: usize,
    ticks: usize,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    if let Some(name) = std::env::args().nth(1) {
        let backend = InetBackend::from_name(&name).ok_or("usage: select_server [inet|socket]")?;
        gen_tcp::set_default_backend(backend);
    }
    println!("backend: {}", gen_tcp::default_backend().name());

    let (control, commands) = unbounded();
    let (ready, port) = bounded(1);
    let (_, server) = gen_tcp::spawn_with_handle(move || serve(commands, ready));
    let port = port.recv_timeout(WAIT.unwrap())?;
    println!("serving on port {port}");

    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| gen_tcp::spawn_with_handle(move || client(port, i)).1)
        .collect();
    let mut connections = 0;
    for c in clients {
        connections += c.join().map_err(|_| "a client panicked")??;
    }

    let (reply, report) = bounded(1);
    control.send(Control::Report(reply))?;
    let report = report.recv_timeout(WAIT.unwrap())?;
    println!("report: {report:?}");
    // Every line answered; every connection the clients made, closed by
    // the server for being idle.
    if (report.lines, report.reaped) != (CLIENTS * LINES, connections) {
        let expected = CLIENTS * LINES;
        return Err(format!("expected {expected} lines and {connections} closed when idle").into());
    }
    control.send(Control::Stop)?;
    let last = server.join().map_err(|_| "the server panicked")??;
    println!("stopped after {} ticks", last.ticks);
    Ok(())
}

/// The server process: one `select!` over its mailbox, a timer and the
/// control channel.
fn serve(commands: Receiver<Control>, ready: Sender<u16>) -> Result<Report, BoxError> {
    // From here on, every message for this process comes through `mailbox`.
    let mailbox = gen_tcp::mailbox_channel();
    let opts = [
        Opt::Binary,
        Opt::Packet(PacketType::Line),
        Opt::Active(Active::Once),
    ];
    let listener = gen_tcp::listen(0, &opts)?;
    let me = gen_tcp::self_pid();
    gen_tcp::spawn({
        let listener = listener.clone();
        move || accept_loop(&listener, me)
    });
    ready.send(gen_tcp::port(&listener)?)?;

    let ticks = tick(Duration::from_millis(20));
    let give_up = after(Duration::from_secs(60));
    let mut report = Report::default();
    // Ticks since each open connection last sent a line.
    let mut idle: HashMap<Socket, u32> = HashMap::new();
    loop {
        select! {
            recv(mailbox) -> msg => match msg? {
                Message::User(v) => {
                    if let Ok(s) = v.downcast::<Socket>() {
                        report.accepted += 1;
                        if !s.is_closed() {
                            idle.entry(*s).or_insert(0);
                        }
                    }
                }
                Message::Tcp(s, line) => {
                    // A line may arrive just before its connection is
                    // closed for being idle: then it has no answer.
                    if gen_tcp::send(&s, line.to_vec().to_ascii_uppercase()).is_ok() {
                        report.lines += 1;
                    }
                    if gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]).is_ok() {
                        idle.insert(s, 0);
                    }
                }
                Message::TcpClosed(s) => {
                    report.closed_by_peer += 1;
                    idle.remove(&s);
                }
                Message::TcpError(s, reason) => println!("{s:?}: {reason}"),
                other => println!("unexpected {other:?}"),
            },
            recv(ticks) -> _ => {
                report.ticks += 1;
                idle.retain(|s, silent| {
                    *silent += 1;
                    if *silent < IDLE_TICKS {
                        return true;
                    }
                    let _ = gen_tcp::close(s);
                    report.reaped += 1;
                    false
                });
            }
            recv(commands) -> command => match command {
                Ok(Control::Report(reply)) => reply.send(report)?,
                Ok(Control::Stop) | Err(_) => break,
            },
            recv(give_up) -> _ => return Err("the server ran for a minute: giving up".into()),
        }
    }
    // Ends the acceptor's `accept` with `closed`; the connections close
    // as this process ends.
    gen_tcp::close(&listener)?;
    Ok(report)
}

/// Accepts connections and hands each to the server.
fn accept_loop(listener: &Socket, server: Pid) {
    while let Ok(s) = gen_tcp::accept(listener, None) {
        // Lines already received move to the server with the socket.
        if gen_tcp::controlling_process(&s, server).is_err() {
            return;
        }
        server.send_user(s);
    }
}

/// Sends a few lines, checks each answer, then waits for the server to
/// close the connection once it is idle. A connection closed for being
/// idle before all lines are through (a slow machine) is opened again.
/// Returns the number of connections it made.
fn client(port: u16, i: usize) -> Result<usize, BoxError> {
    let opts = [
        Opt::Binary,
        Opt::Packet(PacketType::Line),
        Opt::Active(Active::False),
    ];
    let connect = || gen_tcp::connect("127.0.0.1", port, &opts, WAIT);
    let (mut s, mut connections) = (connect()?, 1);
    let mut n = 0;
    while n < LINES {
        let line = format!("client {i} line {n}\n");
        match gen_tcp::send(&s, &line).and_then(|()| gen_tcp::recv(&s, 0, WAIT)) {
            Ok(answer) if answer == line.to_uppercase().as_bytes() => n += 1,
            Ok(answer) => return Err(format!("{line:?} came back as {answer:?}").into()),
            Err(gen_tcp::Error::Closed | gen_tcp::Error::Econnreset) => {
                (s, connections) = (connect()?, connections + 1);
            }
            Err(e) => return Err(e.into()),
        }
    }
    match gen_tcp::recv(&s, 0, WAIT) {
        Err(gen_tcp::Error::Closed) => Ok(connections),
        other => Err(format!("client {i}: expected the server to close, got {other:?}").into()),
    }
}
