//! Sockets between gen_tcp and std, both ways, on both backends
//! (`from_std`, `Socket::into_std`): nothing in flight is lost, the
//! connection is never shut down by the move, and what gen_tcp holds
//! (buffered bytes, an output queue, a call waiting on the socket) is
//! handed over, written first, or makes the move refuse with the socket
//! unchanged.
//!
//! None of this could be done before: a socket could enter gen_tcp only
//! through `{fd, Fd}` (with `listen`'s backlog and the default `{active,
//! true}`), and could leave it only by closing it, which shuts the
//! connection down.

use gen_tcp::{Active, Error, InetBackend, Message, Opt, PacketType, Socket, Stat, Status};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

const WAIT: Option<Duration> = Some(Duration::from_secs(10));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];
const EBUSY: Error = Error::Posix(libc::EBUSY);

/// `{inet_backend, b}`, binary, passive: read with `recv`.
fn passive(b: InetBackend) -> [Opt; 3] {
    [Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::False)]
}

/// A connection made by std: `(client, accepted)`.
fn std_pair() -> (TcpStream, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (accepted, _) = l.accept().unwrap();
    (client, accepted)
}

/// Waits, at most ten seconds, until `done` holds: a state reached.
fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "never reached: {what}");
        std::thread::park_timeout(Duration::from_millis(1));
    }
}

fn read_n(s: &mut impl Read, n: usize) -> Vec<u8> {
    let mut got = vec![0u8; n];
    s.read_exact(&mut got).unwrap();
    got
}

#[test]
fn a_connection_goes_from_std_to_gen_tcp_and_back_with_bytes_in_flight() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        client.write_all(b"before").unwrap(); // in the kernel as it moves
        let s = gen_tcp::from_std(accepted, &passive(b)).unwrap();
        assert_eq!(s.backend(), b);
        assert_eq!(s.owner(), gen_tcp::self_pid(), "{b:?}: the caller owns it");
        assert_eq!(gen_tcp::recv(&s, 6, WAIT).unwrap(), b"before", "{b:?}");
        gen_tcp::send(&s, "gen_tcp").unwrap();
        client.write_all(b"during").unwrap(); // in the kernel as it moves back

        let mut back: TcpStream = s.into_std().unwrap();
        assert_eq!(read_n(&mut back, 6), b"during", "{b:?}");
        back.write_all(b" and std").unwrap();
        drop(back);
        let mut rest = String::new();
        client.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "gen_tcp and std", "{b:?}");
    }
}

#[test]
fn a_listener_goes_both_ways_with_the_connections_not_accepted_yet() {
    for b in BACKENDS {
        let std_l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = std_l.local_addr().unwrap();
        let mut early = TcpStream::connect(addr).unwrap();
        let l = gen_tcp::from_std(std_l, &passive(b)).unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        early.write_all(b"early").unwrap();
        assert_eq!(gen_tcp::recv(&s, 5, WAIT).unwrap(), b"early", "{b:?}");

        let mut late = TcpStream::connect(addr).unwrap();
        let std_l: TcpListener = l.into_std().unwrap();
        let (mut accepted, _) = std_l.accept().unwrap(); // blocking, as std's
        late.write_all(b"late").unwrap();
        assert_eq!(read_n(&mut accepted, 4), b"late", "{b:?}");
        // gen_tcp's accepted connection is its own: it lives on.
        gen_tcp::send(&s, "still").unwrap();
        assert_eq!(read_n(&mut early, 5), b"still", "{b:?}");
    }
}

#[test]
fn a_local_socket_goes_back_as_a_unix_stream_only() {
    for b in BACKENDS {
        let (ours, mut peer) = UnixStream::pair().unwrap();
        let s = gen_tcp::from_std(ours, &passive(b)).unwrap();
        assert_eq!(gen_tcp::port(&s).unwrap(), 0, "{b:?}: a local socket");
        peer.write_all(b"ping").unwrap();
        assert_eq!(gen_tcp::recv(&s, 4, WAIT).unwrap(), b"ping", "{b:?}");

        let refused = s.into_std::<TcpStream>().unwrap_err();
        assert_eq!(refused.reason(), &Error::Einval, "{b:?}");
        let s = refused.into_socket();
        assert!(!s.is_closed(), "{b:?}: refused, unchanged");
        gen_tcp::send(&s, "pong").unwrap();
        assert_eq!(read_n(&mut peer, 4), b"pong", "{b:?}");

        let mut back = UnixStream::try_from(s).unwrap();
        back.write_all(b"std").unwrap();
        assert_eq!(read_n(&mut peer, 3), b"std", "{b:?}");
    }
}

