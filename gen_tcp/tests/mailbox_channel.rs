//! A process's mailbox read as a `crossbeam_channel::Receiver`: the same
//! messages in the same order, `receive` and selective receives on the
//! same channel, and `controlling_process` moving a socket's waiting
//! messages out of it in order.

use gen_tcp::crossbeam_channel::{select, Receiver};
use gen_tcp::{Active, InetBackend, Message, Opt, PacketType, Pid, Socket};
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(5));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// What a message is, to compare sequences: a user number, or a packet.
#[derive(Debug, PartialEq)]
enum Seen {
    User(u32),
    Tcp(Vec<u8>),
    Passive,
    Closed,
}

fn seen(m: Message) -> Seen {
    match m {
        Message::User(v) => Seen::User(*v.downcast::<u32>().expect("a u32")),
        Message::Tcp(_, data) => Seen::Tcp(data.to_vec()),
        Message::TcpPassive(_) => Seen::Passive,
        Message::TcpClosed(_) => Seen::Closed,
        other => panic!("{other:?}"),
    }
}

fn drain(rx: &Receiver<Message>) -> Vec<Seen> {
    rx.try_iter().map(seen).collect()
}

/// A listen socket and a connected pair with `{packet, 2}`, so that each
/// send is one message.
fn framed_pair(backend: InetBackend, active: Active) -> (Socket, Socket, Socket) {
    let opts = [
        Opt::InetBackend(backend),
        Opt::Binary,
        Opt::Packet(PacketType::Two),
        Opt::Active(Active::False),
    ];
    let l = gen_tcp::listen(0, &opts).unwrap();
    let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &opts, WAIT).unwrap();
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    s.setopts(&[Opt::Active(active)]).unwrap();
    (l, c, s)
}

#[test]
fn messages_already_waiting_come_first_and_later_ones_follow_in_order() {
    let (_, done) = gen_tcp::spawn_with_handle(|| {
        let me = gen_tcp::self_pid();
        me.send_user(1u32);
        me.send_user(2u32);
        let mailbox = gen_tcp::mailbox_channel();
        me.send_user(3u32);
        assert_eq!(gen_tcp::process::mailbox_len(), 3);
        // The same channel every time.
        let again = gen_tcp::mailbox_channel();
        assert!(again.same_channel(&mailbox));
        drain(&mailbox)
    });
    assert_eq!(
        done.join().unwrap(),
        [Seen::User(1), Seen::User(2), Seen::User(3)]
    );
}

#[test]
fn receive_and_select_take_from_the_same_front() {
    let (_, done) = gen_tcp::spawn_with_handle(|| {
        let me = gen_tcp::self_pid();
        let mailbox = gen_tcp::mailbox_channel();
        for i in 0..4u32 {
            me.send_user(i);
        }
        let mut order = vec![seen(gen_tcp::receive(WAIT).unwrap())];
        select! { recv(mailbox) -> m => order.push(seen(m.unwrap())) }
        order.push(seen(gen_tcp::receive(Some(Duration::ZERO)).unwrap()));
        order.push(seen(mailbox.recv().unwrap()));
        assert!(gen_tcp::receive(Some(Duration::ZERO)).is_none());
        order
    });
    let order = done.join().unwrap();
    assert_eq!(order, (0..4).map(Seen::User).collect::<Vec<_>>());
}

#[test]
fn a_selective_receive_leaves_the_others_in_front_in_order() {
    let (_, done) = gen_tcp::spawn_with_handle(|| {
        let me = gen_tcp::self_pid();
        let mailbox = gen_tcp::mailbox_channel();
        for i in 0..5u32 {
            me.send_user(i);
        }
        let three = |m: &Message| matches!(m, Message::User(v) if v.downcast_ref() == Some(&3u32));
        let got = gen_tcp::receive_match(three, WAIT).map(seen);
        // Nothing matches: all are looked at, and stay.
        let none = gen_tcp::receive_match(|_| false, Some(Duration::ZERO));
        assert!(none.is_none());
        me.send_user(5u32);
        (got, drain(&mailbox))
    });
    let (got, rest) = done.join().unwrap();
    assert_eq!(got, Some(Seen::User(3)));
    assert_eq!(rest, [0, 1, 2, 4, 5].map(Seen::User));
}

