//! Active mode: messages to the controlling process, in order.

mod common;

use common::{pair, T};
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::process::{receive_from, self_pid, spawn_with_handle, Message};
use gen_tcp_core::{Active, Error, Opt, OptName, PacketType, Socket};
use std::time::Duration;

const QUIET: Option<Duration> = Some(Duration::from_millis(50));

fn data(s: &Socket) -> Vec<u8> {
    match receive_from(s, T) {
        Some(Message::Tcp(_, d)) => d.to_vec(),
        other => panic!("expected data, got {other:?}"),
    }
}

fn expect(s: &Socket, what: &str) {
    let m = receive_from(s, T);
    let ok = match (&m, what) {
        (Some(Message::TcpPassive(_)), "passive") => true,
        (Some(Message::TcpClosed(_)), "closed") => true,
        (Some(Message::TcpError(_, e)), reason) => e.to_string() == reason,
        _ => false,
    };
    assert!(ok, "expected {what}, got {m:?}");
}

fn active(s: &Socket) -> Active {
    match s.port().getopts(&[OptName::Active]).unwrap()[..] {
        [Opt::Active(a)] => a,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn active_once_delivers_one_packet_then_passive() {
    let (c, s) = pair(
        &[Opt::Packet(PacketType::Two)],
        &[Opt::Packet(PacketType::Two)],
    );
    c.send("a").unwrap();
    c.send("b").unwrap();
    s.port().setopts(&[Opt::Active(Active::Once)]).unwrap();
    assert_eq!(data(&s), b"a");
    assert!(receive_from(&s, QUIET).is_none());
    assert_eq!(active(&s), Active::False);
    assert_eq!(s.recv(0, T).unwrap(), b"b");
}

#[test]
fn active_n_counts_down_to_tcp_passive() {
    let (c, s) = pair(
        &[Opt::Packet(PacketType::One)],
        &[Opt::Packet(PacketType::One)],
    );
    s.port().setopts(&[Opt::Active(Active::N(2))]).unwrap();
    for m in ["1", "2", "3"] {
        c.send(m).unwrap();
    }
    assert_eq!(data(&s), b"1");
    assert_eq!(data(&s), b"2");
    expect(&s, "passive");
    assert_eq!(active(&s), Active::False);
    // {active, 0} on a passive socket sends tcp_passive at once.
    s.port().setopts(&[Opt::Active(Active::N(0))]).unwrap();
    expect(&s, "passive");
    s.port().setopts(&[Opt::Active(Active::N(5))]).unwrap();
    assert_eq!(data(&s), b"3");
    assert_eq!(active(&s), Active::N(4));
}

#[test]
fn active_true_then_peer_close_gives_data_then_tcp_closed() {
    let (c, s) = pair(&[], &[]);
    s.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    c.send("abc").unwrap();
    assert_eq!(data(&s), b"abc");
    c.port().close().unwrap();
    expect(&s, "closed");
    assert_eq!(s.recv(0, T), Err(Error::Closed));
}

#[test]
fn oversize_frame_is_tcp_error_emsgsize_then_passive() {
    let (c, s) = pair(&[], &[Opt::Packet(PacketType::Two), Opt::PacketSize(3)]);
    c.send([&[0u8, 2][..], b"ab", &[0, 5], b"abcde"]).unwrap();
    s.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    assert_eq!(data(&s), b"ab");
    expect(&s, "emsgsize");
    assert!(receive_from(&s, QUIET).is_none());
    assert_eq!(active(&s), Active::False);
    assert_eq!(s.recv(0, T), Err(Error::Emsgsize));
}

#[test]
fn reset_with_show_econnreset_is_tcp_error_then_closed() {
    let (c, s) = pair(&[Opt::Linger((true, 0))], &[Opt::ShowEconnreset(true)]);
    s.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    c.send("abc").unwrap();
    assert_eq!(data(&s), b"abc");
    c.port().close().unwrap();
    expect(&s, "econnreset");
    expect(&s, "closed");
}

#[test]
fn recv_on_an_active_socket_is_einval() {
    let (_c, s) = pair(&[], &[Opt::Active(Active::True)]);
    assert_eq!(s.recv(0, T), Err(Error::Einval));
}

#[test]
fn controlling_process_moves_pending_messages_in_order() {
    let (c, s) = pair(
        &[Opt::Packet(PacketType::One)],
        &[Opt::Packet(PacketType::One)],
    );
    s.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    c.send("1").unwrap();
    assert_eq!(data(&s), b"1");
    // "2" then "3" in our mailbox, as two messages, before the transfer.
    c.send("2").unwrap();
    until_mailbox_holds(1);
    c.send("3").unwrap();
    until_mailbox_holds(2);
    let me = self_pid();
    let s2 = s.clone();
    let (pid, child) = spawn_with_handle(move || {
        // Wait to be the owner, then read everything in order.
        let got: Vec<Vec<u8>> = (0..3).map(|_| data(&s2)).collect();
        me.send_user(got);
    });
    s.controlling_process(pid).unwrap();
    c.send("4").unwrap();
    child.join().unwrap();
    match gen_tcp_core::process::receive(T) {
        Some(Message::User(v)) => {
            let got = *v.downcast::<Vec<Vec<u8>>>().unwrap();
            assert_eq!(got, [b"2".to_vec(), b"3".to_vec(), b"4".to_vec()]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.controlling_process(me), Err(Error::Closed));
}

#[test]
fn many_active_sockets_share_one_reader() {
    let l = common::listener(&[]);
    let mut pairs = Vec::new();
    for _ in 0..200 {
        let c = common::connect_to(&l, &[]);
        let s = l.port().accept(T).unwrap();
        s.port().setopts(&[Opt::Active(Active::Once)]).unwrap();
        pairs.push((c, s));
    }
    for (i, (c, _)) in pairs.iter().enumerate() {
        c.send(i.to_string()).unwrap();
    }
    for (i, (_, s)) in pairs.iter().enumerate() {
        assert_eq!(data(s), i.to_string().as_bytes());
    }
}

/// Waits until the caller's mailbox holds `n` messages.
fn until_mailbox_holds(n: usize) {
    let end = std::time::Instant::now() + Duration::from_secs(10);
    while gen_tcp_core::process::mailbox_len() < n {
        assert!(std::time::Instant::now() < end, "never got {n} messages");
        std::thread::yield_now();
    }
}
