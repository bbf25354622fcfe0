//! `{debug, true}`: every call on the socket makes one `debug` record with
//! target `gen_tcp`, naming the call, its arguments (sizes, not data) and
//! its result; a socket without it makes none.

use gen_tcp::{Active, InetBackend, Opt, OptName, PacketType, Shutdown, Socket};
use std::io::{Read, Write};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(5));
const BACKENDS: [InetBackend; 2] = [InetBackend::Inet, InetBackend::Socket];

/// Every record made, for the tests to look through: level, target, line.
struct Captured(Mutex<Vec<(String, String, String)>>);

impl Captured {
    fn keep(&self, level: impl ToString, target: &str, line: String) {
        let record = (level.to_string(), target.to_string(), line);
        self.0.lock().unwrap().push(record);
    }
}

#[cfg(not(feature = "tracing"))]
impl log::Log for Captured {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        self.keep(record.level(), record.target(), record.args().to_string());
    }
    fn flush(&self) {}
}

/// The records, as `log` records.
#[cfg(not(feature = "tracing"))]
fn captured() -> &'static Captured {
    static LOGGER: OnceLock<&'static Captured> = OnceLock::new();
    LOGGER.get_or_init(|| {
        let logger: &'static Captured = Box::leak(Box::new(Captured(Mutex::new(Vec::new()))));
        log::set_logger(logger).expect("the only logger of this test binary");
        log::set_max_level(log::LevelFilter::Trace);
        logger
    })
}

/// The records, as `tracing` events (the `tracing` feature).
#[cfg(feature = "tracing")]
fn captured() -> &'static Captured {
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata};

    struct Subscriber(&'static Captured);
    struct Message(String);
    impl Visit for Message {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.0 = format!("{value:?}");
            }
        }
    }
    impl tracing::Subscriber for Subscriber {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut message = Message(String::new());
            event.record(&mut message);
            let meta = event.metadata();
            self.0.keep(meta.level(), meta.target(), message.0);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
    static CAPTURED: OnceLock<&'static Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured: &'static Captured = Box::leak(Box::new(Captured(Mutex::new(Vec::new()))));
        tracing::subscriber::set_global_default(Subscriber(captured))
            .expect("the only subscriber of this test binary");
        captured
    })
}

/// The records of calls on `socket`, and of the call that made it (tests
/// run at once: each looks at its own sockets), without the owner's pid
/// in front.
fn lines_of(socket: &Socket) -> Vec<String> {
    let me = format!("{socket:?}");
    let made = |line: &str| {
        let call = line.split_once(' ').map_or("", |(_, call)| call);
        (call.starts_with("gen_tcp:listen(") || call.starts_with("gen_tcp:connect("))
            && line.ends_with(&format!("{{ok, {me}}}"))
    };
    captured()
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, line)| {
            line.contains(&format!("({me},")) || line.contains(&format!("({me})")) || made(line)
        })
        .map(|(level, target, line)| {
            assert_eq!(
                (level.as_str(), target.as_str()),
                ("DEBUG", "gen_tcp"),
                "{line}"
            );
            let (owner, call) = line.split_once(' ').expect("owner, then the call");
            assert_eq!(owner, socket.owner().to_string(), "{line}");
            call.to_string()
        })
        .collect()
}

fn pair(backend: InetBackend, listen_opts: &[Opt]) -> (Socket, Socket, Socket) {
    let mut opts = vec![
        Opt::InetBackend(backend),
        Opt::Binary,
        Opt::Active(Active::False),
    ];
    opts.extend_from_slice(listen_opts);
    let l = gen_tcp::listen(0, &opts).unwrap();
    let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &opts[..3], WAIT).unwrap();
    let s = gen_tcp::accept(&l, WAIT).unwrap();
    (l, c, s)
}

