//! The event loops' own figures (`gen_tcp::driver_stats`) move with what
//! the sockets do: sockets registered while active, bytes queued while a
//! peer does not read, wake-ups and events as messages are delivered;
//! and `inet`'s state shows `busy` over `high_watermark`.
//!
//! The figures are the whole program's, so this binary holds only these
//! tests, one per backend, each the only user of its backend here (every
//! peer is a std socket): the changes asserted are theirs alone. Before
//! the backends reported them, `driver_stats` was `None` for both.

use gen_tcp::{Active, DriverStats, InetBackend, Message, Opt, Socket, Stat, Status};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const WAIT: Option<Duration> = Some(Duration::from_secs(10));

fn figures(b: InetBackend) -> DriverStats {
    gen_tcp::driver_stats(b).expect("reported once a socket has needed the event loop")
}

/// A connection on backend `b` with `opts`, its peer a std stream.
fn connection(b: InetBackend, opts: &[Opt]) -> (Socket, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut o = vec![Opt::InetBackend(b), Opt::Binary];
    o.extend_from_slice(opts);
    let port = l.local_addr().unwrap().port();
    let s = gen_tcp::connect("127.0.0.1", port, &o, WAIT).unwrap();
    (s, l.accept().unwrap().0)
}

/// Waits, at most ten seconds, until `done` holds: a state reached.
fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "never reached: {what}");
        std::thread::park_timeout(Duration::from_millis(1));
    }
}

/// Registered goes up with each socket turned active and down as it
/// closes (or leaves for std); each message delivered is a wake-up and
/// an event.
fn active_sockets_are_registered_and_their_events_counted(b: InetBackend) {
    let (s, mut peer) = connection(b, &[Opt::Active(Active::True)]);
    let base = figures(b);
    assert!(
        base.event_loops >= 1 && base.registered >= 1,
        "{b:?}: {base}"
    );

    let (second, _peer2) = connection(b, &[Opt::Active(Active::True)]);
    assert_eq!(figures(b).registered, base.registered + 1, "{b:?}");
    let (third, _peer3) = connection(b, &[Opt::Active(Active::True)]);
    assert_eq!(figures(b).registered, base.registered + 2, "{b:?}");
    gen_tcp::close(&second).unwrap();
    assert_eq!(figures(b).registered, base.registered + 1, "{b:?}");
    let _std: TcpStream = third.into_std().unwrap();
    assert_eq!(
        figures(b).registered,
        base.registered,
        "{b:?}: it left with its descriptor"
    );

    let before = figures(b);
    peer.write_all(b"ping").unwrap();
    match gen_tcp::receive_from(&s, WAIT) {
        Some(Message::Tcp(_, d)) => assert_eq!(d, b"ping", "{b:?}"),
        other => panic!("{b:?}: {other:?}"),
    }
    let after = figures(b);
    assert!(after.wakeups > before.wakeups, "{b:?}: {before} -> {after}");
    assert!(after.events > before.events, "{b:?}: {before} -> {after}");
    assert_eq!(after.failures, 0, "{b:?}");
}

#[test]
fn inet_figures_move_with_its_sockets_and_queues() {
    let b = InetBackend::Inet;
    active_sockets_are_registered_and_their_events_counted(b);

    // Bytes queued while the peer reads nothing, none once written.
    assert_eq!(figures(b).queued_bytes, 0);
    let (s, mut peer) = connection(b, &[Opt::Active(Active::False)]);
    let big = vec![b'q'; 32 << 20];
    gen_tcp::send(&s, &big).unwrap();
    let pending = gen_tcp::getstat(&s, &[Stat::SendPend]).unwrap()[0].1;
    let queued = figures(b).queued_bytes;
    assert!(
        pending > 0 && queued > 0 && queued <= big.len() as u64,
        "{queued}"
    );

    // A second send joins the queue, over `high_watermark`: the port is
    // busy and the sender waits.
    let opts = [Opt::HighWatermark(4096), Opt::LowWatermark(1024)];
    gen_tcp::setopts(&s, &opts).unwrap();
    let sender = std::thread::spawn({
        let s = s.clone();
        move || gen_tcp::send(&s, "more")
    });
    until("the port is busy", || s.status().contains(Status::BUSY));
    assert_eq!(s.status(), Status::BUSY | Status::CONNECTED | Status::OPEN);
    assert_eq!(s.status().to_string(), "BY:CD:O");

    let mut got = vec![0u8; big.len() + 4];
    peer.read_exact(&mut got).unwrap();
    sender.join().unwrap().unwrap();
    assert_eq!(s.status().to_string(), "CONNECTED(O)");
    gen_tcp::close(&s).unwrap();
    assert_eq!(figures(b).queued_bytes, 0);
}

#[test]
fn socket_figures_move_with_its_active_sockets() {
    let b = InetBackend::Socket;
    active_sockets_are_registered_and_their_events_counted(b);
    // Nothing is ever queued on this backend: `send` waits instead.
    let (s, mut peer) = connection(b, &[Opt::Active(Active::False)]);
    let sender = std::thread::spawn(move || gen_tcp::send(&s, vec![b's'; 8 << 20]));
    let mut got = vec![0u8; 8 << 20];
    peer.read_exact(&mut got[..1]).unwrap();
    assert_eq!(figures(b).queued_bytes, 0);
    peer.read_exact(&mut got[1..]).unwrap();
    sender.join().unwrap().unwrap();
}
