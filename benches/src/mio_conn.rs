//! One non-blocking mio socket with an event loop (`Poll`) of its own: the
//! `mio` rows of the one-connection sections do std's work this way, each
//! syscall tried first and `epoll_wait` entered only when it would block.

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

const ME: Token = Token(0);

/// How long any one wait may take before it is an error.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A connected socket and its own poller.
pub struct MioConn {
    poll: Poll,
    events: Events,
    stream: TcpStream,
    interest: Interest,
}

impl MioConn {
    /// Connects without blocking, then waits until the connection is up.
    pub fn connect(addr: SocketAddr) -> io::Result<MioConn> {
        let stream = TcpStream::connect(addr)?;
        let mut conn = MioConn::register(stream, Interest::WRITABLE)?;
        conn.wait_connected()?;
        conn.set_interest(Interest::READABLE)?;
        Ok(conn)
    }

    /// Waits for and accepts one connection on `listener` (non-blocking).
    pub fn accept(listener: &mut TcpListener) -> io::Result<MioConn> {
        let mut poll = Poll::new()?;
        poll.registry().register(listener, ME, Interest::READABLE)?;
        let mut events = Events::with_capacity(4);
        let stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    poll_once(&mut poll, &mut events)?;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        poll.registry().deregister(listener)?;
        MioConn::register(stream, Interest::READABLE)
    }

    fn register(mut stream: TcpStream, interest: Interest) -> io::Result<MioConn> {
        let poll = Poll::new()?;
        poll.registry().register(&mut stream, ME, interest)?;
        Ok(MioConn {
            poll,
            events: Events::with_capacity(4),
            stream,
            interest,
        })
    }

    /// The socket.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Writes all of `buf`, waiting for room when the socket is full.
    pub fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.stream.write(buf) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => buf = &buf[n..],
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(Interest::WRITABLE)?,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads some bytes, waiting until there are some; 0 at end of stream.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.stream.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(Interest::READABLE)?,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Fills `buf`; end of stream first is `UnexpectedEof`.
    pub fn read_exact(&mut self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read(buf)? {
                0 => return Err(ErrorKind::UnexpectedEof.into()),
                n => buf = &mut buf[n..],
            }
        }
        Ok(())
    }

    /// Waits for `interest` (edge-triggered: called only after the
    /// syscall said it would block, so an edge is still to come).
    fn wait(&mut self, interest: Interest) -> io::Result<()> {
        self.set_interest(interest)?;
        poll_once(&mut self.poll, &mut self.events)
    }

    fn set_interest(&mut self, interest: Interest) -> io::Result<()> {
        if self.interest != interest {
            self.poll
                .registry()
                .reregister(&mut self.stream, ME, interest)?;
            self.interest = interest;
        }
        Ok(())
    }

    fn wait_connected(&mut self) -> io::Result<()> {
        loop {
            if let Some(e) = self.stream.take_error()? {
                return Err(e);
            }
            match self.stream.peer_addr() {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == ErrorKind::NotConnected => {
                    poll_once(&mut self.poll, &mut self.events)?
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// One `epoll_wait`, bounded by [`PATIENCE`]; nothing by then is `TimedOut`.
pub fn poll_once(poll: &mut Poll, events: &mut Events) -> io::Result<()> {
    loop {
        match poll.poll(events, Some(PATIENCE)) {
            Ok(()) if events.is_empty() => return Err(ErrorKind::TimedOut.into()),
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
