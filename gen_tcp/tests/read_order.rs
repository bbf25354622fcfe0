//! `std::io::Read` on a framed socket hands a packet out in pieces; the
//! rest of a packet read in part is the next thing the socket delivers,
//! whoever takes it: `recv`, `Read` again, or an active message. Before,
//! a `recv` after a partial `Read` returned the *next* packet, and the rest
//! came later, out of order (found by the stress suite's random API runs).

use gen_tcp::{Active, InetBackend, Message, Opt, PacketType, Socket};
use std::io::Read;
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(10));

/// A connected pair with `{packet, 2}`: the client has sent two packets.
fn two_packets(b: InetBackend) -> (Socket, Socket) {
    let opts = [
        Opt::InetBackend(b),
        Opt::Binary,
        Opt::Active(Active::False),
        Opt::Packet(PacketType::Two),
    ];
    let l = gen_tcp::listen(0, &opts).unwrap();
    let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &opts, WAIT).unwrap();
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    gen_tcp::send(&c, "first packet").unwrap();
    gen_tcp::send(&c, "second").unwrap();
    (c, s)
}

/// Reads the first 5 bytes of the first packet.
fn read_part(s: &Socket) {
    let mut buf = [0u8; 5];
    assert_eq!((&*s).read(&mut buf).unwrap(), 5);
    assert_eq!(&buf, b"first");
}

#[test]
fn recv_after_a_partial_read_gets_the_rest_first() {
    for b in [InetBackend::Inet, InetBackend::Socket] {
        let (_c, s) = two_packets(b);
        read_part(&s);
        assert_eq!(gen_tcp::recv(&s, 0, WAIT).unwrap(), b" packet", "{b:?}");
        assert_eq!(gen_tcp::recv(&s, 0, WAIT).unwrap(), b"second", "{b:?}");
    }
}

#[test]
fn an_active_socket_delivers_the_rest_of_a_partial_read_first() {
    for b in [InetBackend::Inet, InetBackend::Socket] {
        let (_c, s) = two_packets(b);
        read_part(&s);
        gen_tcp::setopts(&s, &[Opt::Active(Active::True)]).unwrap();
        for want in [&b" packet"[..], b"second"] {
            match gen_tcp::receive_from(&s, WAIT) {
                Some(Message::Tcp(_, d)) => assert_eq!(d, want, "{b:?}"),
                other => panic!("{b:?}: {other:?}"),
            }
        }
    }
}

#[test]
fn the_rest_of_a_partial_read_comes_first_in_raw_mode_too() {
    for b in [InetBackend::Inet, InetBackend::Socket] {
        let (_c, s) = two_packets(b);
        read_part(&s);
        gen_tcp::setopts(&s, &[Opt::Packet(PacketType::Raw)]).unwrap();
        // The rest of the first packet, then the second frame as it is on
        // the wire (its 2-byte header, then "second").
        let mut got = Vec::new();
        while got.len() < 7 + 2 + 6 {
            got.extend_from_slice(&gen_tcp::recv(&s, 0, WAIT).unwrap().to_vec());
        }
        assert_eq!(got, b" packet\x00\x06second", "{b:?}");
    }
}
