//! Dropping the last handle of a socket that needs no event loop any more
//! closes it, as dropping a `TcpStream` does, even when the socket was
//! active once (and so registered with a reactor for life): the reactor
//! holds a socket only while it works for it (active, or output queued).

use gen_tcp::{Active, Error, InetBackend, Message, Opt, Socket};
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(10));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// `(ours, peer)`: `ours` on backend `b` with `opts`, the peer passive.
fn pair(b: InetBackend, opts: &[Opt]) -> (Socket, Socket) {
    let l = gen_tcp::listen(
        0,
        &[Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::False)],
    )
    .unwrap();
    let mut o = vec![Opt::InetBackend(b), Opt::Binary];
    o.extend_from_slice(opts);
    let ours = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &o, WAIT).unwrap();
    let peer = gen_tcp::accept(&l, WAIT).unwrap();
    (ours, peer)
}

#[test]
fn a_socket_active_once_then_passive_closes_with_its_last_handle() {
    for b in BACKENDS {
        let (ours, peer) = pair(b, &[Opt::Active(Active::Once)]);
        gen_tcp::send(&peer, "one").unwrap();
        match gen_tcp::receive_from(&ours, WAIT) {
            Some(Message::Tcp(_, d)) => assert_eq!(d, b"one", "{b:?}"),
            other => panic!("{b:?}: {other:?}"),
        }
        // `{active, once}` is spent: the socket is passive, registered.
        drop(ours);
        assert_eq!(gen_tcp::recv(&peer, 0, WAIT), Err(Error::Closed), "{b:?}");
    }
}

#[test]
fn a_socket_made_passive_by_setopts_closes_with_its_last_handle() {
    for b in BACKENDS {
        let (ours, peer) = pair(b, &[Opt::Active(Active::True)]);
        gen_tcp::setopts(&ours, &[Opt::Active(Active::False)]).unwrap();
        drop(ours);
        assert_eq!(gen_tcp::recv(&peer, 0, WAIT), Err(Error::Closed), "{b:?}");
    }
}

#[test]
fn an_active_socket_outlives_its_last_handle() {
    for b in BACKENDS {
        let (ours, peer) = pair(b, &[Opt::Active(Active::True)]);
        let id = ours.id();
        drop(ours);
        gen_tcp::send(&peer, "still there").unwrap();
        match gen_tcp::receive(WAIT) {
            Some(Message::Tcp(s, d)) => {
                assert_eq!(s.id(), id, "{b:?}");
                assert_eq!(d, b"still there", "{b:?}");
                gen_tcp::close(&s).unwrap();
            }
            other => panic!("{b:?}: {other:?}"),
        }
        assert_eq!(gen_tcp::recv(&peer, 0, WAIT), Err(Error::Closed), "{b:?}");
    }
}