#[test]
fn what_is_not_a_tcp_or_unix_stream_socket_is_refused() {
    for b in BACKENDS {
        let opts = [Opt::InetBackend(b)];
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        assert_eq!(gen_tcp::from_std(udp, &opts).unwrap_err(), Error::Einval);
        let file = std::fs::File::open("/dev/null").unwrap();
        let refused = gen_tcp::from_std(file, &opts).unwrap_err();
        assert_eq!(refused, Error::Posix(libc::ENOTSOCK), "{b:?}");
        // SAFETY: socket(2) returned a new descriptor nobody else owns.
        let unconnected = unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
            OwnedFd::from_raw_fd(fd)
        };
        let refused = gen_tcp::from_std(unconnected, &opts).unwrap_err();
        assert_eq!(refused, Error::Posix(libc::ENOTCONN), "{b:?}");
        // The socket exists: options that make one have nothing to do.
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let make = [Opt::InetBackend(b), Opt::Backlog(100)];
        assert_eq!(gen_tcp::from_std(l, &make).unwrap_err(), Error::Badarg);
    }
}

#[test]
fn buffered_bytes_make_into_std_refuse_and_into_std_parts_hand_them_over() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        let mut opts = passive(b).to_vec();
        opts.push(Opt::Packet(PacketType::Two));
        let s = gen_tcp::from_std(accepted, &opts).unwrap();
        // One write, so one read: a whole frame, and a frame begun.
        client.write_all(b"\x00\x02ab\x00\x03c").unwrap();
        assert_eq!(gen_tcp::recv(&s, 0, WAIT).unwrap(), b"ab", "{b:?}");

        let refused = s.into_std::<TcpStream>().unwrap_err();
        assert_eq!(refused.reason(), &EBUSY, "{b:?}");
        let (mut back, buffered) = refused.into_socket().into_std_parts::<TcpStream>().unwrap();
        assert_eq!(buffered, &b"\x00\x03c"[..], "{b:?}");
        client.write_all(b"de").unwrap();
        assert_eq!(
            read_n(&mut back, 2),
            b"de",
            "{b:?}: the frame goes on in std"
        );
    }
}

#[test]
fn the_rest_of_a_packet_read_in_part_comes_first() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        let mut opts = passive(b).to_vec();
        opts.push(Opt::Packet(PacketType::Two));
        let mut s = gen_tcp::from_std(accepted, &opts).unwrap();
        client.write_all(b"\x00\x03xyz\x00\x01").unwrap();
        let mut one = [0u8; 1];
        assert_eq!(s.read(&mut one).unwrap(), 1);
        assert_eq!(&one, b"x", "{b:?}");
        let (_back, buffered) = s.into_std_parts::<TcpStream>().unwrap();
        assert_eq!(
            buffered,
            &b"yz\x00\x01"[..],
            "{b:?}: the packet's rest, then the next"
        );
    }
}

#[test]
fn inet_writes_its_queue_before_the_socket_goes_to_std() {
    let (client, mut peer) = std_pair();
    let s = gen_tcp::from_std(client, &passive(InetBackend::Inet)).unwrap();
    let big = vec![b'q'; 32 << 20];
    gen_tcp::send(&s, &big).unwrap(); // more than the kernel takes: queued
    let pending = || gen_tcp::getstat(&s, &[Stat::SendPend]).unwrap()[0].1;
    assert!(pending() > 0);

    // Within send_timeout the peer reads nothing: refused, queue intact.
    gen_tcp::setopts(&s, &[Opt::SendTimeout(Some(Duration::from_millis(20)))]).unwrap();
    let refused = s.clone().into_std::<TcpStream>().unwrap_err();
    assert_eq!(refused.reason(), &Error::Timeout);
    assert!(pending() > 0 && !s.is_closed());

    gen_tcp::setopts(&s, &[Opt::SendTimeout(None)]).unwrap();
    let mover = std::thread::spawn({
        let s = s.clone();
        move || s.into_std::<TcpStream>().map_err(Error::from)
    });
    // The caller waits, as `close` waits, while the peer reads the queue.
    let mut got = vec![0u8; big.len()];
    peer.read_exact(&mut got).unwrap();
    let mut back = mover.join().unwrap().unwrap();
    back.write_all(b"after").unwrap();
    assert_eq!(read_n(&mut peer, 5), b"after");
    assert!(got.iter().all(|&c| c == b'q'));
}

