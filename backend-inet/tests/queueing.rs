//! The output queue: `send` never waits for the network, `shutdown` and
//! `close` wait for the queue in the background, and a busy port makes
//! senders wait up to `send_timeout`. Each test reads what the peer got.

mod common;
use common::*;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Error, Opt, Shutdown};
use std::io::Read;
use std::time::Duration;

const BIG: usize = 8 * 1024 * 1024;

#[test]
fn send_of_8_mb_returns_at_once_and_the_peer_gets_it_all_in_order() {
    let (c, mut peer) = passive(&[]);
    let data = pattern(BIG);
    c.send(&data[..]).unwrap();
    // Returned while the peer has read nothing, the rest queued: it did
    // not wait for the network.
    assert!(send_pend(&c) > 0, "nothing was queued");
    let mut got = vec![0u8; BIG];
    peer.read_exact(&mut got).unwrap();
    assert!(got == data, "bytes lost or out of order");
    eventually("queue drained", || send_pend(&c) == 0);
}

#[test]
fn delay_send_queues_and_the_driver_writes_soon_after() {
    let (c, mut peer) = passive(&[Opt::DelaySend(true)]);
    c.send("one ").unwrap();
    c.send("two").unwrap();
    let mut got = [0u8; 7];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"one two");
}

#[test]
fn shutdown_write_with_a_queue_returns_at_once_and_the_fin_follows_the_bytes() {
    let (c, mut peer) = passive(&[]);
    let data = pattern(BIG);
    c.send(&data[..]).unwrap();
    assert!(send_pend(&c) > 0);
    assert_eq!(c.port().shutdown(Shutdown::Write), Ok(()));
    assert!(send_pend(&c) > 0, "shutdown waited for the queue");
    let (got, r) = read_to_end(&mut peer);
    r.unwrap();
    assert_eq!(got.len(), BIG);
    assert!(got == data, "bytes out of order");
    // Reading still works after shutdown(write).
    std::io::Write::write_all(&mut peer, b"back").unwrap();
    assert_eq!(c.recv(4, Some(WAIT)).unwrap(), b"back");
}

#[test]
fn close_with_a_queue_waits_until_every_byte_is_written() {
    let (c, mut peer) = passive(&[]);
    let data = pattern(BIG);
    c.send(&data[..]).unwrap();
    assert!(send_pend(&c) > 0);
    // As prim_inet:close/1, close returns once the driver has written the
    // queue, which takes a reader.
    let reader = std::thread::spawn(move || read_to_end(&mut peer));
    assert_eq!(c.port().close(), Ok(()));
    assert_eq!(c.send("x"), Err(Error::Closed));
    let (got, r) = reader.join().unwrap();
    r.unwrap();
    assert_eq!(got.len(), BIG);
    assert!(got == data, "bytes out of order");
}

#[test]
fn close_with_linger_zero_drops_the_queue() {
    let (c, mut peer) = passive(&[Opt::Linger((true, 0))]);
    c.send(&pattern(BIG)[..]).unwrap();
    c.port().close().unwrap();
    let (got, _) = read_to_end(&mut peer);
    assert!(got.len() < BIG, "a linger-zero close wrote the whole queue");
}

#[test]
fn send_after_shutdown_write_is_closed_then_enotconn() {
    // OTP 25: the send meets EPIPE; {error, closed}, then {error, enotconn}.
    let (c, mut peer) = passive(&[]);
    c.port().shutdown(Shutdown::Write).unwrap();
    assert_eq!(c.send("late"), Err(Error::Closed));
    assert_eq!(c.send("late"), Err(Error::Posix(libc::ENOTCONN)));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Closed));
    let (got, _) = read_to_end(&mut peer);
    assert!(got.is_empty());
}

#[test]
fn busy_port_send_times_out_and_keeps_its_bytes_queued() {
    // OTP 25: the send that fills the queue is ok; the next waits for the
    // busy port and answers {error, timeout}, its bytes queued all the same.
    let (c, mut peer) = passive(&[Opt::SendTimeout(Some(Duration::from_millis(100)))]);
    let data = pattern(BIG);
    c.send(&data[..]).unwrap();
    assert!(send_pend(&c) > 8192);
    assert_eq!(c.send("more"), Err(Error::Timeout));
    // Its bytes were queued all the same: the peer gets them last.
    let mut got = vec![0u8; data.len() + 4];
    peer.read_exact(&mut got).unwrap();
    assert!(got[..data.len()] == data[..]);
    assert_eq!(&got[data.len()..], b"more");
}

#[test]
fn busy_port_send_timeout_close_closes_the_socket() {
    // OTP 25: ok, {error, timeout}, then {error, enotconn}; the peer sees the end.
    let (c, mut peer) = passive(&[
        Opt::SendTimeout(Some(Duration::from_millis(50))),
        Opt::SendTimeoutClose(true),
    ]);
    c.send(&pattern(BIG)[..]).unwrap();
    assert_eq!(c.send("x"), Err(Error::Timeout));
    assert_eq!(c.send("x"), Err(Error::Posix(libc::ENOTCONN)));
    assert_eq!(c.recv(0, Some(WAIT)), Err(Error::Posix(libc::ENOTCONN)));
    let (got, _) = read_to_end(&mut peer);
    assert!(got.len() < BIG);
}

#[test]
fn a_sender_waits_on_a_busy_port_until_the_peer_reads() {
    // No send_timeout: the send over high_watermark returns ok, the next
    // one waits until the queue is below low_watermark.
    let (c, mut peer) = passive(&[]);
    let data = pattern(BIG);
    c.send(&data[..]).unwrap();
    let c2 = c.clone();
    let next = spawn_blocked(&[libc::SYS_futex], move || {
        c2.send("after").unwrap();
    });
    // It waits on the busy port (a condvar), the peer having read nothing.
    assert!(!next.is_finished(), "a send went through a busy port");
    let mut got = vec![0u8; data.len() + 5];
    peer.read_exact(&mut got).unwrap();
    next.join().unwrap();
    assert!(got[..data.len()] == data[..]);
    assert_eq!(&got[data.len()..], b"after");
}
