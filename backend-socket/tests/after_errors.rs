//! What the socket answers after a reset, an end of stream, or our own
//! `shutdown`: OTP 25's socket backend, state by state.

mod common;

use common::{pair, T};
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::process::{receive_from, Message};
use gen_tcp_core::stats::Stat;
use gen_tcp_core::{Active, Error, Opt, OptName, PacketType, Shutdown, Socket};
use std::time::Duration;

const QUIET: Option<Duration> = Some(Duration::from_millis(50));
const ENOTCONN: Error = Error::Posix(libc::ENOTCONN);

/// A pair whose client end is reset by the server end (`{linger, {true,
/// 0}}` then close), after it sent `bytes`.
fn reset_pair(client: &[Opt], bytes: &[u8]) -> Socket {
    let (c, s) = pair(client, &[Opt::Linger((true, 0))]);
    if !bytes.is_empty() {
        s.send(bytes).unwrap();
    }
    s.port().close().unwrap();
    c
}

#[test]
fn a_passive_read_that_meets_a_reset_closes_the_socket() {
    let c = reset_pair(&[], b"ab");
    let mut got = Vec::new();
    let end = loop {
        match c.recv(0, T) {
            Ok(d) => got.extend_from_slice(&d.into_bytes()),
            Err(e) => break e,
        }
    };
    assert!(got.is_empty() || got == b"ab", "{got:?}");
    assert_eq!(end, Error::Closed);
    assert_eq!(c.recv(0, T), Err(Error::Closed));
    assert_eq!(c.send("x"), Err(Error::Closed));
    assert_eq!(c.port().getstat(&[Stat::RecvOct]), Err(Error::Closed));
    assert_eq!(c.port().sockname().map(|_| ()), Err(Error::Closed));
    assert_eq!(c.port().shutdown(Shutdown::Write), Err(Error::Closed));
    assert_eq!(c.port().getopts(&[OptName::Packet]), Err(Error::Einval));
    assert_eq!(
        c.port().setopts(&[Opt::SendTimeout(None)]),
        Err(Error::Einval)
    );
    assert_eq!(c.port().close(), Ok(()));
}

#[test]
fn an_active_reader_that_meets_a_reset_reports_it_then_the_socket_is_closed() {
    let c = reset_pair(&[Opt::ShowEconnreset(true)], b"");
    c.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    match receive_from(&c, T) {
        Some(Message::TcpError(_, Error::Econnreset)) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(receive_from(&c, T), Some(Message::TcpClosed(_))));
    assert_eq!(c.send("x"), Err(Error::Closed));
    assert_eq!(c.port().peername().map(|_| ()), Err(Error::Closed));
}

#[test]
fn a_clean_end_of_stream_keeps_the_socket_open() {
    let (c, s) = pair(&[], &[]);
    s.port().shutdown(Shutdown::Write).unwrap();
    assert_eq!(c.recv(0, T), Err(Error::Closed));
    // The write side still works, and options other than `active` too.
    c.send("x").unwrap();
    assert_eq!(s.recv(1, T).unwrap(), b"x");
    assert!(c.port().getstat(&[Stat::RecvOct]).is_ok());
    c.port().setopts(&[Opt::SendTimeout(None)]).unwrap();
    assert_eq!(
        c.port().setopts(&[Opt::Active(Active::Once)]),
        Err(Error::Einval)
    );
    assert_eq!(c.port().getopts(&[OptName::Active]), Err(Error::Einval));
    assert_eq!(
        c.port().getopts(&[OptName::SendTimeout]),
        Ok(vec![Opt::SendTimeout(None)])
    );
    // Reading is over, as after our own shutdown(read).
    c.port().shutdown(Shutdown::Read).unwrap();
    assert_eq!(c.port().shutdown(Shutdown::ReadWrite), Err(ENOTCONN));
}

