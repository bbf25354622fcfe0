//! `gen_tcp::sockets()`: every live socket with its backend, owner,
//! state, addresses, options and counters, printed as OTP's `inet:i()`.

use gen_tcp::{Active, Column, InetBackend, Mode, Opt, OptName, PacketType, Stat, Status};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

const WAIT: Option<Duration> = Some(Duration::from_secs(5));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

#[test]
fn a_socket_is_listed_from_its_making_until_its_last_handle_is_dropped() {
    for backend in BACKENDS {
        let l =
            gen_tcp::listen(0, &[Opt::InetBackend(backend), Opt::Active(Active::False)]).unwrap();
        let id = l.id();
        let other = l.clone();
        assert!(gen_tcp::sockets().get(id).is_some(), "{backend:?}");
        drop(l);
        assert!(
            gen_tcp::sockets().get(id).is_some(),
            "{backend:?}: a handle is left"
        );
        gen_tcp::close(&other).unwrap();
        let closed = gen_tcp::sockets();
        let info = closed.get(id).expect("closed, but still held");
        assert_eq!(info.status, Status::CLOSED);
        assert_eq!(info.field(Column::State), "CLOSED");
        assert!(info.socket().is_some());
        drop(other);
        assert!(gen_tcp::sockets().get(id).is_none(), "{backend:?}");
        assert!(info.socket().is_none(), "the info does not keep the socket");
    }
}

#[test]
fn each_socket_shows_its_owner_state_addresses_options_and_counters() {
    for backend in BACKENDS {
        let opts = [
            Opt::InetBackend(backend),
            Opt::Binary,
            Opt::Packet(PacketType::Line),
            Opt::Active(Active::False),
        ];
        let l = gen_tcp::listen(0, &opts).unwrap();
        let port = gen_tcp::port(&l).unwrap();
        let c = gen_tcp::connect("127.0.0.1", port, &opts, WAIT).unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        gen_tcp::send(&c, "one line\n").unwrap();
        assert_eq!(gen_tcp::recv(&s, 0, WAIT).unwrap(), b"one line\n");
        s.setopts(&[Opt::Active(Active::N(5))]).unwrap();

        let (worker, done) = gen_tcp::spawn_with_handle(|| gen_tcp::receive(WAIT));
        gen_tcp::controlling_process(&c, worker).unwrap();

        let all = gen_tcp::sockets();
        let (li, ci, si) = (
            all.get(l.id()).unwrap(),
            all.get(c.id()).unwrap(),
            all.get(s.id()).unwrap(),
        );
        for info in [li, ci, si] {
            assert_eq!(info.backend, backend);
            assert_eq!(info.option(OptName::Mode), Some(&Opt::Mode(Mode::Binary)));
            assert_eq!(
                info.option(OptName::Packet),
                Some(&Opt::Packet(PacketType::Line))
            );
            assert_eq!(info.option(OptName::Debug), Some(&Opt::Debug(false)));
            assert_eq!(info.field(Column::Backend), backend.name());
            assert_eq!(info.field(Column::Packet), "line");
        }
        assert_eq!(
            (li.owner, ci.owner, si.owner),
            (gen_tcp::self_pid(), worker, gen_tcp::self_pid())
        );
        assert_eq!(li.status, Status::LISTEN | Status::OPEN);
        assert_eq!(ci.status, Status::CONNECTED | Status::OPEN);
        assert_eq!(li.local, gen_tcp::sockname(&l));
        assert_eq!(li.peer.as_ref().unwrap_err().reason(), "enotconn");
        assert_eq!(
            (&ci.local, &ci.peer),
            (&gen_tcp::sockname(&c), &gen_tcp::peername(&c))
        );
        assert_eq!(si.option(OptName::Active), Some(&Opt::Active(Active::N(5))));
        assert_eq!(si.field(Column::Active), "5");
        assert_eq!(
            (ci.stat(Stat::SendOct), ci.stat(Stat::SendCnt)),
            (Some(9), Some(1))
        );
        assert_eq!(si.stat(Stat::RecvOct), Some(9));
        assert_eq!(si.stats.len(), Stat::ALL.len());
        assert_eq!(ci.fd, c.as_raw_fd());

        // The columns of inet:i(), as OTP fills them.
        let expected_port = match backend {
            InetBackend::Inet => c.id().get().to_string(),
            InetBackend::Socket => format!("esock[{}]", c.as_raw_fd()),
        };
        let module = match backend {
            InetBackend::Inet => "inet_tcp",
            InetBackend::Socket => "gen_tcp_socket",
        };
        let fields: Vec<String> = Column::INET_I.iter().map(|&col| ci.field(col)).collect();
        let client_port = gen_tcp::port(&c).unwrap();
        assert_eq!(
            fields,
            [
                expected_port,
                module.to_string(),
                "0".to_string(),
                "9".to_string(),
                worker.to_string(),
                format!("localhost:{client_port}"),
                format!("localhost:{port}"),
                "CONNECTED(O)".to_string(),
                "STREAM".to_string(),
            ],
            "{backend:?}"
        );
        assert_eq!(li.field(Column::LocalAddress), format!("*:{port}"));
        assert_eq!(li.field(Column::ForeignAddress), "*:*");
        assert_eq!(li.field(Column::State), "LN:O");

        drop(all);
        worker.send_user(());
        done.join().unwrap();
    }
}

