//! `Pid::kill`, Erlang's `exit(Pid, kill)`: a process blocked in `recv`
//! is ended from outside; its call returns `killed`, what it owns closes
//! as when an owner ends, and what it does not own is left as it was
//! (bytes not received stay for the next reader).

use gen_tcp::process::Pid;
use gen_tcp::{Error, InetBackend, Opt, Socket};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(10));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// A passive connection of `backend` owned by the caller, and its plain peer.
fn pair(backend: InetBackend) -> (Socket, TcpStream) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let opts = [
        Opt::InetBackend(backend),
        Opt::Binary,
        Opt::Active(gen_tcp::Active::False),
    ];
    let s = gen_tcp::connect("127.0.0.1", port, &opts, WAIT).unwrap();
    let (peer, _) = l.accept().unwrap();
    (s, peer)
}

#[test]
fn a_recv_on_a_socket_another_process_owns_ends_and_leaves_the_bytes() {
    for backend in BACKENDS {
        for timeout in [None, WAIT] {
            let (s, mut peer) = pair(backend);
            let s2 = s.clone();
            let (pid, done) = gen_tcp::spawn_with_handle(move || gen_tcp::recv(&s2, 0, timeout));
            // Blocked in recv or not yet there: either way it ends, at once.
            assert!(pid.kill());
            let r = done.join().unwrap();
            assert_eq!(r.unwrap_err(), Error::Killed, "{backend:?} {timeout:?}");
            assert!(!pid.is_alive());
            // The socket is the owner's, untouched; the bytes are its.
            peer.write_all(b"abc").unwrap();
            let got = gen_tcp::recv(&s, 0, WAIT).unwrap();
            assert_eq!(got, &b"abc"[..], "{backend:?} {timeout:?}");
        }
    }
}

#[test]
fn a_killed_owner_closes_its_socket_and_the_peer_sees_the_end() {
    for backend in BACKENDS {
        let (s, mut peer) = pair(backend);
        let (tx, rx) = std::sync::mpsc::channel::<Pid>();
        let s2 = s.clone();
        let (pid, done) = gen_tcp::spawn_with_handle(move || {
            rx.recv().unwrap(); // the socket is ours now
            gen_tcp::recv(&s2, 0, None)
        });
        gen_tcp::controlling_process(&s, pid).unwrap();
        tx.send(pid).unwrap();
        assert!(pid.kill());
        assert_eq!(
            done.join().unwrap().unwrap_err(),
            Error::Killed,
            "{backend:?}"
        );
        assert!(s.is_closed(), "{backend:?}");
        // As when an owner ends: the port closes, the peer reads the end.
        let mut rest = Vec::new();
        peer.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        assert_eq!(peer.read_to_end(&mut rest).unwrap(), 0, "{backend:?}");
    }
}

#[test]
fn a_killed_process_gets_killed_from_every_blocking_call() {
    for backend in BACKENDS {
        let (s, _peer) = pair(backend);
        let s2 = s.clone();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (pid, done) = gen_tcp::spawn_with_handle(move || {
            rx.recv().unwrap(); // killed by now
            let received = gen_tcp::receive(None);
            (received.is_none(), gen_tcp::recv(&s2, 0, None))
        });
        assert!(pid.kill());
        assert!(!pid.kill(), "already gone");
        tx.send(()).unwrap();
        let (nothing, r) = done.join().unwrap();
        assert!(nothing);
        assert_eq!(r.unwrap_err(), Error::Killed, "{backend:?}");
        assert!(!s.is_closed(), "not the killed process's socket");
    }
}

/// `socket`: a send blocked on a peer that does not read, made by a
/// process that does not own the socket, ends when that process is
/// killed (the owner's own send ends with the close of its socket).
#[test]
fn a_send_blocked_on_a_full_buffer_ends_when_its_process_is_killed() {
    let (s, _peer) = pair(InetBackend::Socket);
    let s2 = s.clone();
    let (pid, done) = gen_tcp::spawn_with_handle(move || gen_tcp::send(&s2, vec![b'x'; 64 << 20]));
    assert!(pid.kill());
    assert_eq!(done.join().unwrap().unwrap_err(), Error::Killed);
    assert!(!s.is_closed(), "the owner's socket stays open");
}
