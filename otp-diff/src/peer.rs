//! The plain TCP peer: a `std::net::TcpStream` (made with socket2 so that
//! its buffers can be set before it connects), as the escript's peer is a
//! plain `socket` module socket.

use crate::term::Term;
use socket2::{Domain, SockRef, Socket, Type};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a peer read or write may wait.
pub const PEER_WAIT: Duration = Duration::from_millis(2000);

/// A peer: the stream until `pclose`/`preset`.
pub struct Peer {
    stream: Mutex<Option<TcpStream>>,
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// `{rcvbuf, N}` and `{sndbuf, N}` of a peer, set before it connects.
pub fn apply_opts(s: &Socket, opts: &Term) -> Result<(), Term> {
    for o in opts.as_list().unwrap_or(&[]) {
        let Term::Tuple(kv) = o else {
            return Err(Term::tuple([Term::atom("bad_peer_opt"), o.clone()]));
        };
        let n = kv
            .get(1)
            .and_then(Term::as_int)
            .and_then(|n| usize::try_from(n).ok());
        match (kv.first().and_then(Term::as_atom), n) {
            (Some("rcvbuf"), Some(n)) => s.set_recv_buffer_size(n).map_err(io_term)?,
            (Some("sndbuf"), Some(n)) => s.set_send_buffer_size(n).map_err(io_term)?,
            _ => return Err(Term::tuple([Term::atom("bad_peer_opt"), o.clone()])),
        }
    }
    Ok(())
}

/// An OS error as the `socket` module names it (`{error, Reason}`).
pub fn io_term(e: std::io::Error) -> Term {
    Term::error(reason(&e))
}

fn reason(e: &std::io::Error) -> Term {
    match e.raw_os_error() {
        Some(errno) => Term::atom(gen_tcp::Error::from_errno(errno).reason()),
        None if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) =>
        {
            Term::atom("timeout")
        }
        None => Term::atom("other"),
    }
}

/// A listening peer socket for `connect`.
pub struct PeerListener(Socket);

impl PeerListener {
    /// Listens on 127.0.0.1, ephemeral port; `opts` are inherited by the
    /// accepted stream.
    pub fn open(opts: &Term) -> Result<PeerListener, Term> {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).map_err(io_term)?;
        apply_opts(&s, opts)?;
        s.bind(&loopback().into()).map_err(io_term)?;
        s.listen(8).map_err(io_term)?;
        s.set_read_timeout(Some(PEER_WAIT)).map_err(io_term)?;
        Ok(PeerListener(s))
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.0
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port())
    }

    /// Accepts one connection (bounded by [`PEER_WAIT`]).
    pub fn accept(&self) -> Result<Peer, Term> {
        let (s, _) = self.0.accept().map_err(io_term)?;
        Ok(Peer::new(s.into()))
    }
}

impl Peer {
    fn new(s: TcpStream) -> Peer {
        Peer {
            stream: Mutex::new(Some(s)),
        }
    }

    /// Connects to 127.0.0.1:`port` with `opts` set first.
    pub fn connect(port: u16, opts: &Term) -> Result<Peer, Term> {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).map_err(io_term)?;
        apply_opts(&s, opts)?;
        let to = SocketAddr::from(([127, 0, 0, 1], port));
        s.connect_timeout(&to.into(), PEER_WAIT).map_err(io_term)?;
        Ok(Peer::new(s.into()))
    }

    fn with<R>(&self, f: impl FnOnce(&mut TcpStream) -> Result<R, Term>) -> Result<R, Term> {
        let mut g = self.stream.lock().unwrap_or_else(|p| p.into_inner());
        match g.as_mut() {
            Some(s) => f(s),
            None => Err(Term::error(Term::atom("closed"))),
        }
    }

    /// `psend`: all the bytes, or an error.
    pub fn send(&self, data: &[u8]) -> Term {
        let r = self.with(|s| {
            s.set_write_timeout(Some(PEER_WAIT)).map_err(io_term)?;
            s.write_all(data).map_err(io_term)
        });
        r.map_or_else(|e| e, |()| Term::atom("ok"))
    }

    /// `precv`: reads until `want` bytes and no more (all of the stream
    /// with `None`),
    /// the end of the stream, an error or [`PEER_WAIT`]; gives
    /// `{Status, Len, Bytes}` as the escript does.
    pub fn recv(&self, want: Option<usize>) -> Term {
        if self
            .stream
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
        {
            // The escript's `socket:recv` on a closed socket is `closed`,
            // which `precv` reports as the end of the stream.
            return Term::tuple([Term::atom("eof"), Term::Int(0), Term::Bin(Vec::new())]);
        }
        let r = self.with(|s| {
            let deadline = Instant::now() + PEER_WAIT;
            let mut got = Vec::new();
            let mut buf = vec![0u8; 65536];
            let status = loop {
                if want.is_some_and(|n| got.len() >= n) {
                    break Term::atom("ok");
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break Term::atom("timeout");
                }
                s.set_read_timeout(Some(left)).map_err(io_term)?;
                let room = want.map_or(buf.len(), |n| (n - got.len()).min(buf.len()));
                match s.read(&mut buf[..room]) {
                    Ok(0) => break Term::atom("eof"),
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) =>
                    {
                        break Term::atom("timeout")
                    }
                    Err(e) => break io_term(e),
                }
            };
            Ok(Term::tuple([
                status,
                Term::Int(got.len() as i64),
                Term::Bin(got),
            ]))
        });
        r.unwrap_or_else(|e| e)
    }

    /// `pshutdown`.
    pub fn shutdown(&self, how: std::net::Shutdown) -> Term {
        self.with(|s| s.shutdown(how).map_err(io_term))
            .map_or_else(|e| e, |()| Term::atom("ok"))
    }

    /// `pclose`; `preset` first sets `{linger, {true, 0}}` so that the
    /// close sends a reset.
    pub fn close(&self, reset: bool) -> Term {
        let mut g = self.stream.lock().unwrap_or_else(|p| p.into_inner());
        let Some(s) = g.take() else {
            return Term::error(Term::atom("closed"));
        };
        if reset {
            if let Err(e) = SockRef::from(&s).set_linger(Some(Duration::ZERO)) {
                return io_term(e);
            }
        }
        drop(s);
        Term::atom("ok")
    }
}
