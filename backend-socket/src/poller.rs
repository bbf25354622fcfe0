//! The one reader thread of this backend: a `mio::Poll` watching the
//! descriptors of active sockets. When one is readable it reads and
//! delivers (through [`crate::active::pump`]) while the socket is active.
//! A passive socket is left registered but ignored; turning it active
//! again re-arms it, so bytes already waiting raise a new event.
//!
//! Thousands of sockets cost one thread and one epoll set.
//!
//! The poller holds a registered port, as `inet`'s driver does: an active
//! socket lives (and its owner gets its messages, each naming it) until it
//! is closed or its owner ends, even once the owner holds no handle.

use crate::active::{pump, Pumped, READS_PER_TURN};
use crate::port::SocketPort;
use gen_tcp_core::SocketId;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token};
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

type Ports = Arc<Mutex<HashMap<usize, Arc<SocketPort>>>>;

struct Poller {
    registry: Registry,
    ports: Ports,
}

static POLLER: OnceLock<Poller> = OnceLock::new();

fn token(id: SocketId) -> Token {
    Token(id.get() as usize)
}

fn poller() -> &'static Poller {
    POLLER.get_or_init(|| {
        let poll = Poll::new().expect("creating the socket backend's poller");
        let registry = poll.registry().try_clone().expect("cloning the registry");
        let ports = Ports::default();
        let shared = ports.clone();
        std::thread::Builder::new()
            .name("gen_tcp socket poller".into())
            .spawn(move || run(poll, shared))
            .expect("starting the socket backend's poller");
        Poller { registry, ports }
    })
}

/// Has the poller read `port` while it is active. `registered` says
/// whether it was registered before (then it is re-armed). Returns
/// whether it is registered now.
pub fn watch(port: &Arc<SocketPort>, registered: bool) -> bool {
    let p = poller();
    let old = p.ports.lock().insert(token(port.id).0, port.clone());
    drop(old);
    let fd = port.fd();
    let mut source = SourceFd(&fd);
    let t = token(port.id);
    let r = if registered {
        p.registry.reregister(&mut source, t, Interest::READABLE)
    } else {
        p.registry.register(&mut source, t, Interest::READABLE)
    };
    if r.is_err() {
        let gone = p.ports.lock().remove(&t.0);
        drop(gone);
    }
    r.is_ok()
}

/// Stops watching `port` (before its descriptor is closed).
pub fn unwatch(port: &SocketPort) {
    if let Some(p) = POLLER.get() {
        let fd = port.fd();
        let _ = p.registry.deregister(&mut SourceFd(&fd));
        // Dropped outside the lock: it may be the port's last handle.
        let gone = p.ports.lock().remove(&token(port.id).0);
        drop(gone);
    }
}

fn run(mut poll: Poll, ports: Ports) {
    let mut events = Events::with_capacity(1024);
    let mut again: VecDeque<Arc<SocketPort>> = VecDeque::new();
    loop {
        let timeout = if again.is_empty() {
            None
        } else {
            Some(Duration::ZERO)
        };
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() != std::io::ErrorKind::Interrupted {
                // Nothing sensible to do but try again; never spin hot.
                std::thread::yield_now();
            }
            continue;
        }
        let mut work: Vec<Arc<SocketPort>> = again.drain(..).collect();
        {
            let ports = ports.lock();
            work.extend(
                events
                    .iter()
                    .filter_map(|ev| ports.get(&ev.token().0).cloned()),
            );
        }
        for port in work {
            let more = pump(&port, &mut port.state.lock(), READS_PER_TURN);
            if more == Pumped::More {
                again.push_back(port);
            }
        }
    }
}
