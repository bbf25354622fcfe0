//! `close`, `shutdown`, `controlling_process` and the owner's end racing
//! a call blocked in `recv`, `accept` or `send`, on both backends, many
//! times over: half of the iterations act once the call is seen blocked
//! in the kernel, half at a random point (before, during or after it
//! starts). The blocked call must return (an action that ends the socket
//! must wake it by itself; the others are followed by a close), with
//! `closed`, and nothing may panic or leak (descriptors and threads are
//! counted before and after by the part's ledger).

use crate::figures::{gettid, waiting_in};
use crate::watchdog::watch;
use crate::{opts, with_std_peer, Rng, Scale, BACKENDS};
use gen_tcp::{Active, Error, InetBackend, Opt, Shutdown, Socket};
use std::net::{Ipv4Addr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

/// The call that blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `recv(S, 0, infinity)`: one blocking `recv(2)`.
    Recv,
    /// `recv(S, 0, 30 s)`: polling until the deadline.
    RecvTimeout,
    /// `accept(L, infinity)`.
    Accept,
    /// A send that cannot finish: `socket` waits for room in the kernel,
    /// `inet` on a busy port (`send_timeout` 30 s on both).
    Send,
}

/// What races it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `close/1` (from another thread than the owner).
    Close,
    /// `shutdown(S, read)`.
    ShutdownRead,
    /// `shutdown(S, write)`.
    ShutdownWrite,
    /// `shutdown(S, read_write)`.
    ShutdownBoth,
    /// `controlling_process(S, Other)` by the owner.
    ControllingProcess,
    /// The owner process ends.
    OwnerEnds,
}

const CALLS: [Call; 4] = [Call::Recv, Call::RecvTimeout, Call::Accept, Call::Send];
const ACTIONS: [Action; 6] = [
    Action::Close,
    Action::ShutdownRead,
    Action::ShutdownWrite,
    Action::ShutdownBoth,
    Action::ControllingProcess,
    Action::OwnerEnds,
];

/// True when `action` alone must wake `call` on backend `b`.
fn wakes(call: Call, action: Action, b: InetBackend) -> bool {
    match action {
        Action::Close | Action::OwnerEnds => true,
        Action::ControllingProcess => false,
        // A listen socket answers `enotconn` to shutdown and goes on.
        _ if call == Call::Accept => false,
        Action::ShutdownRead => matches!(call, Call::Recv | Call::RecvTimeout),
        Action::ShutdownBoth => match call {
            Call::Send => b == InetBackend::Socket,
            _ => true,
        },
        // The `socket` backend's send meets EPIPE; `inet`'s waits on its
        // queue, and the shutdown waits for the queue.
        Action::ShutdownWrite => call == Call::Send && b == InetBackend::Socket,
    }
}

/// What the owner process is told to do.
enum Command {
    Act(Action),
    End,
}

/// One socket under test, its owner process and its peer.
struct Setup {
    socket: Socket,
    peer: Option<TcpStream>,
    owner: mpsc::Sender<Command>,
    owner_done: std::thread::JoinHandle<()>,
}

/// Starts an owner process that opens the socket `call` needs on `b`,
/// then does what it is told.
fn setup(b: InetBackend, call: Call) -> Setup {
    let (tx, rx) = mpsc::channel::<Command>();
    let (stx, srx) = mpsc::channel();
    let (_, owner_done) = gen_tcp::spawn_with_handle(move || {
        let (socket, peer) = match call {
            Call::Accept => {
                let lo = opts(b, &[Opt::Ip(Ipv4Addr::LOCALHOST.into())]);
                (gen_tcp::listen(0, &lo).expect("listen"), None)
            }
            Call::Send => {
                // `inet`: every send after the first meets a busy port;
                // a linger of zero so that a close does not wait for a
                // queue the peer never reads.
                let extra = [
                    Opt::SendTimeout(Some(Duration::from_secs(30))),
                    Opt::HighWatermark(1),
                    Opt::LowWatermark(1),
                    Opt::Linger((true, 0)),
                    Opt::Sndbuf(16 << 10),
                ];
                let (s, p) = with_std_peer(b, &extra);
                (s, Some(p))
            }
            Call::Recv | Call::RecvTimeout => {
                let (s, p) = with_std_peer(b, &[Opt::Active(Active::False)]);
                (s, Some(p))
            }
        };
        stx.send((socket.clone(), peer)).expect("hand over");
        // The sink a `controlling_process` hands the socket to; it ends
        // with the owner.
        let (sink_tx, sink_rx) = mpsc::channel::<()>();
        let sink = gen_tcp::spawn(move || {
            let _ = sink_rx.recv();
        });
        while let Ok(cmd) = rx.recv() {
            match cmd {
                Command::Act(Action::OwnerEnds) | Command::End => break,
                Command::Act(a) => {
                    let r = act(&socket, a, sink);
                    assert!(
                        matches!(
                            r,
                            Ok(())
                                | Err(Error::Closed | Error::Einval | Error::Posix(libc::ENOTCONN))
                        ),
                        "{a:?}: {r:?}"
                    );
                }
            }
        }
        drop(sink_tx);
    });
    let (socket, peer) = srx.recv().expect("the owner's socket");
    Setup {
        socket,
        peer,
        owner: tx,
        owner_done,
    }
}