#[test]
fn a_socket_with_debug_traces_each_call_and_its_result_without_the_data() {
    captured();
    for backend in BACKENDS {
        let (_l, c, s) = pair(backend, &[]);
        gen_tcp::send(&c, "quiet").unwrap();
        assert_eq!(gen_tcp::recv(&s, 5, WAIT).unwrap(), b"quiet");
        assert!(lines_of(&c).is_empty(), "{backend:?}: no debug, no trace");

        c.setopts(&[Opt::Debug(true)]).unwrap();
        assert_eq!(c.getopts(&[OptName::Debug]).unwrap(), [Opt::Debug(true)]);
        gen_tcp::send(&c, "secret").unwrap();
        (&c).write_all(b"more secret").unwrap();
        assert_eq!(gen_tcp::recv(&s, 17, WAIT).unwrap(), b"secretmore secret");
        gen_tcp::send(&s, "answer").unwrap();
        assert_eq!(gen_tcp::recv(&c, 0, WAIT).unwrap(), b"answer");
        assert_eq!(
            gen_tcp::recv(&c, 0, Some(Duration::ZERO)),
            Err(gen_tcp::Error::Timeout)
        );
        gen_tcp::getstat(&c, &[gen_tcp::Stat::SendOct]).unwrap();
        gen_tcp::shutdown(&c, Shutdown::Write).unwrap();
        c.setopts(&[Opt::Debug(false)]).unwrap();
        gen_tcp::peername(&c).unwrap(); // not traced any more

        let sent = [&b"secret"[..], b"more secret", b"answer"];
        let lines = lines_of(&c);
        for line in &lines {
            for data in sent {
                assert!(!line.contains(std::str::from_utf8(data).unwrap()), "{line}");
            }
        }
        assert_eq!(
            lines,
            [
                format!("inet:setopts({c:?}, [Debug(true)]) -> ok"),
                format!("inet:getopts({c:?}, [Debug]) -> {{ok, [Debug(true)]}}"),
                format!("gen_tcp:send({c:?}, <<6 bytes>>) -> ok"),
                format!("write({c:?}, <<11 bytes>>) -> ok"),
                format!("gen_tcp:recv({c:?}, 0, 5000) -> {{ok, <<6 bytes>>}}"),
                format!("gen_tcp:recv({c:?}, 0, 0) -> {{error, timeout}}"),
                format!("inet:getstat({c:?}, [SendOct]) -> {{ok, [{{send_oct,22}}]}}"),
                format!("gen_tcp:shutdown({c:?}, write) -> ok"),
                format!("inet:setopts({c:?}, [Debug(false)]) -> ok"),
            ],
            "{backend:?}"
        );
    }
}

#[test]
fn listen_and_connect_with_debug_trace_from_the_start() {
    captured();
    for backend in BACKENDS {
        let opts = [
            Opt::InetBackend(backend),
            Opt::Debug(true),
            Opt::Packet(PacketType::Two),
        ];
        let l = gen_tcp::listen(0, &opts).unwrap();
        let port = gen_tcp::port(&l).unwrap();
        let c = gen_tcp::connect("127.0.0.1", port, &opts, WAIT).unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        gen_tcp::close(&c).unwrap();
        assert_eq!(gen_tcp::send(&c, "late"), Err(gen_tcp::Error::Closed));
        assert_eq!(
            lines_of(&l),
            [
                format!("gen_tcp:listen(0, {opts:?}) -> {{ok, {l:?}}}"),
                format!("inet:sockname({l:?}) -> {{ok, 0.0.0.0:{port}}}"),
                format!("gen_tcp:accept({l:?}, 5000) -> {{ok, {s:?}}}"),
            ],
            "{backend:?}"
        );
        assert_eq!(
            lines_of(&c),
            [
                format!("gen_tcp:connect(127.0.0.1, {port}, {opts:?}, 5000) -> {{ok, {c:?}}}"),
                format!("gen_tcp:close({c:?}) -> ok"),
                format!("gen_tcp:send({c:?}, <<4 bytes>>) -> {{error, closed}}"),
            ],
            "{backend:?}"
        );
    }
}

/// OTP 25: a socket accepted on a listen socket with `{debug, true}` has
/// `{debug, true}` too on `socket`, and `{debug, false}` on `inet`.
#[test]
fn an_accepted_socket_inherits_debug_on_socket_and_not_on_inet() {
    captured();
    for (backend, inherited) in [(InetBackend::Inet, false), (InetBackend::Socket, true)] {
        let (_l, c, s) = pair(backend, &[Opt::Debug(true)]);
        assert_eq!(
            s.getopts(&[OptName::Debug]).unwrap(),
            [Opt::Debug(inherited)],
            "{backend:?}"
        );
        gen_tcp::send(&c, "x").unwrap();
        let mut buf = [0; 8];
        assert_eq!((&s).read(&mut buf).unwrap(), 1);
        let traced = lines_of(&s);
        assert_eq!(!traced.is_empty(), inherited, "{backend:?}: {traced:?}");
        if inherited {
            assert_eq!(
                traced,
                [
                    format!("inet:getopts({s:?}, [Debug]) -> {{ok, [Debug(true)]}}"),
                    format!("read({s:?}, 8) -> {{ok, 1}}"),
                ]
            );
        }
    }
}

/// Another process's call on the socket is traced too, under the name of
/// the socket's owner, as `inet_drv` names its port's owner.
#[test]
fn a_call_from_another_process_is_traced_under_the_owner() {
    captured();
    let l = gen_tcp::listen(0, &[Opt::Debug(true)]).unwrap();
    let port = gen_tcp::port(&l).unwrap();
    let (_, acceptor) = gen_tcp::spawn_with_handle({
        let l = l.clone();
        move || gen_tcp::accept(&l, WAIT).map(|s| s.id())
    });
    let _c = gen_tcp::connect("127.0.0.1", port, &[], WAIT).unwrap();
    acceptor.join().unwrap().unwrap();
    let lines = lines_of(&l);
    assert!(
        lines[2].starts_with(&format!("gen_tcp:accept({l:?}, 5000) -> {{ok, #Port<0.")),
        "{lines:?}"
    );
}