#[test]
fn other_handles_see_closed_and_the_connection_lives_on() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        let s = gen_tcp::from_std(accepted, &passive(b)).unwrap();
        let other = s.clone();
        let id = s.id();
        assert!(gen_tcp::sockets().get(id).is_some());

        let mut back: TcpStream = s.into_std().unwrap();
        assert!(other.is_closed(), "{b:?}");
        assert_eq!(other.status(), Status::CLOSED, "{b:?}");
        assert_eq!(gen_tcp::send(&other, "x"), Err(Error::Closed), "{b:?}");
        assert_eq!(gen_tcp::recv(&other, 0, WAIT), Err(Error::Closed), "{b:?}");
        assert!(
            gen_tcp::sockets().get(id).is_none(),
            "{b:?}: no longer gen_tcp's"
        );
        let again = other.clone().into_std::<TcpStream>().unwrap_err();
        assert_eq!(again.reason(), &Error::Closed, "{b:?}");
        // Closing or dropping what is left ends nothing.
        let _ = gen_tcp::close(&other);
        drop((other, again));
        client.write_all(b"to std").unwrap();
        assert_eq!(read_n(&mut back, 6), b"to std", "{b:?}");
        back.write_all(b"from std").unwrap();
        assert_eq!(read_n(&mut client, 8), b"from std", "{b:?}");
    }
}

#[test]
fn the_owner_ending_after_into_std_ends_nothing() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        let (_, worker) = gen_tcp::spawn_with_handle(move || {
            let s = gen_tcp::from_std(accepted, &passive(b))?;
            gen_tcp::send(&s, "from the worker")?;
            s.into_std::<TcpStream>().map_err(Error::from)
        });
        let mut back = worker.join().unwrap().unwrap(); // the owner has ended
        assert_eq!(read_n(&mut client, 15), b"from the worker", "{b:?}");
        back.write_all(b"still open").unwrap();
        assert_eq!(read_n(&mut client, 10), b"still open", "{b:?}");
    }
}

#[test]
fn an_active_socket_goes_to_std_and_its_messages_stay_in_the_mailbox() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        let opts = [Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::True)];
        let s = gen_tcp::from_std(accepted, &opts).unwrap();
        client.write_all(b"early").unwrap();
        until("the message is delivered", || {
            gen_tcp::process::mailbox_len() > 0
        });

        let mut back: TcpStream = s.clone().into_std().unwrap();
        client.write_all(b"later").unwrap();
        assert_eq!(
            read_n(&mut back, 5),
            b"later",
            "{b:?}: std reads what follows"
        );
        match gen_tcp::receive_from(&s, WAIT) {
            Some(Message::Tcp(_, d)) => assert_eq!(d, b"early", "{b:?}"),
            other => panic!("{b:?}: {other:?}"),
        }
        // No `tcp_closed`: the connection did not close.
        let nothing = gen_tcp::receive_from(&s, Some(Duration::ZERO));
        assert!(nothing.is_none(), "{b:?}: {nothing:?}");
    }
}