#[test]
fn after_our_shutdown_read_recv_answers_closed_even_with_bytes() {
    let (c, s) = pair(&[], &[]);
    c.send("abc").unwrap();
    assert_eq!(s.recv(1, T).unwrap(), b"a");
    s.port().shutdown(Shutdown::Read).unwrap();
    assert_eq!(s.recv(0, T), Err(Error::Closed));
    assert_eq!(s.recv(0, T), Err(Error::Closed));
    // Not closed: writing, counters and other options still work.
    s.send("x").unwrap();
    assert_eq!(c.recv(1, T).unwrap(), b"x");
    assert!(s.port().getstat(&[Stat::RecvOct]).is_ok());
    s.port().setopts(&[Opt::SendTimeout(None)]).unwrap();
    assert_eq!(s.port().getopts(&[OptName::Active]), Err(Error::Einval));
    assert_eq!(
        s.port().setopts(&[Opt::Active(Active::True)]),
        Err(Error::Einval)
    );
    // The reader's other options too; `packet` is not one of them.
    assert_eq!(s.port().getopts(&[OptName::Header]), Err(Error::Einval));
    assert_eq!(s.port().setopts(&[Opt::List]), Err(Error::Einval));
    s.port().setopts(&[Opt::Packet(PacketType::Two)]).unwrap();
}

#[test]
fn our_shutdown_read_on_an_active_socket_sends_nothing() {
    let (c, s) = pair(&[], &[Opt::ShowEconnreset(true)]);
    s.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    s.port().shutdown(Shutdown::Read).unwrap();
    c.send("late").unwrap();
    c.port().close().unwrap();
    let m = receive_from(&s, QUIET);
    assert!(m.is_none(), "{m:?}");
}

#[test]
fn shutdown_remembers_what_was_shut() {
    let (_c, s) = pair(&[], &[]);
    s.port().shutdown(Shutdown::Write).unwrap();
    s.port().shutdown(Shutdown::Write).unwrap();
    s.port().shutdown(Shutdown::Read).unwrap();
    s.port().shutdown(Shutdown::Read).unwrap();
    assert_eq!(s.port().shutdown(Shutdown::ReadWrite), Err(ENOTCONN));
    s.port().shutdown(Shutdown::Write).unwrap();
    s.port().shutdown(Shutdown::ReadWrite).unwrap();
    assert_eq!(s.port().shutdown(Shutdown::Read), Err(ENOTCONN));
    assert_eq!(s.port().shutdown(Shutdown::Write), Err(ENOTCONN));

    let (_c, s) = pair(&[], &[]);
    s.port().shutdown(Shutdown::ReadWrite).unwrap();
    s.port().shutdown(Shutdown::ReadWrite).unwrap();
    assert_eq!(s.port().shutdown(Shutdown::Write), Err(ENOTCONN));
}

/// Waits (bounded) until the kernel reports `s` readable: the reset came.
fn wait_readable(s: &Socket) {
    use std::os::fd::{AsFd, AsRawFd};
    let mut p = libc::pollfd {
        fd: s.as_fd().as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut p, 1, 3000) };
    assert_eq!(n, 1, "the reset never came");
}

#[test]
fn turning_active_reads_at_once_so_a_reset_already_there_is_reported() {
    let c = reset_pair(&[], b"");
    wait_readable(&c);
    c.port().setopts(&[Opt::Active(Active::True)]).unwrap();
    // The reset was read before setopts returned: the socket is closed.
    assert_eq!(c.recv(0, T), Err(Error::Closed));
    assert!(matches!(receive_from(&c, T), Some(Message::TcpClosed(_))));
}

#[test]
fn turning_active_reads_past_a_short_read_to_the_reset_behind_it() {
    let c = reset_pair(&[], b"e");
    wait_readable(&c);
    c.port().setopts(&[Opt::Active(Active::N(3))]).unwrap();
    assert_eq!(c.recv(0, T), Err(Error::Closed));
    match receive_from(&c, T) {
        Some(Message::Tcp(_, d)) => assert_eq!(d.to_vec(), b"e"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(receive_from(&c, T), Some(Message::TcpClosed(_))));
}
