//! Several processes in `accept` on one listen socket: served in the order
//! they came, as OTP serves them; a connection that arrived while they
//! waited is theirs even if the listen socket closes right after; and an
//! acceptor killed from outside (`exit(Pid, kill)`, what a supervisor
//! does) leaves the queue at once. Every wait is on a state
//! (`SocketInfo::acceptors`, a join), never on time.

use gen_tcp::process::Pid;
use gen_tcp::{Error, InetBackend, Opt, Socket};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const WAIT: Option<Duration> = Some(Duration::from_secs(10));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

type Acceptor = (Pid, JoinHandle<gen_tcp::Result<Socket>>);

fn listen(backend: InetBackend) -> Socket {
    let ip = Opt::Ip([127, 0, 0, 1].into());
    gen_tcp::listen(0, &[Opt::InetBackend(backend), ip]).unwrap()
}

/// Waits (bounded) until the processes in `accept` on `l` are `want`, in
/// that order.
fn wait_for_acceptors(l: &Socket, want: &[Pid]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = l.info().acceptors;
        if now == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "acceptors {now:?}, want {want:?}"
        );
        std::thread::park_timeout(Duration::from_millis(1));
    }
}

/// Starts a process that accepts on `l` (with `timeout`), and waits until
/// it is last in the queue, after `before`.
fn acceptor(l: &Socket, before: &mut Vec<Pid>, timeout: Option<Duration>) -> Acceptor {
    let l2 = l.clone();
    let test = gen_tcp::self_pid();
    let (pid, done) = gen_tcp::spawn_with_handle(move || {
        // Given to the test's process, so that it stays open when the
        // acceptor ends.
        let s = gen_tcp::accept(&l2, timeout)?;
        gen_tcp::controlling_process(&s, test)?;
        Ok(s)
    });
    before.push(pid);
    wait_for_acceptors(l, before);
    (pid, done)
}

fn connect(l: &Socket) -> Socket {
    gen_tcp::connect("127.0.0.1", gen_tcp::port(l).unwrap(), &[], WAIT).unwrap()
}

#[test]
fn connections_go_to_acceptors_in_the_order_they_came() {
    for backend in BACKENDS {
        let l = listen(backend);
        let mut queue = Vec::new();
        let a = acceptor(&l, &mut queue, WAIT);
        let b = acceptor(&l, &mut queue, WAIT);
        let c = acceptor(&l, &mut queue, WAIT);
        let _ca = connect(&l);
        let sa = a.1.join().unwrap().unwrap();
        wait_for_acceptors(&l, &[b.0, c.0]);
        let cb = connect(&l);
        let sb = b.1.join().unwrap().unwrap();
        wait_for_acceptors(&l, &[c.0]);
        // b got cb's connection: its peer is cb's local end.
        assert_eq!(
            gen_tcp::peername(&sb).unwrap(),
            gen_tcp::sockname(&cb).unwrap(),
            "{backend:?}"
        );
        assert_ne!(sa.id(), sb.id());
        // A connection that arrived while c waited is c's, even if the
        // listen socket closes before c's thread has run.
        let cc = connect(&l);
        gen_tcp::close(&l).unwrap();
        let sc = c.1.join().unwrap().unwrap();
        assert_eq!(
            gen_tcp::peername(&sc).unwrap(),
            gen_tcp::sockname(&cc).unwrap(),
            "{backend:?}"
        );
        assert_eq!(gen_tcp::accept(&l, WAIT).unwrap_err(), Error::Closed);
    }
}

#[test]
fn a_closed_listen_socket_fails_the_waiters_it_has_no_connection_for() {
    for backend in BACKENDS {
        let l = listen(backend);
        let mut queue = Vec::new();
        let a = acceptor(&l, &mut queue, WAIT);
        let b = acceptor(&l, &mut queue, None);
        let ca = connect(&l);
        gen_tcp::close(&l).unwrap();
        let sa = a.1.join().unwrap().unwrap();
        assert_eq!(
            gen_tcp::peername(&sa).unwrap(),
            gen_tcp::sockname(&ca).unwrap()
        );
        assert_eq!(
            b.1.join().unwrap().unwrap_err(),
            Error::Closed,
            "{backend:?}"
        );
    }
}

#[test]
fn a_timed_out_acceptor_leaves_its_turn_to_the_next() {
    for backend in BACKENDS {
        let l = listen(backend);
        let mut queue = Vec::new();
        let a = acceptor(&l, &mut queue, None);
        // Behind a (or not yet in the queue: either way it times out).
        let l2 = l.clone();
        let b = gen_tcp::spawn_with_handle(move || gen_tcp::accept(&l2, Some(Duration::ZERO)));
        assert_eq!(b.1.join().unwrap().unwrap_err(), Error::Timeout);
        wait_for_acceptors(&l, &[a.0]);
        // The head times out: whoever waits after it gets the connection.
        let l2 = l.clone();
        assert!(a.0.kill());
        assert_eq!(a.1.join().unwrap().unwrap_err(), Error::Killed);
        let head = gen_tcp::spawn_with_handle(move || {
            gen_tcp::accept(&l2, Some(Duration::from_millis(1)))
        });
        let mut queue = Vec::new();
        let c = acceptor(&l, &mut queue, WAIT);
        assert_eq!(head.1.join().unwrap().unwrap_err(), Error::Timeout);
        wait_for_acceptors(&l, &[c.0]);
        let cc = connect(&l);
        let sc = c.1.join().unwrap().unwrap();
        assert_eq!(
            gen_tcp::peername(&sc).unwrap(),
            gen_tcp::sockname(&cc).unwrap()
        );
    }
}

#[test]
fn a_killed_acceptor_leaves_the_queue_and_the_next_gets_the_connection() {
    for backend in BACKENDS {
        let l = listen(backend);
        let mut queue = Vec::new();
        let a = acceptor(&l, &mut queue, None); // the head, waiting on the descriptor
        let b = acceptor(&l, &mut queue, None); // waiting for its turn
        let c = acceptor(&l, &mut queue, None);
        assert!(b.0.kill());
        assert_eq!(
            b.1.join().unwrap().unwrap_err(),
            Error::Killed,
            "{backend:?}"
        );
        wait_for_acceptors(&l, &[a.0, c.0]);
        assert!(a.0.kill());
        assert_eq!(
            a.1.join().unwrap().unwrap_err(),
            Error::Killed,
            "{backend:?}"
        );
        wait_for_acceptors(&l, &[c.0]);
        assert!(!a.0.is_alive());
        let cc = connect(&l);
        let sc = c.1.join().unwrap().unwrap();
        assert_eq!(
            gen_tcp::peername(&sc).unwrap(),
            gen_tcp::sockname(&cc).unwrap()
        );
    }
}

#[test]
fn a_killed_owner_closes_its_listen_socket_and_its_acceptor_returns() {
    for backend in BACKENDS {
        let (tx, rx) = std::sync::mpsc::channel();
        let (owner, done) = gen_tcp::spawn_with_handle(move || {
            let l = listen(backend);
            tx.send(l.clone()).unwrap();
            gen_tcp::accept(&l, None)
        });
        let l = rx.recv().unwrap();
        wait_for_acceptors(&l, &[owner]);
        assert!(owner.kill());
        assert_eq!(done.join().unwrap().unwrap_err(), Error::Killed);
        assert!(l.is_closed(), "{backend:?}");
        // Any blocking call the killed process makes answers at once.
        assert_eq!(gen_tcp::accept(&l, WAIT).unwrap_err(), Error::Closed);
    }
}