/// The owner reads its mailbox as a channel, the new owner too: the
/// socket's waiting packets move, in order, from one channel to the
/// other, and the owner's other messages stay in order.
#[test]
fn controlling_process_moves_the_sockets_messages_out_of_the_channel() {
    for backend in BACKENDS {
        let (_l, c, s) = framed_pair(backend, Active::False);
        let (ready_tx, ready_rx) = gen_tcp::crossbeam_channel::bounded::<Pid>(1);
        let (new_owner, got) = gen_tcp::spawn_with_handle(move || {
            let mailbox = gen_tcp::mailbox_channel();
            ready_tx.send(gen_tcp::self_pid()).unwrap();
            let mut got = Vec::new();
            while got.len() < 4 {
                got.push(seen(
                    mailbox.recv_timeout(WAIT.unwrap()).expect("a message"),
                ));
            }
            got
        });
        assert_eq!(ready_rx.recv().unwrap(), new_owner);

        let me = gen_tcp::self_pid();
        let mailbox = gen_tcp::mailbox_channel();
        me.send_user(0u32);
        for word in ["a", "b", "c"] {
            gen_tcp::send(&c, word).unwrap();
        }
        // Three packets, then `{tcp_passive, S}`: waiting for the last
        // passes over the others, which go back in front.
        s.setopts(&[Opt::Active(Active::N(3))]).unwrap();
        let passive = gen_tcp::receive_match(|m| matches!(m, Message::TcpPassive(_)), WAIT);
        assert!(passive.is_some(), "{backend:?}");
        me.send_user(1u32);

        gen_tcp::controlling_process(&s, new_owner).unwrap();
        s.setopts(&[Opt::Active(Active::Once)]).unwrap();
        gen_tcp::send(&c, "d").unwrap();
        let tcp = |w: &str| Seen::Tcp(w.as_bytes().to_vec());
        assert_eq!(
            got.join().unwrap(),
            [tcp("a"), tcp("b"), tcp("c"), tcp("d")],
            "{backend:?}"
        );
        assert_eq!(
            drain(&mailbox),
            [Seen::User(0), Seen::User(1)],
            "{backend:?}"
        );
    }
}

/// From a process reading its mailbox, to one reading a channel.
#[test]
fn controlling_process_to_a_channel_reader_keeps_the_order() {
    for backend in BACKENDS {
        let (_l, c, s) = framed_pair(backend, Active::False);
        let (ready_tx, ready_rx) = gen_tcp::crossbeam_channel::bounded::<()>(1);
        let (new_owner, got) = gen_tcp::spawn_with_handle(move || {
            let mailbox = gen_tcp::mailbox_channel();
            ready_tx.send(()).unwrap();
            let mut got = Vec::new();
            while got.last() != Some(&Seen::Closed) {
                got.push(seen(
                    mailbox.recv_timeout(WAIT.unwrap()).expect("a message"),
                ));
            }
            got
        });
        ready_rx.recv().unwrap();
        gen_tcp::send(&c, "1").unwrap();
        gen_tcp::send(&c, "2").unwrap();
        s.setopts(&[Opt::Active(Active::N(2))]).unwrap();
        assert!(gen_tcp::receive_match(|m| matches!(m, Message::TcpPassive(_)), WAIT).is_some());
        s.setopts(&[Opt::Active(Active::True)]).unwrap();
        gen_tcp::controlling_process(&s, new_owner).unwrap();
        gen_tcp::close(&c).unwrap();
        let tcp = |w: &str| Seen::Tcp(w.as_bytes().to_vec());
        assert_eq!(
            got.join().unwrap(),
            [tcp("1"), tcp("2"), Seen::Closed],
            "{backend:?}"
        );
    }
}
