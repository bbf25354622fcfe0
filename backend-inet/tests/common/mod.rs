//! Loopback pairs for the scenarios: our socket on one end, a plain std
//! `TcpStream` on the other, so each test sees exactly what the peer got.
#![allow(dead_code)]

use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Active, CreateOpts, Opt, SockAddr, Socket};
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Bounds every wait of a test.
pub const WAIT: Duration = Duration::from_secs(5);

/// A connection made by our `connect` with `opts`, and the peer's end.
pub fn connected(opts: &[Opt]) -> (Socket, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = SockAddr::Inet(l.local_addr().unwrap());
    let c = gen_tcp_backend_inet::connect(&[addr], &CreateOpts::parse(opts).unwrap(), Some(WAIT))
        .unwrap();
    let (peer, _) = l.accept().unwrap();
    peer.set_read_timeout(Some(WAIT)).unwrap();
    (c, peer)
}

/// A passive binary connection.
pub fn passive(extra: &[Opt]) -> (Socket, TcpStream) {
    let mut opts = vec![Opt::Binary, Opt::Active(Active::False)];
    opts.extend_from_slice(extra);
    connected(&opts)
}

/// `n` bytes of a pattern that shows order and loss.
pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// Everything the peer reads until end of stream (or an error).
pub fn read_to_end(peer: &mut TcpStream) -> (Vec<u8>, std::io::Result<()>) {
    let mut got = Vec::new();
    let r = peer.read_to_end(&mut got).map(|_| ());
    (got, r)
}

/// Waits until `f` holds, polling a shared state the test cannot block on.
pub fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + WAIT;
    while !f() {
        assert!(Instant::now() < end, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The output queue's size.
pub fn send_pend(s: &Socket) -> u64 {
    s.port().getstat(&[gen_tcp_core::Stat::SendPend]).unwrap()[0].1
}

/// Makes the peer's close send a reset.
pub fn reset_on_close(peer: &TcpStream) {
    socket2::SockRef::from(peer)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
}
