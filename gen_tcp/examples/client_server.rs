//! The opening example of the gen_tcp reference page: a client connects,
//! sends a binary and closes; the server accepts, reads until `closed`,
//! and returns what it read.
//!
//! ```erlang
//! client() ->
//!     SomeHostInNet = "localhost", % to make it runnable on one machine
//!     {ok, Sock} = gen_tcp:connect(SomeHostInNet, 5678, [binary, {packet, 0}]),
//!     ok = gen_tcp:send(Sock, "Some Data"),
//!     ok = gen_tcp:close(Sock).
//!
//! server() ->
//!     {ok, LSock} = gen_tcp:listen(5678, [binary, {packet, 0}, {active, false}]),
//!     {ok, Sock} = gen_tcp:accept(LSock),
//!     {ok, Bin} = do_recv(Sock, []),
//!     ok = gen_tcp:close(Sock),
//!     ok = gen_tcp:close(LSock),
//!     Bin.
//!
//! do_recv(Sock, Bs) ->
//!     case gen_tcp:recv(Sock, 0) of
//!         {ok, B} -> do_recv(Sock, [Bs, B]);
//!         {error, closed} -> {ok, list_to_binary(Bs)}
//!     end.
//! ```
//!
//! Here the server listens on an ephemeral port (0) and tells the client
//! which one it got; client and server are separate processes.
//!
//! ```text
//! cargo run -p gen_tcp --example client_server [inet|socket]
//! ```

use gen_tcp::{Active, Error, InetBackend, Message, Opt, PacketType, Pid, Socket};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(name) = std::env::args().nth(1) {
        // As the kernel's `inet_backend` parameter: the default for all.
        let backend = InetBackend::from_name(&name).ok_or("usage: client_server [inet|socket]")?;
        gen_tcp::set_default_backend(backend);
    }
    println!("backend: {}", gen_tcp::default_backend().name());

    let me = gen_tcp::self_pid();
    let (_, server) = gen_tcp::spawn_with_handle(move || server(me));
    let port = match gen_tcp::receive(Some(Duration::from_secs(5))) {
        Some(Message::User(m)) => {
            let port = m
                .downcast::<gen_tcp::Result<u16>>()
                .map_err(|_| "not a port")?;
            (*port)?
        }
        _ => return Err("no word from the server".into()),
    };
    let (_, client) = gen_tcp::spawn_with_handle(move || client(port));
    client.join().map_err(|_| "client panicked")??;
    let bin = server.join().map_err(|_| "server panicked")??;
    println!("server received {:?}", String::from_utf8_lossy(&bin));
    assert_eq!(bin, b"Some Data");
    Ok(())
}

/// `client()`.
fn client(port: u16) -> gen_tcp::Result<()> {
    let sock = gen_tcp::connect(
        "localhost",
        port,
        &[Opt::Binary, Opt::Packet(PacketType::Raw)],
        None,
    )?;
    gen_tcp::send(&sock, "Some Data")?;
    gen_tcp::close(&sock)
}

/// `server()`, which also tells `parent` its port.
fn server(parent: Pid) -> gen_tcp::Result<Vec<u8>> {
    let lsock = gen_tcp::listen(
        0,
        &[
            Opt::Binary,
            Opt::Packet(PacketType::Raw),
            Opt::Active(Active::False),
        ],
    );
    // Tell the parent the port, or why there is none.
    parent.send_user(lsock.as_ref().map_err(Clone::clone).and_then(gen_tcp::port));
    let lsock = lsock?;
    let sock = gen_tcp::accept(&lsock, None)?;
    let bin = do_recv(&sock, Vec::new())?;
    gen_tcp::close(&sock)?;
    gen_tcp::close(&lsock)?;
    Ok(bin)
}

/// `do_recv(Sock, Bs)`: everything until the client closes.
fn do_recv(sock: &Socket, mut bs: Vec<u8>) -> gen_tcp::Result<Vec<u8>> {
    loop {
        match gen_tcp::recv(sock, 0, None) {
            Ok(b) => bs.extend_from_slice(&b.into_bytes()),
            Err(Error::Closed) => return Ok(bs),
            Err(e) => return Err(e),
        }
    }
}
