//! The reference page's `{active, once}` example: a server made of `Num`
//! worker processes that all accept on one listen socket, and a simple
//! client.
//!
//! ```erlang
//! start(Num,LPort) ->
//!     case gen_tcp:listen(LPort,[{active, false},{packet,2}]) of
//!         {ok, ListenSock} ->
//!             start_servers(Num,ListenSock),
//!             {ok, Port} = inet:port(ListenSock),
//!             Port;
//!         {error,Reason} ->
//!             {error,Reason}
//!     end.
//!
//! start_servers(0,_) -> ok;
//! start_servers(Num,LS) ->
//!     spawn(?MODULE,server,[LS]),
//!     start_servers(Num-1,LS).
//!
//! server(LS) ->
//!     case gen_tcp:accept(LS) of
//!         {ok,S} -> loop(S), server(LS);
//!         Other -> io:format("accept returned ~w - goodbye!~n",[Other]), ok
//!     end.
//!
//! loop(S) ->
//!     inet:setopts(S,[{active,once}]),
//!     receive
//!         {tcp,S,Data} ->
//!             Answer = process(Data), % Not implemented in this example
//!             gen_tcp:send(S,Answer),
//!             loop(S);
//!         {tcp_closed,S} ->
//!             io:format("Socket ~w closed [~w]~n",[S,self()]),
//!             ok
//!     end.
//!
//! client(PortNo,Message) ->
//!     {ok,Sock} = gen_tcp:connect("localhost",PortNo,[{active,false}, {packet,2}]),
//!     gen_tcp:send(Sock,Message),
//!     A = gen_tcp:recv(Sock,0),
//!     gen_tcp:close(Sock),
//!     A.
//! ```
//!
//! `process(Data)` here reverses the bytes. `main` starts 3 workers on an
//! ephemeral port, runs 8 clients at once, checks every answer, then
//! closes the listen socket, which makes each worker's `accept` return
//! `{error, closed}` and the worker say goodbye.
//!
//! ```text
//! cargo run -p gen_tcp --example acceptor_pool [inet|socket]
//! ```

use gen_tcp::{Active, Data, InetBackend, Message, Opt, PacketType, Socket};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const WORKERS: usize = 3;
const CLIENTS: usize = 8;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(name) = std::env::args().nth(1) {
        // As the kernel's `inet_backend` parameter: the default for all.
        let backend = InetBackend::from_name(&name).ok_or("usage: acceptor_pool [inet|socket]")?;
        gen_tcp::set_default_backend(backend);
    }
    println!("backend: {}", gen_tcp::default_backend().name());

    let pool = start(WORKERS, 0)?;
    println!("{WORKERS} workers accepting on port {}", pool.port);
    let port = pool.port;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let message = format!("hello from client {i}").into_bytes();
            let (_, h) = gen_tcp::spawn_with_handle({
                let message = message.clone();
                move || client(port, &message)
            });
            (message, h)
        })
        .collect();
    for (message, h) in clients {
        let answer = h.join().map_err(|_| "client panicked")??;
        println!(
            "{:?} -> {:?}",
            String::from_utf8_lossy(&message),
            String::from_utf8_lossy(&answer.to_vec())
        );
        assert_eq!(answer, process(&message)[..]);
    }
    pool.stop(Duration::from_secs(5))
}

/// What `start/2` sets up; `stop` is not in the page's example, which
/// leaves the server running.
struct Pool {
    port: u16,
    listen: Socket,
    workers: Vec<JoinHandle<()>>,
}

/// `start(Num, LPort)`: listens and starts `num` workers on the socket.
fn start(num: usize, lport: u16) -> gen_tcp::Result<Pool> {
    let listen = gen_tcp::listen(
        lport,
        &[Opt::Active(Active::False), Opt::Packet(PacketType::Two)],
    )?;
    let workers = start_servers(num, &listen);
    let port = gen_tcp::port(&listen)?;
    Ok(Pool {
        port,
        listen,
        workers,
    })
}

/// `start_servers(Num, LS)`.
fn start_servers(num: usize, ls: &Socket) -> Vec<JoinHandle<()>> {
    (0..num)
        .map(|_| {
            let ls = ls.clone();
            gen_tcp::spawn_with_handle(move || server(&ls)).1
        })
        .collect()
}

/// `server(LS)`: accepts and serves one connection at a time, until
/// `accept` fails.
fn server(ls: &Socket) {
    loop {
        match gen_tcp::accept(ls, None) {
            Ok(s) => serve(&s),
            Err(other) => {
                println!("accept returned {other} - goodbye!");
                return;
            }
        }
    }
}

/// `loop(S)`.
fn serve(s: &Socket) {
    loop {
        // As in the page, the result is not looked at: if the socket is
        // gone, `tcp_closed` is what comes next.
        let _ = gen_tcp::setopts(s, &[Opt::Active(Active::Once)]);
        match gen_tcp::receive_from(s, None) {
            Some(Message::Tcp(_, data)) => {
                let answer = process(&data.to_vec());
                let _ = gen_tcp::send(s, answer);
            }
            Some(Message::TcpClosed(_)) => {
                println!("Socket {s:?} closed [{}]", gen_tcp::self_pid());
                return;
            }
            // Not in the page's example, which would leave it unread.
            Some(Message::TcpError(_, reason)) => {
                println!("Socket {s:?} error {reason} [{}]", gen_tcp::self_pid());
                return;
            }
            _ => {}
        }
    }
}

/// `process(Data)`, "not implemented" in the page: the bytes reversed.
fn process(data: &[u8]) -> Vec<u8> {
    data.iter().rev().copied().collect()
}

/// `client(PortNo, Message)`.
fn client(port_no: u16, message: &[u8]) -> gen_tcp::Result<Data> {
    let sock = gen_tcp::connect(
        "localhost",
        port_no,
        &[Opt::Active(Active::False), Opt::Packet(PacketType::Two)],
        None,
    )?;
    gen_tcp::send(&sock, message)?;
    let a = gen_tcp::recv(&sock, 0, None);
    gen_tcp::close(&sock)?;
    a
}

impl Pool {
    /// Closes the listen socket and waits for every worker to say goodbye.
    fn stop(self, patience: Duration) -> Result<(), Box<dyn std::error::Error>> {
        gen_tcp::close(&self.listen)?;
        let deadline = Instant::now() + patience;
        while !self.workers.iter().all(JoinHandle::is_finished) {
            if Instant::now() > deadline {
                return Err("workers still running after the listen socket closed".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        for w in self.workers {
            w.join().map_err(|_| "worker panicked")?;
        }
        Ok(())
    }
}
