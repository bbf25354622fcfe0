//! A remote close noticed by a background write: nobody is told at once;
//! the next recv, send or activation reports it, and the data the OS held
//! for us is lost (reference page, note on `show_econnreset`). The
//! answers are OTP 25's, checked with `{inet_backend, inet}`.

mod common;
use common::*;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::process::{receive_from, Message};
use gen_tcp_core::{Active, Error, Opt, Socket};
use std::io::Write;
use std::net::TcpStream;

const BIG: usize = 8 * 1024 * 1024;
const ENOTCONN: Error = Error::Posix(libc::ENOTCONN);

/// Queues output the peer does not read, has the peer send bytes we do
/// not read, then resets the connection from the peer's side and waits
/// until the driver's write has met the reset (the queue is dropped).
fn reset_under_a_queue(extra: &[Opt]) -> Socket {
    let (c, peer): (Socket, TcpStream) = passive(extra);
    let mut peer = peer;
    peer.write_all(b"unread data from the peer").unwrap();
    c.send(&pattern(BIG)[..]).unwrap();
    assert!(send_pend(&c) > 0);
    reset_on_close(&peer);
    drop(peer);
    eventually("the background write met the reset", || send_pend(&c) == 0);
    c
}

#[test]
fn recv_first_gets_closed_then_enotconn_and_the_data_is_lost() {
    let c = reset_under_a_queue(&[]);
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    assert_eq!(c.recv(0, Some(WAIT)), Err(ENOTCONN));
    assert_eq!(c.send("x"), Err(ENOTCONN));
}

#[test]
fn send_first_gets_closed_and_recv_is_still_told() {
    let c = reset_under_a_queue(&[]);
    assert_eq!(c.send("x"), Err(Error::Closed));
    assert_eq!(c.send("x"), Err(ENOTCONN));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    assert_eq!(c.recv(0, Some(WAIT)), Err(ENOTCONN));
}

#[test]
fn show_econnreset_names_the_reset() {
    let c = reset_under_a_queue(&[Opt::ShowEconnreset(true)]);
    assert_eq!(c.send("x"), Err(Error::Econnreset));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Econnreset));
    assert_eq!(c.recv(0, Some(WAIT)), Err(ENOTCONN));
}

fn messages(c: &Socket) -> Vec<String> {
    std::iter::from_fn(|| receive_from(c, Some(std::time::Duration::from_millis(50))))
        .map(|m| match m {
            Message::Tcp(_, d) => format!("tcp {}", d.len()),
            Message::TcpError(_, e) => format!("tcp_error {e}"),
            Message::TcpClosed(_) => "tcp_closed".into(),
            Message::TcpPassive(_) => "tcp_passive".into(),
            _ => "user".into(),
        })
        .collect()
}

#[test]
fn activation_reports_to_the_owner_without_the_lost_data() {
    let c = reset_under_a_queue(&[]);
    c.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    assert_eq!(messages(&c), ["tcp_closed"]);
    assert_eq!(c.send("x"), Err(Error::Closed));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));

    let c = reset_under_a_queue(&[Opt::ShowEconnreset(true)]);
    c.port().setopts(&[Opt::Active(Active::Once)]).unwrap();
    assert_eq!(messages(&c), ["tcp_error econnreset", "tcp_closed"]);
}
