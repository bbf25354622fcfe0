//! Active modes: the driver delivers packets to the owner in order,
//! counts `{active, N}` down, and ends with the messages OTP 25's inet
//! backend sends.

mod common;
use common::*;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::process::{receive_from, Message};
use gen_tcp_core::{Active, Error, Opt, PacketType, Socket};
use std::io::Write;
use std::time::Duration;

/// The next message about `c`, in a short form.
fn next(c: &Socket) -> String {
    match receive_from(c, Some(WAIT)) {
        Some(Message::Tcp(_, d)) => format!("tcp {}", String::from_utf8_lossy(&d.to_vec())),
        Some(Message::TcpError(_, e)) => format!("tcp_error {e}"),
        Some(Message::TcpClosed(_)) => "tcp_closed".into(),
        Some(Message::TcpPassive(_)) => "tcp_passive".into(),
        Some(_) => "user".into(),
        None => "nothing".into(),
    }
}

fn quiet(c: &Socket) -> bool {
    receive_from(c, Some(Duration::from_millis(30))).is_none()
}

fn framed(opts: &[Opt]) -> (Socket, std::net::TcpStream) {
    let mut all = vec![Opt::Binary, Opt::Packet(PacketType::Two)];
    all.extend_from_slice(opts);
    connected(&all)
}

fn frame(s: &str) -> Vec<u8> {
    let mut v = (s.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

#[test]
fn active_true_delivers_everything_in_order_then_closed() {
    let (c, mut peer) = framed(&[Opt::Active(Active::True)]);
    for i in 0..100 {
        peer.write_all(&frame(&format!("m{i}"))).unwrap();
    }
    drop(peer);
    for i in 0..100 {
        assert_eq!(next(&c), format!("tcp m{i}"));
    }
    assert_eq!(next(&c), "tcp_closed");
    assert_eq!(c.send("x"), Err(Error::Closed));
}

#[test]
fn active_once_delivers_one_packet_per_activation() {
    let (c, mut peer) = framed(&[Opt::Active(Active::Once)]);
    peer.write_all(&[frame("a"), frame("b"), frame("c")].concat())
        .unwrap();
    assert_eq!(next(&c), "tcp a");
    assert!(quiet(&c));
    assert_eq!(c.recv(0, Some(WAIT)).unwrap(), b"b");
    c.port().setopts(&[Opt::Active(Active::Once)]).unwrap();
    assert_eq!(next(&c), "tcp c");
    assert!(quiet(&c));
}

#[test]
fn active_n_counts_down_to_passive() {
    let (c, mut peer) = framed(&[Opt::Active(Active::N(2))]);
    peer.write_all(&[frame("1"), frame("2"), frame("3")].concat())
        .unwrap();
    assert_eq!(next(&c), "tcp 1");
    assert_eq!(next(&c), "tcp 2");
    assert_eq!(next(&c), "tcp_passive");
    assert!(quiet(&c));
    c.port().setopts(&[Opt::Active(Active::N(1))]).unwrap();
    assert_eq!(next(&c), "tcp 3");
    assert_eq!(next(&c), "tcp_passive");
    // Adding a negative count down to 0 is passive at once.
    c.port().setopts(&[Opt::Active(Active::N(0))]).unwrap();
    assert_eq!(next(&c), "tcp_passive");
}

#[test]
fn recv_on_an_active_socket_is_einval() {
    let (c, _peer) = framed(&[Opt::Active(Active::True)]);
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Einval));
}

#[test]
fn oversized_packet_is_emsgsize_then_closed() {
    // OTP 25 ({active, once}, {packet_size, 10}): {tcp_error, S, emsgsize}, {tcp_closed, S}.
    let (c, mut peer) = framed(&[Opt::Active(Active::Once), Opt::PacketSize(10)]);
    peer.write_all(&frame("this is longer than ten")).unwrap();
    assert_eq!(next(&c), "tcp_error emsgsize");
    assert_eq!(next(&c), "tcp_closed");
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
}

#[test]
fn peer_reset_with_show_econnreset_is_an_error_then_closed() {
    let (c, mut peer) = framed(&[Opt::Active(Active::False), Opt::ShowEconnreset(true)]);
    peer.write_all(&frame("data")).unwrap();
    reset_on_close(&peer);
    drop(peer);
    // Whether the reset arrived before or after the activation, the
    // driver reads the data first, then meets the reset.
    c.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    assert_eq!(next(&c), "tcp data");
    assert_eq!(next(&c), "tcp_error econnreset");
    assert_eq!(next(&c), "tcp_closed");
}

#[test]
fn exit_on_close_false_stays_open_for_send_after_tcp_closed() {
    let (c, mut peer) = framed(&[Opt::Active(Active::True), Opt::ExitOnClose(false)]);
    peer.write_all(&frame("bye")).unwrap();
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(next(&c), "tcp bye");
    assert_eq!(next(&c), "tcp_closed");
    c.send("still").unwrap();
    let mut got = [0u8; 7];
    std::io::Read::read_exact(&mut peer, &mut got).unwrap();
    assert_eq!(&got, b"\x00\x05still");
}

#[test]
fn controlling_process_moves_the_stream_in_order() {
    let (c, mut peer) = framed(&[Opt::Active(Active::True)]);
    let (pid, child) = gen_tcp_core::process::spawn_with_handle(move || {
        let mut got = Vec::new();
        while got.len() < 50 {
            match gen_tcp_core::process::receive(Some(WAIT)) {
                Some(Message::Tcp(_, d)) => got.push(String::from_utf8(d.to_vec()).unwrap()),
                Some(Message::User(_)) => {}
                other => panic!("{other:?}"),
            }
        }
        got
    });
    for i in 0..25 {
        peer.write_all(&frame(&format!("{i}"))).unwrap();
    }
    assert_eq!(next(&c), "tcp 0");
    c.controlling_process(pid).unwrap();
    for i in 25..51 {
        peer.write_all(&frame(&format!("{i}"))).unwrap();
    }
    let got = child.join().unwrap();
    let want: Vec<String> = (1..51).map(|i| i.to_string()).collect();
    assert_eq!(got, want);
}