/// `ACCEPTING` while a thread waits in `accept`, `LN:O` before and after.
#[test]
fn a_listen_socket_is_accepting_while_a_thread_waits_in_accept() {
    for backend in BACKENDS {
        let l = gen_tcp::listen(0, &[Opt::InetBackend(backend)]).unwrap();
        assert_eq!(l.status().to_string(), "LN:O");
        let acceptor = std::thread::spawn({
            let l = l.clone();
            move || gen_tcp::accept(&l, WAIT).map(|s| s.id())
        });
        // Waits for the state, bounded; no time is asserted.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !l.status().contains(Status::ACCEPTING) {
            assert!(Instant::now() < deadline, "{backend:?}: never accepting");
            std::thread::park_timeout(Duration::from_millis(1));
        }
        assert_eq!(
            gen_tcp::sockets().get(l.id()).unwrap().field(Column::State),
            "ACCEPTING"
        );
        let _c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &[], WAIT).unwrap();
        acceptor.join().unwrap().unwrap();
        assert_eq!(l.status().to_string(), "LN:O", "{backend:?}");
    }
}

/// The table: a heading, a line per socket, each column as wide as its
/// widest entry and followed by one space, as `inet:i()` prints it.
#[test]
fn the_table_is_inet_i_s() {
    let l = gen_tcp::listen(0, &[Opt::Ip([127, 0, 0, 1].into())]).unwrap();
    let all = gen_tcp::sockets();
    let table = all.to_string();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), all.len() + 1);
    assert!(lines[0].starts_with("Port "), "{table}");
    for name in [
        "Module",
        "Recv",
        "Sent",
        "Owner",
        "Local Address",
        "Foreign Address",
        "State",
        "Type",
    ] {
        assert!(lines[0].contains(name), "{table}");
    }
    let width = lines[0].chars().count();
    assert!(
        lines
            .iter()
            .all(|line| line.chars().count() == width && line.ends_with(' ')),
        "{table}"
    );
    // The columns start where the heading's do.
    let starts: Vec<usize> = ["Module", "Owner", "Local Address", "State", "Type"]
        .iter()
        .map(|h| lines[0].find(h).unwrap())
        .collect();
    let port = gen_tcp::port(&l).unwrap();
    let row = lines
        .iter()
        .find(|line| line.starts_with(&format!("{} ", l.id().get())))
        .expect("the listen socket's row");
    let at = |i: usize| row[starts[i]..].split(' ').next().unwrap();
    assert_eq!(
        [at(0), at(1), at(2), at(3), at(4)],
        [
            "inet_tcp",
            &gen_tcp::self_pid().to_string(),
            &format!("localhost:{port}"),
            "LN:O",
            "STREAM"
        ]
    );
    // Other columns, as inet:i(tcp, Fields) chooses them.
    let mine = all.table(&[Column::Port, Column::Fd, Column::Debug]);
    assert!(mine
        .lines()
        .any(|line| line.split_whitespace().collect::<Vec<_>>()
            == [
                l.id().get().to_string(),
                l.as_raw_fd().to_string(),
                "false".to_string()
            ]));
}

#[test]
fn unix_sockets_run_on_local_tcp() {
    let dir = std::env::temp_dir().join(format!("gen_tcp_sockets_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s");
    let _ = std::fs::remove_file(&path);
    let l = gen_tcp::listen(0, &[Opt::Ifaddr(gen_tcp::Ifaddr::Local(path.clone()))]).unwrap();
    let info = l.info();
    assert_eq!(info.module(), "local_tcp");
    assert_eq!(
        info.field(Column::LocalAddress),
        format!("local:{}", path.display())
    );
    drop(l);
    std::fs::remove_dir_all(&dir).unwrap();
}
