//! Passive sockets: send and recv in the caller's thread, accept, end of
//! stream, and the answers OTP 25's inet backend gives.

mod common;
use common::*;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Active, CreateOpts, Error, Opt, OptName, PacketType, Shutdown, SockAddr};
use std::io::{Read, Write};
use std::time::Duration;

#[test]
fn bytes_cross_both_ways_in_order() {
    let (c, mut peer) = passive(&[]);
    c.send([&b"hello "[..], b"world"]).unwrap();
    let mut got = [0u8; 11];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hello world");
    peer.write_all(b"abcdef").unwrap();
    assert_eq!(c.recv(2, Some(WAIT)).unwrap(), b"ab");
    assert_eq!(c.recv(4, Some(WAIT)).unwrap(), b"cdef");
}

#[test]
fn recv_times_out_and_keeps_what_came() {
    let (c, mut peer) = passive(&[]);
    peer.write_all(b"abc").unwrap();
    assert_eq!(
        c.recv(5, Some(Duration::from_millis(50))),
        Err(Error::Timeout)
    );
    peer.write_all(b"de").unwrap();
    assert_eq!(c.recv(5, Some(WAIT)).unwrap(), b"abcde");
}

#[test]
fn packet_2_frames_on_the_wire() {
    let (c, mut peer) = passive(&[Opt::Packet(PacketType::Two)]);
    c.send("xyz").unwrap();
    let mut got = [0u8; 5];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, &[0, 3, b'x', b'y', b'z']);
    peer.write_all(&[0, 2, b'o', b'k', 0, 1]).unwrap();
    assert_eq!(c.recv(0, Some(WAIT)).unwrap(), b"ok");
    assert_eq!(c.recv(3, Some(WAIT)), Err(Error::Einval));
}

#[test]
fn peer_close_is_closed_then_enotconn_and_send_is_told_once() {
    // OTP 25: recv {ok,..}, {error,closed}, {error,enotconn}; send {error,closed}.
    let (c, mut peer) = passive(&[]);
    peer.write_all(b"last").unwrap();
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(c.recv(0, Some(WAIT)).unwrap(), b"last");
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Posix(libc::ENOTCONN)));
    assert_eq!(c.send("x"), Err(Error::Closed));
    assert_eq!(c.send("x"), Err(Error::Posix(libc::ENOTCONN)));
    c.port().close().unwrap();
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
}

#[test]
fn exit_on_close_false_keeps_the_socket_for_send() {
    let (c, mut peer) = passive(&[Opt::ExitOnClose(false)]);
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    c.send("still here").unwrap();
    c.port().close().unwrap();
    let (got, _) = read_to_end(&mut peer);
    assert_eq!(got, b"still here");
}

#[test]
fn after_close_every_call_answers_as_otp() {
    let (c, _peer) = passive(&[]);
    c.port().close().unwrap();
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    assert_eq!(c.send("a"), Err(Error::Closed));
    assert_eq!(c.port().close(), Ok(()));
    assert_eq!(
        c.port().setopts(&[Opt::Active(Active::True)]),
        Err(Error::Einval)
    );
    assert_eq!(c.port().getopts(&[OptName::Active]), Err(Error::Einval));
    assert_eq!(c.port().shutdown(Shutdown::Write), Err(Error::Closed));
}

#[test]
fn close_wakes_a_blocked_recv() {
    let (c, _peer) = passive(&[]);
    let c2 = c.clone();
    let t = spawn_blocked(&waits(), move || c2.recv(0, Some(WAIT)));
    c.port().close().unwrap();
    assert_eq!(t.join().unwrap(), Err(Error::Closed));
}

#[test]
fn defaults_are_otp_25_inet_defaults() {
    let (c, _peer) = connected(&[]);
    let got = c
        .port()
        .getopts(&[
            OptName::Active,
            OptName::Buffer,
            OptName::HighWatermark,
            OptName::LowWatermark,
            OptName::SendTimeout,
            OptName::ShowEconnreset,
            OptName::ExitOnClose,
            OptName::DelaySend,
        ])
        .unwrap();
    assert_eq!(
        got,
        [
            Opt::Active(Active::True),
            Opt::Buffer(1460),
            Opt::HighWatermark(8192),
            Opt::LowWatermark(4096),
            Opt::SendTimeout(None),
            Opt::ShowEconnreset(false),
            Opt::ExitOnClose(true),
            Opt::DelaySend(false),
        ]
    );
}