fn act(s: &Socket, a: Action, sink: gen_tcp::Pid) -> gen_tcp::Result<()> {
    match a {
        Action::Close => gen_tcp::close(s),
        Action::ShutdownRead => gen_tcp::shutdown(s, Shutdown::Read),
        Action::ShutdownWrite => gen_tcp::shutdown(s, Shutdown::Write),
        Action::ShutdownBoth => gen_tcp::shutdown(s, Shutdown::ReadWrite),
        Action::ControllingProcess => gen_tcp::controlling_process(s, sink),
        Action::OwnerEnds => Ok(()),
    }
}

/// Runs the blocking call (in its own thread).
fn blocking(call: Call, s: &Socket) -> gen_tcp::Result<()> {
    match call {
        Call::Recv => gen_tcp::recv(s, 0, None).map(drop),
        Call::RecvTimeout => gen_tcp::recv(s, 0, Some(Duration::from_secs(30))).map(drop),
        Call::Accept => gen_tcp::accept(s, None).map(drop),
        Call::Send => {
            let big = vec![0x5au8; 8 << 20];
            match s.backend() {
                // Queued at once; the next one meets the busy port.
                InetBackend::Inet => {
                    gen_tcp::send(s, &big[..])?;
                    gen_tcp::send(s, "more")
                }
                InetBackend::Socket => gen_tcp::send(s, &big[..]),
            }
        }
    }
}

/// The system calls a blocked call waits in.
fn waits() -> Vec<i64> {
    let mut v = vec![
        libc::SYS_recvfrom,
        libc::SYS_ppoll,
        libc::SYS_futex,
        libc::SYS_accept4,
        libc::SYS_sendto,
        libc::SYS_sendmsg,
    ];
    #[cfg(target_arch = "x86_64")]
    v.push(libc::SYS_poll);
    v
}

/// One iteration; `Err` says what went wrong.
fn iteration(b: InetBackend, call: Call, action: Action, rng: &mut Rng) -> Result<bool, String> {
    let setup = setup(b, call);
    let (tx, rx) = mpsc::channel();
    let s = setup.socket.clone();
    let blocker = std::thread::spawn(move || {
        tx.send(gettid()).expect("tid");
        blocking(call, &s)
    });
    let tid = rx.recv().expect("tid");
    let wait_blocked = rng.one_in(2);
    let mut seen_blocked = false;
    if wait_blocked {
        let calls = waits();
        loop {
            if blocker.is_finished() {
                break;
            }
            if waiting_in(tid).is_some_and(|n| calls.contains(&n)) {
                seen_blocked = true;
                break;
            }
            std::thread::yield_now();
        }
    } else {
        for _ in 0..rng.below(2000) {
            std::hint::spin_loop();
        }
    }
    setup
        .owner
        .send(Command::Act(action))
        .expect("to the owner");
    let timing = if wait_blocked { "blocked" } else { "random" };
    let what = format!("{call:?} racing {action:?} [{b:?}, {timing}]");
    let result = if wakes(call, action, b) {
        let _dog = watch(format!("{what}: the action alone"), Duration::from_secs(60));
        let r = blocker
            .join()
            .map_err(|_| format!("{what}: the blocked call panicked"))?;
        cleanup(setup)?;
        r
    } else {
        cleanup(setup)?;
        let _dog = watch(format!("{what}: after close"), Duration::from_secs(60));
        blocker
            .join()
            .map_err(|_| format!("{what}: the blocked call panicked"))?
    };
    match result {
        Err(Error::Closed) => Ok(seen_blocked),
        other => Err(format!("{what}: answered {other:?}, want closed")),
    }
}

/// Closes what is left: the socket, the peer, the owner process.
fn cleanup(setup: Setup) -> Result<(), String> {
    let r = gen_tcp::close(&setup.socket);
    if !matches!(r, Ok(()) | Err(Error::Closed)) {
        return Err(format!("close: {r:?}"));
    }
    drop(setup.peer);
    let _ = setup.owner.send(Command::End);
    setup
        .owner_done
        .join()
        .map_err(|_| "the owner process panicked".to_string())
}

/// Runs the part: every call, action and backend, `rounds` times each.
pub fn part(scale: Scale, seed: u64) {
    let rounds = scale.pick(3, 200);
    let mut rng = Rng::new(seed);
    let mut failures = Vec::new();
    let (mut done, mut blocked) = (0, 0);
    for b in BACKENDS {
        for call in CALLS {
            for action in ACTIONS {
                for _ in 0..rounds {
                    let _dog = watch(
                        format!("{call:?} racing {action:?} [{b:?}]"),
                        Duration::from_secs(180),
                    );
                    match iteration(b, call, action, &mut rng) {
                        Ok(seen_blocked) => {
                            done += 1;
                            blocked += usize::from(seen_blocked);
                        }
                        Err(e) => failures.push(e),
                    }
                }
            }
            println!(
                "  {:<6} {call:?}: every action, {rounds} rounds each",
                b.name()
            );
        }
    }
    println!(
        "  {done} iterations answered closed ({blocked} acted on a call seen blocked in the \
         kernel, the others at a random point); {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "races:\n  {}", failures.join("\n  "));
}
