//! The reference page's `send_timeout` example: a process forwards data
//! from a client to a server that has stopped reading, and learns from
//! `{send_timeout, _}` that the server is unresponsive.
//!
//! ```erlang
//! {ok,Sock} = gen_tcp:connect(HostAddress, Port,
//!                             [{active,false}, {send_timeout, 5000}, {packet,2}]),
//! loop(Sock), % See below
//!
//! loop(Sock) ->
//!     receive
//!         {Client, send_data, Binary} ->
//!             case gen_tcp:send(Sock,[Binary]) of
//!                 {error, timeout} ->
//!                     io:format("Send timeout, closing!~n", []),
//!                     handle_send_timeout(), % Not implemented here
//!                     Client ! {self(),{error_sending, timeout}},
//!                     %% Usually, it's a good idea to give up in case of a
//!                     %% send timeout, as you never know how much actually
//!                     %% reached the server, maybe only a packet header?!
//!                     gen_tcp:close(Sock);
//!                 {error, OtherSendError} ->
//!                     io:format("Some other error on socket (~p), closing", [OtherSendError]),
//!                     Client ! {self(),{error_sending, OtherSendError}},
//!                     gen_tcp:close(Sock);
//!                 ok ->
//!                     Client ! {self(), data_sent},
//!                     loop(Sock)
//!             end
//!     end.
//! ```
//!
//! The timeout is 200 ms here, to finish quickly. The `inet` backend
//! queues what the kernel will not take, so `send` fails only once its
//! queue is over `high_watermark` for 200 ms: `{error, timeout}`. The
//! `socket` backend blocks in `send` and returns `{error, {timeout,
//! RestData}}`, with the bytes of that call the kernel never took.
//! `main` plays the client, sending 32 KiB binaries one after another
//! until the forwarder reports an error.
//!
//! ```text
//! cargo run -p gen_tcp --example send_timeout [inet|socket]
//! ```

use bytes::Bytes;
use gen_tcp::{Active, Error, InetBackend, Message, Opt, PacketType, Pid, Socket};
use std::time::Duration;

/// The size of each binary sent.
const BINARY: usize = 32 * 1024;
/// More than loopback buffers hold, so the kernel fills up well before.
const MAX_SENDS: usize = 20_000;
/// How long `main` waits for any answer.
const PATIENCE: Duration = Duration::from_secs(10);

/// `{Client, send_data, Binary}`.
struct SendData {
    client: Pid,
    binary: Bytes,
}

/// What the forwarder answers: `data_sent` or `{error_sending, Reason}`.
#[derive(Debug)]
enum Answer {
    DataSent,
    ErrorSending(Error),
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(name) = std::env::args().nth(1) {
        // As the kernel's `inet_backend` parameter: the default for all.
        let backend = InetBackend::from_name(&name).ok_or("usage: send_timeout [inet|socket]")?;
        gen_tcp::set_default_backend(backend);
    }
    println!("backend: {}", gen_tcp::default_backend().name());

    // A server that accepts and never reads.
    let lsock = gen_tcp::listen(0, &[Opt::Active(Active::False)])?;
    let port = gen_tcp::port(&lsock)?;
    let (server, server_done) = gen_tcp::spawn_with_handle(move || -> gen_tcp::Result<()> {
        let sock = gen_tcp::accept(&lsock, Some(PATIENCE))?;
        // Hold the connection, unread, until told to stop.
        gen_tcp::receive(Some(PATIENCE));
        gen_tcp::close(&sock)
    });

    let forwarder = gen_tcp::spawn(move || forwarder(port));
    let me = gen_tcp::self_pid();
    let binary = Bytes::from(vec![b'x'; BINARY]);
    let mut sent = 0;
    let outcome = loop {
        if sent == MAX_SENDS {
            break Err(format!("{sent} binaries sent and no timeout"));
        }
        forwarder.send_user(SendData {
            client: me,
            binary: binary.clone(),
        });
        match gen_tcp::receive(Some(PATIENCE)) {
            Some(Message::User(a)) => match a.downcast::<Answer>().map(|a| *a) {
                Ok(Answer::DataSent) => sent += 1,
                Ok(Answer::ErrorSending(reason)) => break Ok(reason),
                Err(_) => break Err("an unexpected message".into()),
            },
            other => break Err(format!("no answer from the forwarder: {other:?}")),
        }
    };
    server.send_user(());
    server_done.join().map_err(|_| "server panicked")??;
    let reason = outcome?;
    println!(
        "{sent} binaries of {BINARY} bytes sent ({} KiB), then {{error_sending, {reason}}}",
        sent * BINARY / 1024
    );
    match reason {
        Error::Timeout | Error::TimeoutRest(_) => Ok(()),
        other => Err(format!("expected a send timeout, got {other}").into()),
    }
}

/// The forwarding process: connects as the page does, then `loop(Sock)`.
fn forwarder(port: u16) {
    let opts = [
        Opt::Active(Active::False),
        Opt::SendTimeout(Some(Duration::from_millis(200))),
        Opt::Packet(PacketType::Two),
    ];
    match gen_tcp::connect("localhost", port, &opts, None) {
        Ok(sock) => forward(sock),
        Err(reason) => next_request()
            .client
            .send_user(Answer::ErrorSending(reason)),
    }
}

/// Waits for the next `{Client, send_data, Binary}`, dropping anything else.
fn next_request() -> SendData {
    loop {
        if let Some(Message::User(m)) = gen_tcp::receive(None) {
            if let Ok(request) = m.downcast::<SendData>() {
                return *request;
            }
        }
    }
}

/// `loop(Sock)`: forwards each client's binary, answering how it went;
/// gives up and closes at the first error.
fn forward(sock: Socket) {
    loop {
        let SendData { client, binary } = next_request();
        match gen_tcp::send(&sock, [binary]) {
            Err(Error::Timeout) => {
                println!("Send timeout, closing!");
                handle_send_timeout(None);
                give_up(&sock, client, Error::Timeout);
                return;
            }
            Err(Error::TimeoutRest(rest)) => {
                // The `socket` backend's form: `{error, {timeout, RestData}}`.
                println!("Send timeout, closing!");
                handle_send_timeout(Some(&rest));
                give_up(&sock, client, Error::TimeoutRest(rest));
                return;
            }
            Err(other) => {
                println!("Some other error on socket ({other}), closing");
                give_up(&sock, client, other);
                return;
            }
            Ok(()) => client.send_user(Answer::DataSent),
        }
    }
}

/// `handle_send_timeout()`, "not implemented" in the page: says what is
/// known about the bytes.
fn handle_send_timeout(rest: Option<&Bytes>) {
    match rest {
        Some(rest) => println!("  {} bytes of the last binary were never sent", rest.len()),
        None => println!("  how much of the last binary reached the server is unknown"),
    }
}

/// `Client ! {self(), {error_sending, Reason}}, gen_tcp:close(Sock)`.
fn give_up(sock: &Socket, client: Pid, reason: Error) {
    client.send_user(Answer::ErrorSending(reason));
    let _ = gen_tcp::close(sock);
}