#[test]
fn a_recv_waiting_on_the_socket_makes_into_std_refuse() {
    for b in BACKENDS {
        let (mut client, accepted) = std_pair();
        let s = gen_tcp::from_std(accepted, &passive(b)).unwrap();
        let reader = std::thread::spawn({
            let s = s.clone();
            move || gen_tcp::recv(&s, 10, None)
        });
        client.write_all(b"12345").unwrap();
        // The reader has these five and waits for five more: they reached
        // the socket (the client's kernel holds none unacknowledged) and
        // none waits in its kernel. (Not recv_oct: inet counts a packet
        // when it delivers it, as inet_drv.)
        let ioctl = |fd: i32, req| {
            let mut n: libc::c_int = -1;
            // SAFETY: both requests write one int, which `n` is.
            let r = unsafe { libc::ioctl(fd, req, &mut n) };
            if r == 0 {
                n
            } else {
                -1
            }
        };
        until("the reader got five bytes", || {
            ioctl(client.as_raw_fd(), libc::TIOCOUTQ) == 0
                && ioctl(s.as_raw_fd(), libc::FIONREAD) == 0
        });
        let refused = s.clone().into_std::<TcpStream>().unwrap_err();
        assert_eq!(refused.reason(), &EBUSY, "{b:?}");
        client.write_all(b"67890").unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), b"1234567890", "{b:?}");
        let mut back: TcpStream = s.into_std().unwrap();
        client.write_all(b"!").unwrap();
        assert_eq!(read_n(&mut back, 1), b"!", "{b:?}");
    }
}

#[test]
fn an_accept_waiting_on_the_listener_makes_into_std_refuse() {
    for b in BACKENDS {
        let l = gen_tcp::listen(0, &passive(b)).unwrap();
        let acceptor = std::thread::spawn({
            let l = l.clone();
            move || gen_tcp::accept(&l, WAIT).map(|s| s.id())
        });
        until("the acceptor waits", || {
            l.status().contains(Status::ACCEPTING)
        });
        let refused = l.clone().into_std::<TcpListener>().unwrap_err();
        assert_eq!(refused.reason(), &EBUSY, "{b:?}");
        let _c = TcpStream::connect(("127.0.0.1", gen_tcp::port(&l).unwrap())).unwrap();
        assert!(
            acceptor.join().unwrap().is_ok(),
            "{b:?}: it got the connection"
        );
        until("the acceptor has left", || {
            !l.status().contains(Status::ACCEPTING)
        });
        let _std: TcpListener = l.into_std().unwrap();
    }
}

#[test]
fn a_send_waiting_on_the_socket_makes_into_std_refuse() {
    // Only `socket` sends wait on the socket (`inet` queues).
    let (client, mut peer) = std_pair();
    let s = gen_tcp::from_std(client, &passive(InetBackend::Socket)).unwrap();
    let big = vec![b's'; 32 << 20];
    let sender = std::thread::spawn({
        let (s, big) = (s.clone(), big.clone());
        move || gen_tcp::send(&s, big)
    });
    let mut got = vec![0u8; big.len()];
    peer.read_exact(&mut got[..1]).unwrap(); // the send is under way
    let refused = s.clone().into_std::<TcpStream>().unwrap_err();
    assert_eq!(refused.reason(), &EBUSY);
    peer.read_exact(&mut got[1..]).unwrap();
    sender.join().unwrap().unwrap();
    assert_eq!(got, big);
    let mut back: TcpStream = s.into_std().unwrap();
    back.write_all(b"done").unwrap();
    assert_eq!(read_n(&mut peer, 4), b"done");
}

/// The std socket is in blocking mode, as std makes its own (whatever
/// gen_tcp had set: its listen sockets are non-blocking), and gen_tcp's
/// kernel options went with it.
#[test]
fn the_socket_goes_back_blocking_with_its_kernel_options() {
    let blocking = |fd: &dyn AsRawFd| {
        // SAFETY: F_GETFL only reads the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
        flags >= 0 && flags & libc::O_NONBLOCK == 0
    };
    for b in BACKENDS {
        let (_client, accepted) = std_pair();
        accepted.set_nonblocking(true).unwrap();
        let mut opts = passive(b).to_vec();
        opts.push(Opt::Nodelay(true));
        let s: Socket = gen_tcp::from_std(accepted, &opts).unwrap();
        let back: TcpStream = s.into_std().unwrap();
        assert!(back.nodelay().unwrap(), "{b:?}");
        assert!(blocking(&back), "{b:?}");
        let l = gen_tcp::listen(0, &passive(b)).unwrap();
        let back: TcpListener = l.into_std().unwrap();
        assert!(blocking(&back), "{b:?}");
    }
}
