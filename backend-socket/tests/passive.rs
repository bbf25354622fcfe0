//! Passive mode: send and recv in the caller's thread.

mod common;

use common::{pair, spawn_blocked, waits, T};
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Data, Error, Opt, PacketType, Shutdown};
use std::io::{Read, Write};
use std::time::Duration;

#[test]
fn echo_round_trip() {
    let (c, s) = pair(&[], &[]);
    c.send("hello").unwrap();
    assert_eq!(s.recv(5, T).unwrap(), b"hello");
    s.send(["wor", "ld"]).unwrap();
    assert_eq!(c.recv(5, T).unwrap(), b"world");
}

#[test]
fn recv_length_is_exact_in_raw_mode_and_kept_on_timeout() {
    let (c, s) = pair(&[], &[]);
    c.send("hello").unwrap();
    assert_eq!(s.recv(3, T).unwrap(), b"hel");
    let short = Some(Duration::from_millis(50));
    assert_eq!(s.recv(10, short), Err(Error::Timeout));
    // The two bytes read while waiting are still there.
    assert_eq!(s.recv(0, T).unwrap(), b"lo");
}

#[test]
fn recv_length_is_ignored_with_packet_2_as_otp_does() {
    let (c, s) = pair(
        &[Opt::Packet(PacketType::Two)],
        &[Opt::Packet(PacketType::Two)],
    );
    c.send("abc").unwrap();
    c.send(["", "z"]).unwrap();
    assert_eq!(s.recv(5, T).unwrap(), b"abc");
    assert_eq!(s.recv(0, T).unwrap(), b"z");
}

#[test]
fn packet_2_header_is_on_the_wire() {
    let (c, s) = pair(&[Opt::Packet(PacketType::Two)], &[]);
    c.send(["ab", "c"]).unwrap();
    assert_eq!(s.recv(5, T).unwrap(), &[0, 3, b'a', b'b', b'c']);
}

#[test]
fn list_mode_gives_lists() {
    let (c, s) = pair(&[], &[Opt::List]);
    c.send("ab").unwrap();
    assert_eq!(s.recv(2, T).unwrap(), Data::List(b"ab".to_vec()));
}

#[test]
fn remote_close_drains_then_closed_forever() {
    let (c, s) = pair(&[], &[]);
    c.send("abc").unwrap();
    c.port().close().unwrap();
    assert_eq!(s.recv(0, T).unwrap(), b"abc");
    assert_eq!(s.recv(0, T), Err(Error::Closed));
    assert_eq!(s.recv(0, T), Err(Error::Closed));
}

#[test]
fn a_send_to_a_closed_peer_fails_and_readers_still_drain() {
    let (c, s) = pair(&[], &[]);
    c.send("abc").unwrap();
    c.port().close().unwrap();
    // The kernel takes the first send; the peer answers it with a reset
    // (at once on loopback), so the second fails.
    let first = s.send("x");
    let second = s.send("x");
    assert!(first.is_ok() || first == Err(Error::Closed), "{first:?}");
    assert_eq!(second, Err(Error::Closed));
    assert_eq!(s.recv(0, T).unwrap(), b"abc");
    assert_eq!(s.recv(0, T), Err(Error::Closed));
}

#[test]
fn shutdown_write_lets_the_peer_see_closed_and_still_answer() {
    let (c, s) = pair(&[], &[]);
    c.send("q").unwrap();
    c.port().shutdown(Shutdown::Write).unwrap();
    assert_eq!(s.recv(0, T).unwrap(), b"q");
    assert_eq!(s.recv(0, T), Err(Error::Closed));
    s.send("answer").unwrap();
    assert_eq!(c.recv(6, T).unwrap(), b"answer");
    assert_eq!(c.send("more"), Err(Error::Closed));
}

#[test]
fn send_timeout_returns_exactly_the_unsent_rest() {
    let client = [
        Opt::Sndbuf(4096),
        Opt::SendTimeout(Some(Duration::from_millis(100))),
    ];
    let (c, s) = pair(&client, &[Opt::Recbuf(4096)]);
    let total = 4 << 20;
    let data = vec![7u8; total];
    let rest = match c.send(&data) {
        Err(Error::TimeoutRest(rest)) => rest,
        other => panic!("{other:?}"),
    };
    assert!(!rest.is_empty() && rest.len() < total);
    // The peer gets exactly what the kernel took.
    let mut got = 0;
    while got < total - rest.len() {
        got += s.recv(0, T).unwrap().len();
    }
    assert_eq!(got + rest.len(), total);
    assert_eq!(
        s.recv(0, Some(Duration::from_millis(50))),
        Err(Error::Timeout)
    );
}

