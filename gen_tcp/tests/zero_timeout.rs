//! `recv(S, L, 0)` takes what the kernel already holds, as OTP's does:
//! a zero (or passed) timeout ends the *wait*, never the one read that
//! comes first. Found by otp-diff's corpus (`recv-buffer-limits-raw-reads`)
//! after the "a timeout is a deadline" change checked the deadline before
//! reading at all.

use gen_tcp::{Active, InetBackend, Opt, PacketType, Socket};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];
const ZERO: Option<Duration> = Some(Duration::ZERO);

/// A passive gen_tcp socket with `extra` options and its std peer.
fn pair(b: InetBackend, extra: &[Opt]) -> (Socket, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut opts = vec![Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::False)];
    opts.extend_from_slice(extra);
    let port = l.local_addr().unwrap().port();
    let s = gen_tcp::connect("127.0.0.1", port, &opts, Some(Duration::from_secs(10))).unwrap();
    let (peer, _) = l.accept().unwrap();
    (s, peer)
}

/// Bytes the kernel holds for `s`, not read yet.
fn in_kernel(s: &Socket) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int through the pointer; the descriptor
    // is the live socket `s` borrows.
    let r = unsafe { libc::ioctl(s.as_raw_fd(), libc::FIONREAD, &mut n) };
    assert_eq!(r, 0);
    n as usize
}

/// Sends `bytes` from the peer and waits (on a condition, bounded) until
/// all of them are in `s`'s receive queue.
fn arrive(s: &Socket, peer: &mut TcpStream, bytes: &[u8]) {
    let before = in_kernel(s);
    peer.write_all(bytes).unwrap();
    let mut pfd = libc::pollfd {
        fd: s.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    for _ in 0..10_000 {
        if in_kernel(s) >= before + bytes.len() {
            return;
        }
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut pfd, 1, 1) };
    }
    panic!("the bytes never reached the receive queue");
}

#[test]
fn a_zero_timeout_recv_takes_what_the_kernel_holds() {
    for b in BACKENDS {
        let (s, mut peer) = pair(b, &[]);
        arrive(&s, &mut peer, b"hello");
        assert_eq!(gen_tcp::recv(&s, 0, ZERO).unwrap(), b"hello", "{b:?} raw");
        assert_eq!(
            gen_tcp::recv(&s, 0, ZERO),
            Err(gen_tcp::Error::Timeout),
            "{b:?}"
        );

        let (s, mut peer) = pair(b, &[Opt::Packet(PacketType::Two)]);
        arrive(&s, &mut peer, b"\x00\x03abc\x00\x02de");
        assert_eq!(
            gen_tcp::recv(&s, 0, ZERO).unwrap(),
            b"abc",
            "{b:?} packet 2"
        );
        assert_eq!(gen_tcp::recv(&s, 0, ZERO).unwrap(), b"de", "{b:?} packet 2");
    }
}

#[test]
fn an_incomplete_packet_still_times_out_and_is_kept() {
    for b in BACKENDS {
        let (s, mut peer) = pair(b, &[Opt::Packet(PacketType::Two)]);
        arrive(&s, &mut peer, b"\x00\x05ab");
        assert_eq!(
            gen_tcp::recv(&s, 0, ZERO),
            Err(gen_tcp::Error::Timeout),
            "{b:?}"
        );
        arrive(&s, &mut peer, b"cde");
        assert_eq!(gen_tcp::recv(&s, 0, ZERO).unwrap(), b"abcde", "{b:?}");
    }
}
