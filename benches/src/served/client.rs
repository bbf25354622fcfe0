//! The load of section e: one mio event loop driving every connection.
//!
//! Each connection has one request in flight: the loop sends it, reads the
//! 64-byte echo when the socket is readable, checks it and sends the next,
//! until each connection has made its rounds and is closed. One thread,
//! one `epoll_wait` for many replies: cheaper per round trip than any of
//! the servers, so that the server sets the pace.

use super::MESSAGE;
use crate::mio_conn::PATIENCE;
use crate::{sys, Context};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use std::io::{ErrorKind, Read, Write};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

/// What driving the server took.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// From the first request to the last echo.
    pub elapsed: Duration,
    /// The client thread's CPU time over the same span.
    pub cpu: Duration,
}

/// One connection's state.
struct Conn {
    stream: TcpStream,
    /// Bytes of the current echo received.
    got: usize,
    /// Bytes of the current request still to write.
    unsent: usize,
    /// Round trips completed.
    done: usize,
    /// Registered for `WRITABLE` too, after a write would have blocked.
    wants_room: bool,
}

const REQUEST: [u8; MESSAGE] = [b'q'; MESSAGE];

/// Connects `conns` clients to `port`, then times `rounds` round trips on
/// each of them, all at once; calls `mark` just before the first request
/// and just after the last echo.
pub fn drive(
    port: u16,
    conns: usize,
    rounds: usize,
    mark: &mut dyn FnMut(),
) -> Result<Load, String> {
    let mut poll = Poll::new().ctx("poll")?;
    let mut events = Events::with_capacity(1024);
    let mut all = Vec::with_capacity(conns);
    for i in 0..conns {
        // Blocking connects (set-up is not timed), then non-blocking I/O.
        let s = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .ctx(&format!("connect #{i}"))?;
        s.set_nodelay(true).ctx("nodelay")?;
        s.set_nonblocking(true).ctx("nonblocking")?;
        let mut stream = TcpStream::from_std(s);
        poll.registry()
            .register(&mut stream, Token(i), Interest::READABLE)
            .ctx("register")?;
        all.push(Some(Conn {
            stream,
            got: 0,
            unsent: MESSAGE,
            done: 0,
            wants_room: false,
        }));
    }
    mark();
    let cpu_before = sys::thread_cpu_time();
    let start = Instant::now();
    for (i, c) in all.iter_mut().enumerate() {
        if let Some(c) = c {
            send(&poll, Token(i), c).ctx(&format!("send #{i}"))?;
        }
    }
    let mut open = conns;
    let mut reply = [0u8; MESSAGE];
    while open > 0 {
        poll.poll(&mut events, Some(PATIENCE)).ctx("poll")?;
        if events.is_empty() {
            return Err(format!(
                "no reply in {PATIENCE:?} ({open} connections left)"
            ));
        }
        for event in events.iter() {
            let Token(i) = event.token();
            let Some(c) = all.get_mut(i).and_then(Option::as_mut) else {
                continue;
            };
            if event.is_writable() && c.unsent > 0 {
                send(&poll, Token(i), c).ctx(&format!("send #{i}"))?;
            }
            if !event.is_readable() {
                continue;
            }
            // Read until the echo is whole or the socket is empty. Stopping
            // at a whole echo, before `WouldBlock`, is safe with epoll's
            // edge trigger: nothing more comes until the next request, and
            // its echo's arrival is a new edge.
            while c.got < MESSAGE {
                match c.stream.read(&mut reply[c.got..]) {
                    Ok(0) => return Err(format!("server closed connection #{i}")),
                    Ok(n) => c.got += n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(format!("read #{i}: {e}")),
                }
            }
            if c.got < MESSAGE {
                continue;
            }
            if reply != REQUEST {
                return Err(format!("connection #{i}: the echo differs"));
            }
            c.got = 0;
            c.done += 1;
            if c.done < rounds {
                c.unsent = MESSAGE;
                send(&poll, Token(i), c).ctx(&format!("send #{i}"))?;
            } else {
                all[i] = None; // closes it
                open -= 1;
            }
        }
    }
    let load = Load {
        elapsed: start.elapsed(),
        cpu: sys::thread_cpu_time().saturating_sub(cpu_before),
    };
    mark();
    Ok(load)
}

/// Writes what is left of the request; on a full socket, asks to be told
/// when there is room (and stops asking once it is all written).
fn send(poll: &Poll, token: Token, c: &mut Conn) -> std::io::Result<()> {
    while c.unsent > 0 {
        match c.stream.write(&REQUEST[MESSAGE - c.unsent..]) {
            Ok(n) => c.unsent -= n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if !c.wants_room {
                    c.wants_room = true;
                    let both = Interest::READABLE | Interest::WRITABLE;
                    poll.registry().reregister(&mut c.stream, token, both)?;
                }
                return Ok(());
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if c.wants_room {
        c.wants_room = false;
        poll.registry()
            .reregister(&mut c.stream, token, Interest::READABLE)?;
    }
    Ok(())
}
