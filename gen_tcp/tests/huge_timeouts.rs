//! A timeout too large for the clock (`Duration::MAX`, or years) is
//! infinity, never a panic ("overflow when adding duration to instant"),
//! wherever a timeout is taken: `recv`, `accept`, `connect`,
//! `{send_timeout, T}` and `receive`, on both backends.

use gen_tcp::{Active, InetBackend, Message, Opt};
// `read_into` with a timeout is the backends' own call (`Read` has none).
use gen_tcp_core::port::SocketExt;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];
const HUGE: [Duration; 2] = [Duration::MAX, Duration::from_secs(u64::MAX / 2)];

fn opts(b: InetBackend, extra: &[Opt]) -> Vec<Opt> {
    let mut o = vec![Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::False)];
    o.extend_from_slice(extra);
    o
}

/// A connected pair on backend `b`; `timeout` is given where `huge`
/// names the call ("connect", "accept"), `None` elsewhere.
fn pair(b: InetBackend, huge: &str, t: Duration) -> (gen_tcp::Socket, gen_tcp::Socket) {
    let pick = |call: &str| (call == huge).then_some(t);
    let l = gen_tcp::listen(0, &opts(b, &[Opt::Ip(Ipv4Addr::LOCALHOST.into())])).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(b, &[]), pick("connect")).unwrap();
    let s = gen_tcp::accept(&l, pick("accept")).unwrap();
    (c, s)
}

#[test]
fn connect_takes_a_timeout_past_the_clock() {
    for b in BACKENDS {
        for t in HUGE {
            let (c, s) = pair(b, "connect", t);
            gen_tcp::send(&c, "ping").unwrap();
            assert_eq!(gen_tcp::recv(&s, 4, None).unwrap(), b"ping", "{b:?}");
        }
    }
}

#[test]
fn accept_takes_a_timeout_past_the_clock() {
    for b in BACKENDS {
        for t in HUGE {
            let (c, s) = pair(b, "accept", t);
            gen_tcp::send(&c, "ping").unwrap();
            assert_eq!(gen_tcp::recv(&s, 4, None).unwrap(), b"ping", "{b:?}");
        }
    }
}

#[test]
fn recv_takes_a_timeout_past_the_clock() {
    for b in BACKENDS {
        for t in HUGE {
            let (c, s) = pair(b, "", t);
            gen_tcp::send(&c, "ping").unwrap();
            assert_eq!(gen_tcp::recv(&s, 4, Some(t)).unwrap(), b"ping", "{b:?}");
            // Through `Read` too.
            gen_tcp::send(&s, "pong").unwrap();
            let mut buf = [0u8; 4];
            let n = c.port().read_into(&mut buf, Some(t)).unwrap();
            assert_eq!(&buf[..n], &b"pong"[..n], "{b:?}");
        }
    }
}

#[test]
fn send_timeout_past_the_clock_is_infinity() {
    for b in BACKENDS {
        let peer = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = peer.local_addr().unwrap().port();
        // `delay_send` with a high watermark of 1 makes every `inet` send
        // meet a busy port and wait for the driver with its send_timeout.
        let c = gen_tcp::connect(
            Ipv4Addr::LOCALHOST,
            port,
            &opts(
                b,
                &[
                    Opt::SendTimeout(Some(Duration::MAX)),
                    Opt::DelaySend(true),
                    Opt::HighWatermark(1),
                    Opt::LowWatermark(1),
                ],
            ),
            None,
        )
        .unwrap();
        let (mut p, _) = peer.accept().unwrap();
        for _ in 0..3 {
            assert_eq!(gen_tcp::send(&c, "abc"), Ok(()), "{b:?}");
        }
        let mut got = [0u8; 9];
        p.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"abcabcabc");
    }
}

#[test]
fn receive_takes_a_timeout_past_the_clock() {
    let me = gen_tcp::self_pid();
    me.send_user(7u32);
    let m = gen_tcp::receive(Some(Duration::MAX));
    assert!(matches!(m, Some(Message::User(v)) if v.downcast_ref::<u32>() == Some(&7)));
    // A selective receive that skips it, then a message that matches.
    me.send_user(1u8);
    me.send_user(2u32);
    let m = gen_tcp::receive_match(
        |m| matches!(m, Message::User(v) if v.is::<u32>()),
        Some(Duration::MAX),
    );
    assert!(matches!(m, Some(Message::User(v)) if v.downcast_ref::<u32>() == Some(&2)));
}

#[test]
fn active_sockets_keep_working_with_huge_timeouts_set() {
    // A std peer, so only our side takes the huge options.
    for b in BACKENDS {
        let peer = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = peer.local_addr().unwrap().port();
        let c = gen_tcp::connect(
            Ipv4Addr::LOCALHOST,
            port,
            &[
                Opt::InetBackend(b),
                Opt::Binary,
                Opt::Active(Active::Once),
                Opt::SendTimeout(Some(Duration::MAX)),
            ],
            Some(Duration::MAX),
        )
        .unwrap();
        let (mut p, _) = peer.accept().unwrap();
        p.write_all(b"hi").unwrap();
        match gen_tcp::receive_from(&c, Some(Duration::MAX)) {
            Some(Message::Tcp(_, d)) => assert_eq!(d, b"hi"),
            other => panic!("{b:?}: {other:?}"),
        }
    }
}
