//! What a socket answers after its connection failed or was shut, as OTP
//! 25's `inet_drv` port answers (each case measured with otp-diff; the
//! corpus entry is named where there is one).

mod common;
use common::*;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::process::{receive_from, Message};
use gen_tcp_core::{Active, Error, Opt, OptName, PacketType, Shutdown, Socket, Stat};
use std::io::Write;
use std::time::Duration;

/// The message about `c` already in the mailbox, in a short form.
fn waiting(c: &Socket) -> String {
    match receive_from(c, Some(Duration::ZERO)) {
        Some(Message::Tcp(_, d)) => format!("tcp {}", String::from_utf8_lossy(&d.to_vec())),
        Some(Message::TcpError(_, e)) => format!("tcp_error {e}"),
        Some(Message::TcpClosed(_)) => "tcp_closed".into(),
        Some(_) => "other".into(),
        None => "nothing".into(),
    }
}

/// The next message about `c`, waiting for it.
fn next(c: &Socket) -> String {
    match receive_from(c, Some(WAIT)) {
        Some(Message::TcpError(_, e)) => format!("tcp_error {e}"),
        Some(Message::TcpClosed(_)) => "tcp_closed".into(),
        Some(_) => "other".into(),
        None => "nothing".into(),
    }
}

/// inet-shutdown-active-closes: the end of stream our own shutdown(read)
/// makes is read before shutdown returns, not whenever the driver runs.
#[test]
fn own_shutdown_read_on_an_active_socket_ends_the_stream_before_it_returns() {
    let (c, _peer) = connected(&[Opt::Binary, Opt::Active(Active::True)]);
    c.port().shutdown(Shutdown::ReadWrite).unwrap();
    assert_eq!(waiting(&c), "tcp_closed");
    // With exit_on_close the port is gone.
    assert_eq!(c.port().getopts(&[OptName::Active]), Err(Error::Einval));
    let (c, _peer) = connected(&[Opt::Active(Active::True), Opt::ExitOnClose(false)]);
    c.port().shutdown(Shutdown::Read).unwrap();
    assert_eq!(waiting(&c), "tcp_closed");
    assert_eq!(waiting(&c), "nothing");
}

/// inet-calls-after-failed-send: the descriptor is closed, the port lives.
#[test]
fn after_a_failed_send_the_port_answers_for_a_closed_descriptor() {
    let (c, peer) = passive(&[]);
    reset_on_close(&peer);
    drop(peer);
    let mut sent = 0;
    eventually("a send fails after the peer's reset", || {
        sent += 1;
        c.send("vwx").is_err()
    });
    assert_eq!(c.port().sockname(), Err(Error::Posix(libc::EBADF)));
    assert_eq!(c.port().peername(), Err(Error::Posix(libc::ENOTCONN)));
    // Kernel options are accepted, not set; the others are set.
    assert_eq!(c.port().setopts(&[Opt::Nodelay(true)]), Ok(()));
    assert_eq!(c.port().setopts(&[Opt::Packet(PacketType::Two)]), Ok(()));
    assert_eq!(c.port().getopts(&[OptName::Nodelay]), Ok(vec![]));
    // The failed send is counted.
    let oct = c.port().getstat(&[Stat::SendOct]).unwrap()[0].1;
    assert_eq!(oct, 3 * sent);
    assert_eq!(
        c.recv(0, Some(Duration::ZERO)).map(|_| ()),
        Err(Error::Closed)
    );
    assert_eq!(
        c.recv(0, Some(Duration::ZERO)).map(|_| ()),
        Err(Error::Posix(libc::ENOTCONN))
    );
}

/// inet-show-econnreset-after-shutdown: the EPIPE of a send after our own
/// shutdown(write) is the peer's reset to inet_drv; an active socket then
/// tells its owner and is gone.
#[test]
fn send_after_own_shutdown_write_with_show_econnreset() {
    let (c, _peer) = passive(&[Opt::ShowEconnreset(true)]);
    c.port().shutdown(Shutdown::Write).unwrap();
    assert_eq!(c.send("lmn"), Err(Error::Econnreset));
    assert_eq!(c.send("o"), Err(Error::Posix(libc::ENOTCONN)));
    assert_eq!(
        c.recv(0, Some(Duration::ZERO)).map(|_| ()),
        Err(Error::Econnreset)
    );

    let (c, _peer) = connected(&[Opt::Active(Active::True), Opt::ShowEconnreset(true)]);
    c.port().shutdown(Shutdown::Write).unwrap();
    assert_eq!(c.send("lmn"), Err(Error::Econnreset));
    assert_eq!(waiting(&c), "tcp_error econnreset");
    assert_eq!(waiting(&c), "tcp_closed");
    assert_eq!(c.send("o"), Err(Error::Closed));
    assert_eq!(c.port().getstat(&[Stat::SendOct]), Err(Error::Einval));
}