#[test]
fn accepted_sockets_inherit_options_and_belong_to_the_acceptor() {
    let opts = [
        Opt::Binary,
        Opt::Active(Active::Once),
        Opt::Packet(PacketType::Two),
        Opt::Buffer(3000),
    ];
    let l = gen_tcp_backend_inet::listen(0, &CreateOpts::parse(&opts).unwrap()).unwrap();
    let port = l.port().sockname().unwrap().port();
    let (pid, acceptor) = gen_tcp_core::process::spawn_with_handle(move || {
        let s = l.port().accept(Some(WAIT)).unwrap();
        (
            s.owner(),
            s.port()
                .getopts(&[OptName::Active, OptName::Packet, OptName::Buffer])
                .unwrap(),
        )
    });
    let _c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (owner, got) = acceptor.join().unwrap();
    assert_eq!(owner, pid);
    assert_eq!(
        got,
        [
            Opt::Active(Active::Once),
            Opt::Packet(PacketType::Two),
            Opt::Buffer(3000)
        ]
    );
}

#[test]
fn many_acceptors_one_listen_socket_and_close_wakes_them() {
    let l = gen_tcp_backend_inet::listen(0, &CreateOpts::parse(&[]).unwrap()).unwrap();
    let port = l.port().sockname().unwrap().port();
    assert_eq!(
        l.port().accept(Some(Duration::ZERO)).map(|_| ()),
        Err(Error::Timeout)
    );
    let waiters: Vec<_> = (0..4)
        .map(|_| {
            let l = l.clone();
            std::thread::spawn(move || l.port().accept(Some(WAIT)).map(|_| ()))
        })
        .collect();
    let _a = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _b = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Two accept, then closing the listen socket releases the other two.
    let mut results: Vec<_> = Vec::new();
    let mut waiters = waiters;
    while results
        .iter()
        .filter(|r: &&Result<(), Error>| r.is_ok())
        .count()
        < 2
    {
        eventually("two accepts", || waiters.iter().any(|w| w.is_finished()));
        let i = waiters.iter().position(|w| w.is_finished()).unwrap();
        results.push(waiters.remove(i).join().unwrap());
    }
    l.port().close().unwrap();
    for w in waiters {
        assert_eq!(w.join().unwrap(), Err(Error::Closed));
    }
    assert_eq!(
        l.port().accept(Some(Duration::ZERO)).map(|_| ()),
        Err(Error::Closed)
    );
}

#[test]
fn read_into_reads_straight_into_the_callers_buffer() {
    let (c, mut peer) = passive(&[]);
    peer.write_all(b"0123456789").unwrap();
    let mut buf = [0u8; 4];
    let mut r = &c;
    let n = r.read(&mut buf).unwrap();
    assert!(n > 0 && buf[..n] == b"0123456789"[..n]);
    let mut rest = Vec::new();
    rest.extend_from_slice(&buf[..n]);
    while rest.len() < 10 {
        let n = r.read(&mut buf).unwrap();
        rest.extend_from_slice(&buf[..n]);
    }
    assert_eq!(rest, b"0123456789");
    drop(peer);
    assert_eq!(r.read(&mut buf).unwrap(), 0);
}

#[test]
fn nodelay_on_a_local_socket_is_ignored() {
    let path = std::env::temp_dir().join(format!("inet-local-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let lopts = [
        Opt::Ifaddr(gen_tcp_core::Ifaddr::Local(path.clone())),
        Opt::Nodelay(true),
    ];
    let l = gen_tcp_backend_inet::listen(0, &CreateOpts::parse(&lopts).unwrap()).unwrap();
    let c = gen_tcp_backend_inet::connect(
        &[SockAddr::Local(path.clone())],
        &CreateOpts::parse(&[Opt::Nodelay(true), Opt::Active(Active::False)]).unwrap(),
        Some(WAIT),
    )
    .unwrap();
    assert_eq!(c.port().setopts(&[Opt::Nodelay(true)]), Ok(()));
    assert_eq!(c.port().getopts(&[OptName::Nodelay]), Ok(vec![]));
    let s = l.port().accept(Some(WAIT)).unwrap();
    s.port().setopts(&[Opt::Active(Active::False)]).unwrap();
    c.send("via unix").unwrap();
    assert_eq!(s.recv(8, Some(WAIT)).unwrap().to_vec(), b"via unix");
    let _ = std::fs::remove_file(&path);
}

/// As OTP 25's inet_drv, which counts what it tried to write: the send
/// that met the reset is counted too (otp-diff: stats-failed-send-counted).
#[test]
fn a_send_the_kernel_refuses_is_counted_later_ones_are_not() {
    // As inet_drv, which counts a write before making it (OTP 25: after
    // the peer's reset, the send that fails counts, the `enotconn` ones
    // after it do not).
    let (c, peer) = passive(&[]);
    reset_on_close(&peer);
    drop(peer);
    let mut oks = 0u64;
    let mut failed = false;
    eventually("a send fails after the peer's reset", || {
        match c.send("x") {
            Ok(()) => oks += 1,
            Err(_) => failed = true,
        }
        failed
    });
    let cnt = || c.port().getstat(&[gen_tcp_core::Stat::SendCnt]).unwrap()[0].1;
    assert_eq!(cnt(), oks + 1);
    assert!(c.send("y").is_err());
    assert_eq!(cnt(), oks + 1);
}
