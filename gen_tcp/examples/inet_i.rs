//! `inet:i()`: the table of every live socket, as OTP prints it.
//!
//! Opens a few sockets on both backends (listen sockets, one of them with
//! a process waiting in `accept`, connections that have carried some
//! bytes, a unix socket, one socket with `{debug, true}`), then prints:
//!
//! 1. `gen_tcp::inet::i()`, OTP's columns:
//!
//! ```text
//! Port      Module         Recv Sent Owner   Local Address   Foreign Address State        Type
//! 1         inet_tcp       0    0    <0.1.0> *:40935         *:*             LN:O         STREAM
//! 2         inet_tcp       0    12   <0.1.0> localhost:52390 localhost:40935 CONNECTED(O) STREAM
//! esock[9]  gen_tcp_socket 12   0    <0.1.0> localhost:40935 localhost:52390 CONNECTED(O) STREAM
//! ...
//! ```
//!
//! 2. the same sockets with the columns OTP does not have (backend,
//!    `{active, _}`, `{packet, _}`, bytes queued, `{debug, _}`), as
//!    `inet:i(tcp, Fields)` chooses columns;
//! 3. each backend's event loop figures (both report them once a socket
//!    has needed their event loop, as the active ones here have):
//!
//! ```text
//! inet driver: 1 event loop, 1 socket registered, 0 bytes queued, 1 wake-up, 1 event, 0 failures
//! socket driver: 1 event loop, 1 socket registered, 0 bytes queued, 1 wake-up, 1 event, 0 failures
//! ```
//!
//! It checks that every socket it opened is in the table and that both
//! backends gave their figures, then closes them all.
//!
//! ```text
//! cargo run -p gen_tcp --example inet_i
//! ```

use gen_tcp::{Active, Column, Ifaddr, InetBackend, Opt, PacketType, Socket, Status};
use std::time::{Duration, Instant};

const WAIT: Option<Duration> = Some(Duration::from_secs(5));

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    let mut opened: Vec<Socket> = Vec::new();
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        opened.extend(a_few_sockets(backend)?);
    }

    // A listen socket with a process waiting in `accept`: `ACCEPTING`.
    let waiting = gen_tcp::listen(0, &[Opt::Ip([127, 0, 0, 1].into())])?;
    let (_, acceptor) = gen_tcp::spawn_with_handle({
        let waiting = waiting.clone();
        move || gen_tcp::accept(&waiting, WAIT)
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while !waiting.status().contains(Status::ACCEPTING) {
        if Instant::now() > deadline {
            return Err("the acceptor never reached accept".into());
        }
        std::thread::park_timeout(Duration::from_millis(1));
    }
    opened.push(waiting.clone());

    // A unix socket.
    let dir = std::env::temp_dir().join(format!("gen_tcp_inet_i_{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("socket");
    let _ = std::fs::remove_file(&path);
    opened.push(gen_tcp::listen(0, &[Opt::Ifaddr(Ifaddr::Local(path))])?);

    println!("inet:i().\n");
    gen_tcp::inet::i();

    let all = gen_tcp::sockets();
    println!("\nThe same, with what OTP leaves out:\n");
    print!(
        "{}",
        all.table(&[
            Column::Port,
            Column::Backend,
            Column::Active,
            Column::Packet,
            Column::Sent,
            Column::SendPend,
            Column::Debug,
            Column::State,
        ])
    );

    println!();
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        match gen_tcp::driver_stats(backend) {
            // Each has an active socket registered (`{active, once}`).
            Some(figures) if figures.registered > 0 => {
                println!("{} driver: {figures}", backend.name())
            }
            other => return Err(format!("{backend:?}: driver figures {other:?}").into()),
        }
    }

    for s in &opened {
        if all.get(s.id()).is_none() {
            return Err(format!("{s:?} is not in the table").into());
        }
    }
    // Connecting ends the acceptor's wait; then everything closes.
    let _c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&waiting)?, &[], WAIT)?;
    acceptor.join().map_err(|_| "the acceptor panicked")??;
    for s in &opened {
        gen_tcp::close(s)?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// On `backend`: a listen socket, a passive connection that carried a
/// few bytes each way, and an active one with `{packet, line}` and
/// `{debug, true}`.
fn a_few_sockets(backend: InetBackend) -> Result<Vec<Socket>, BoxError> {
    let opts = [
        Opt::InetBackend(backend),
        Opt::Binary,
        Opt::Active(Active::False),
    ];
    let l = gen_tcp::listen(0, &opts)?;
    let port = gen_tcp::port(&l)?;
    let c = gen_tcp::connect("127.0.0.1", port, &opts, WAIT)?;
    let s = gen_tcp::accept(&l, WAIT)?;
    gen_tcp::send(&c, "hello server")?;
    gen_tcp::recv(&s, 12, WAIT)?;
    gen_tcp::send(&s, "hi")?;
    gen_tcp::recv(&c, 2, WAIT)?;

    let line_opts = [
        Opt::InetBackend(backend),
        Opt::Packet(PacketType::Line),
        Opt::Active(Active::Once),
        Opt::Debug(true),
    ];
    let traced = gen_tcp::connect("127.0.0.1", port, &line_opts, WAIT)?;
    let peer = gen_tcp::accept(&l, WAIT)?;
    Ok(vec![l, c, s, traced, peer])
}