/// inet-calls-after-reset-keep-open: without exit_on_close a read that
/// meets the reset ends the read side only; every recv answers closed.
#[test]
fn exit_on_close_false_a_reset_read_by_recv_keeps_the_descriptor() {
    let (c, peer) = passive(&[Opt::ExitOnClose(false)]);
    reset_on_close(&peer);
    drop(peer);
    assert_eq!(c.recv(0, Some(WAIT)).map(|_| ()), Err(Error::Closed));
    assert_eq!(c.recv(3, Some(WAIT)).map(|_| ()), Err(Error::Closed));
    assert!(c.port().sockname().is_ok());
    assert_eq!(c.port().setopts(&[Opt::Nodelay(true)]), Ok(()));
    // A send then meets the reset: closed from now on, for both.
    assert_eq!(c.send("ab"), Err(Error::Closed));
    assert_eq!(c.send("ab"), Err(Error::Closed));
    assert_eq!(c.recv(0, Some(WAIT)).map(|_| ()), Err(Error::Closed));
    assert_eq!(c.port().sockname(), Err(Error::Posix(libc::EBADF)));
}

/// inet-active-reset-keeps-descriptor: the same on an active socket; the
/// owner is told, and send meets the reset on the live descriptor.
#[test]
fn exit_on_close_false_an_active_reset_leaves_the_descriptor_for_send() {
    let (c, peer) = connected(&[
        Opt::Active(Active::True),
        Opt::ExitOnClose(false),
        Opt::ShowEconnreset(true),
    ]);
    reset_on_close(&peer);
    drop(peer);
    assert_eq!(next(&c), "tcp_error econnreset");
    assert_eq!(next(&c), "tcp_closed");
    assert_eq!(c.send("klmnopq"), Err(Error::Econnreset));
}

/// inet-emsgsize-keeps-connection: without exit_on_close, emsgsize drops
/// what was buffered and the connection lives on.
#[test]
fn exit_on_close_false_emsgsize_keeps_the_connection() {
    let (c, mut peer) = passive(&[
        Opt::ExitOnClose(false),
        Opt::Packet(PacketType::Two),
        Opt::PacketSize(5),
    ]);
    peer.write_all(b"\x00\x09abcdefghi").unwrap();
    assert_eq!(c.recv(0, Some(WAIT)).map(|_| ()), Err(Error::Emsgsize));
    assert_eq!(
        c.recv(0, Some(Duration::ZERO)).map(|_| ()),
        Err(Error::Timeout)
    );
    peer.write_all(b"\x00\x02ok").unwrap();
    assert_eq!(c.recv(0, Some(WAIT)).unwrap().to_vec(), b"ok");
}

/// Without exit_on_close, an active emsgsize tells the owner and stops
/// reading until the next activation; the connection lives on.
#[test]
fn exit_on_close_false_active_emsgsize_reads_again_once_activated() {
    let (c, mut peer) = connected(&[
        Opt::Binary,
        Opt::Active(Active::True),
        Opt::ExitOnClose(false),
        Opt::Packet(PacketType::Two),
        Opt::PacketSize(5),
    ]);
    peer.write_all(b"\x00\x09abcdefghi").unwrap();
    assert_eq!(next(&c), "tcp_error emsgsize");
    assert_eq!(next(&c), "tcp_closed");
    assert_eq!(c.send("a"), Ok(()));
    assert!(c.port().sockname().is_ok());
    assert_eq!(
        c.port().getopts(&[OptName::Active]),
        Ok(vec![Opt::Active(Active::True)])
    );
    c.port().setopts(&[Opt::Active(Active::Once)]).unwrap();
    peer.write_all(b"\x00\x02ok").unwrap();
    match receive_from(&c, Some(WAIT)) {
        Some(Message::Tcp(_, d)) => assert_eq!(d.to_vec(), b"ok"),
        _ => panic!("no {{tcp, S, <<\"ok\">>}}"),
    }
}
