//! Accepting, ownership, closing, and the options as OTP 25's `socket`
//! backend reports them.

mod common;

use common::{connect_to, listener, opts, pair, spawn_blocked, waits, T};
use gen_tcp_backend_socket as backend;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::process::{self_pid, spawn_with_handle};
use gen_tcp_core::{Active, Error, Family, Ifaddr, Mode, Opt, OptName, Socket};
use std::time::Duration;

#[test]
fn accept_times_out() {
    let l = listener(&[]);
    let r = l.port().accept(Some(Duration::from_millis(30)));
    assert_eq!(r.err(), Some(Error::Timeout));
}

#[test]
fn concurrent_accepts_each_get_one_connection() {
    let l = listener(&[]);
    let acceptors: Vec<_> = (0..4)
        .map(|_| {
            let l = l.clone();
            std::thread::spawn(move || l.port().accept(T).map(|s| s.recv(1, T)))
        })
        .collect();
    let clients: Vec<Socket> = (0..4u8)
        .map(|i| {
            let c = connect_to(&l, &[]);
            c.send([b'a' + i]).unwrap();
            c
        })
        .collect();
    let mut got: Vec<u8> = acceptors
        .into_iter()
        .map(|a| a.join().unwrap().unwrap().unwrap().to_vec()[0])
        .collect();
    got.sort();
    assert_eq!(got, b"abcd");
    drop(clients);
}

#[test]
fn closing_the_listen_socket_ends_blocked_accepts() {
    let l = listener(&[]);
    let l2 = l.clone();
    let waiter = spawn_blocked(&waits(), move || l2.port().accept(T).err());
    l.port().close().unwrap();
    assert_eq!(waiter.join().unwrap(), Some(Error::Closed));
}

#[test]
fn accepted_socket_inherits_options_and_belongs_to_the_acceptor() {
    let l = listener(&[Opt::List, Opt::Buffer(1234)]);
    let _c = connect_to(&l, &[]);
    let (pid, h) = spawn_with_handle({
        let l = l.clone();
        move || {
            let s = l.port().accept(T).unwrap();
            let names = [OptName::Mode, OptName::Buffer, OptName::Active];
            (s.owner(), s.port().getopts(&names), s)
        }
    });
    let (owner, got, s) = h.join().unwrap();
    assert_eq!(owner, pid);
    assert_eq!(
        got,
        Ok(vec![
            Opt::Mode(Mode::List),
            Opt::Buffer(1234),
            Opt::Active(Active::False)
        ])
    );
    // The acceptor has ended, so its socket is closed.
    assert!(s.port().is_closed());
}

#[test]
fn owner_exit_closes_the_socket_and_the_peer_sees_closed() {
    let l = listener(&[]);
    let (_, h) = spawn_with_handle({
        let l = l.clone();
        move || connect_to(&l, &[])
    });
    let c = h.join().unwrap();
    let s = l.port().accept(T).unwrap();
    assert!(c.port().is_closed());
    assert_eq!(s.recv(0, T), Err(Error::Closed));
    assert_eq!(s.owner(), self_pid());
}

#[test]
fn defaults_are_those_otp_25_reports() {
    let (c, _s) = pair(&[], &[]);
    let got = c
        .port()
        .getopts(&[
            OptName::Buffer,
            OptName::PacketSize,
            OptName::LowWatermark,
            OptName::HighWatermark,
            OptName::Tclass,
            OptName::SendTimeout,
            OptName::Pktoptions,
        ])
        .unwrap();
    assert_eq!(
        got,
        [
            Opt::Buffer(8192),
            Opt::PacketSize(67_108_864),
            Opt::LowWatermark(1),
            Opt::SendTimeout(None),
            Opt::Pktoptions(vec![]),
        ]
    );
    // In the reference page (OTP 26), though OTP 25 refuses it.
    assert_eq!(
        c.port().getopts(&[OptName::Reuseport]),
        Ok(vec![Opt::Reuseport(false)])
    );
}

#[test]
fn setopts_refuses_what_otp_refuses_keeping_what_came_before() {
    let (c, _s) = pair(&[], &[]);
    let einval = [
        Opt::InetBackend(gen_tcp_core::InetBackend::Socket),
        Opt::Port(1),
        Opt::Ifaddr(Ifaddr::Ip([127, 0, 0, 1].into())),
        Opt::Buffer(0),
    ];
    for bad in einval {
        assert_eq!(
            c.port().setopts(&[Opt::List, bad.clone()]),
            Err(Error::Einval),
            "{bad:?}"
        );
    }
    // OTP 25's socket backend applies the options before the bad one.
    assert_eq!(
        c.port().getopts(&[OptName::Mode]),
        Ok(vec![Opt::Mode(Mode::List)])
    );
    // Accepted and ignored, as OTP 25 does.
    c.port()
        .setopts(&[Opt::Ip([127, 0, 0, 1].into()), Opt::Backlog(5), Opt::Inet])
        .unwrap();
    c.port().setopts(&[Opt::Nodelay(true)]).unwrap();
    assert_eq!(
        c.port().getopts(&[OptName::Nodelay]),
        Ok(vec![Opt::Nodelay(true)])
    );
}

#[test]
fn nodelay_on_a_local_socket_is_enotsup() {
    let dir = std::env::temp_dir().join(format!("gen_tcp_sock_{}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let local = |extra: &[Opt]| {
        let mut o = vec![Opt::Local, Opt::Ifaddr(Ifaddr::Local(dir.clone()))];
        o.extend_from_slice(extra);
        opts(&o)
    };
    assert_eq!(
        backend::listen(0, &local(&[Opt::Nodelay(true)])).err(),
        Some(Error::Enotsup)
    );
    let l = backend::listen(0, &local(&[])).unwrap();
    assert_eq!(l.port().setopts(&[Opt::Nodelay(true)]), Err(Error::Enotsup));
    let addr = l.port().sockname().unwrap();
    let c = opts(&[Opt::Local, Opt::Nodelay(true)]);
    assert_eq!(c.family, Some(Family::Local));
    assert_eq!(backend::connect(&[addr], &c, T).err(), Some(Error::Enotsup));
    let _ = std::fs::remove_file(&dir);
}

#[test]
fn a_closed_socket_answers_closed() {
    let (c, _s) = pair(&[], &[]);
    c.port().close().unwrap();
    assert_eq!(c.port().sockname(), Err(Error::Closed));
    assert_eq!(c.port().getopts(&[OptName::Active]), Err(Error::Closed));
    assert_eq!(
        c.port().setopts(&[Opt::Active(Active::True)]),
        Err(Error::Closed)
    );
    assert_eq!(c.send("x"), Err(Error::Closed));
    assert_eq!(
        c.port().shutdown(gen_tcp_core::Shutdown::Write),
        Err(Error::Closed)
    );
    assert_eq!(c.port().close(), Err(Error::Closed));
}

#[test]
fn wrong_socket_kind_errors_match_otp() {
    let l = listener(&[]);
    let c = connect_to(&l, &[]);
    assert_eq!(l.recv(0, T), Err(Error::Posix(libc::ENOTCONN)));
    assert_eq!(l.send("x"), Err(Error::Closed));
    assert_eq!(c.port().accept(T).err(), Some(Error::Einval));
}