/// OTP's socket NIF takes a partial write as a full kernel buffer and
/// waits for room before writing again: a send that timed out leaves the
/// buffer full, so a small send right after it times out with all its
/// bytes (the kernel took none), and the peer reads exactly what the two
/// sends did not give back.
#[test]
fn send_timeout_leaves_the_kernel_buffer_full() {
    let client = [
        Opt::Sndbuf(4096),
        Opt::SendTimeout(Some(Duration::from_millis(50))),
    ];
    let (c, s) = pair(&client, &[Opt::Recbuf(4096)]);
    let total = 100_000;
    let rest = match c.send(vec![5u8; total]) {
        Err(Error::TimeoutRest(rest)) => rest,
        other => panic!("{other:?}"),
    };
    assert!(!rest.is_empty() && rest.len() < total);
    match c.send("hijklmn") {
        Err(Error::TimeoutRest(r)) => assert_eq!(r, &b"hijklmn"[..]),
        other => panic!("{other:?}"),
    }
    let mut got = 0;
    while got < total - rest.len() {
        let p = s.recv(0, T).unwrap().into_bytes();
        assert!(p.iter().all(|&b| b == 5));
        got += p.len();
    }
    assert_eq!(got + rest.len(), total);
    assert_eq!(
        s.recv(0, Some(Duration::from_millis(50))),
        Err(Error::Timeout)
    );
}

#[test]
fn an_empty_send_with_a_send_timeout_is_ok() {
    let (c, s) = pair(&[Opt::SendTimeout(Some(Duration::from_millis(50)))], &[]);
    c.send("").unwrap();
    c.send("x").unwrap();
    assert_eq!(s.recv(0, T).unwrap(), b"x");
}

#[test]
fn send_timeout_close_closes() {
    let client = [
        Opt::Sndbuf(4096),
        Opt::SendTimeout(Some(Duration::from_millis(50))),
        Opt::SendTimeoutClose(true),
    ];
    let (c, _s) = pair(&client, &[Opt::Recbuf(4096)]);
    assert_eq!(c.send(vec![1u8; 4 << 20]), Err(Error::Timeout));
    assert_eq!(c.send("x"), Err(Error::Closed));
}

#[test]
fn close_wakes_a_blocked_reader() {
    let (_c, s) = pair(&[], &[]);
    let s2 = s.clone();
    let reader = spawn_blocked(&waits(), move || s2.recv(0, T));
    s.port().close().unwrap();
    assert_eq!(reader.join().unwrap(), Err(Error::Closed));
    assert_eq!(s.port().close(), Err(Error::Closed));
    assert_eq!(s.port().peername(), Err(Error::Closed));
}

#[test]
fn read_and_write_traits_are_the_raw_stream() {
    let (mut c, mut s) = pair(&[], &[]);
    c.write_all(b"0123456789").unwrap();
    c.port().shutdown(Shutdown::Write).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"0123456789");
}

#[test]
fn getstat_counts_bytes() {
    use gen_tcp_core::Stat;
    let (c, s) = pair(&[], &[]);
    c.send("abcd").unwrap();
    assert_eq!(s.recv(4, T).unwrap(), b"abcd");
    let sent = c.port().getstat(&[Stat::SendOct, Stat::SendPend]).unwrap();
    assert_eq!(sent, [(Stat::SendOct, 4), (Stat::SendPend, 0)]);
    assert_eq!(
        s.port().getstat(&[Stat::RecvOct]).unwrap(),
        [(Stat::RecvOct, 4)]
    );
}

#[test]
fn show_econnreset_reports_even_a_clean_close_as_econnreset() {
    let (c, s) = pair(&[], &[Opt::ShowEconnreset(true)]);
    c.send("abc").unwrap();
    c.port().close().unwrap();
    assert_eq!(s.recv(0, T).unwrap(), b"abc");
    assert_eq!(s.recv(0, T), Err(Error::Econnreset));
    assert_eq!(s.recv(0, T), Err(Error::Closed));
    assert_eq!(
        s.port().getopts(&[gen_tcp_core::OptName::Active]),
        Err(Error::Einval)
    );
}
