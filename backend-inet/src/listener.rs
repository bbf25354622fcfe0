//! A listen socket of this backend: `accept` waits in the caller's thread
//! (many callers may wait on one listen socket; each connection goes to
//! the one that has waited longest, as in OTP), and the accepted socket inherits the listen socket's
//! options and belongs to the process that accepted it (as in OTP 25).

use crate::port::InetPort;
use bytes::Bytes;
use gen_tcp_core::options::policy;
use gen_tcp_core::port::{Owner, Port, ReadAhead, SocketExt, SocketIdExt};
use gen_tcp_core::process::Message;
use gen_tcp_core::sys;
use gen_tcp_core::{
    Counters, Data, Descriptor, Error, InetBackend, Opt, OptName, Result, Shutdown, SockAddr,
    SockOpts, Socket, SocketId, Stat,
};
use parking_lot::Mutex;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// A listening socket on the `inet` backend.
pub(crate) struct ListenPort {
    id: SocketId,
    fd: Descriptor,
    owner: Owner,
    opts: Mutex<SockOpts>,
    counters: Counters,
    closed: AtomicBool,
    me: Weak<ListenPort>,
}

impl ListenPort {
    /// Wraps a listening descriptor, owned by the calling process.
    pub(crate) fn start(fd: Descriptor, opts: SockOpts) -> Socket {
        Socket::new(Arc::new_cyclic(|me| ListenPort {
            id: SocketId::next(),
            fd,
            owner: Owner::new_for_caller(),
            opts: Mutex::new(opts),
            counters: Counters::default(),
            closed: AtomicBool::new(false),
            me: me.clone(),
        }))
    }

    fn live(&self) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }
}

fn enotconn<T>() -> Result<T> {
    Err(Error::Posix(libc::ENOTCONN))
}

impl Port for ListenPort {
    fn id(&self) -> SocketId {
        self.id
    }

    fn backend(&self) -> InetBackend {
        InetBackend::Inet
    }

    fn owner(&self) -> &Owner {
        &self.owner
    }

    /// `EMFILE`/`ENFILE` answer `system_limit` at once (no retry loop).
    fn accept(&self, timeout: Option<Duration>) -> Result<Socket> {
        let deadline = sys::deadline(timeout);
        let acceptors = self.owner.acceptors();
        let s = acceptors.accept(&self.fd, deadline, || self.live())?;
        // The accepted socket inherits the listen socket's options.
        let opts = self.opts.lock().for_accepted();
        InetPort::start(s, opts)
    }

    fn send(&self, _chunks: &[&[u8]]) -> Result<()> {
        self.live()?;
        enotconn()
    }

    fn recv(&self, _length: usize, _timeout: Option<Duration>) -> Result<Data> {
        self.live()?;
        enotconn()
    }

    fn read_into(&self, _buf: &mut [u8], _timeout: Option<Duration>) -> Result<usize> {
        self.live()?;
        enotconn()
    }

    fn close(&self) -> Result<()> {
        if !self.closed.swap(true, Ordering::AcqRel) {
            // Connections that came while processes waited in accept are
            // theirs; the close wakes every thread still waiting.
            self.owner.acceptors().close(&self.fd);
            self.fd.close();
        }
        Ok(())
    }

    fn shutdown(&self, _how: Shutdown) -> Result<()> {
        self.live()?;
        enotconn()
    }

    /// As on a connection, an `{active, N}` that brings the counter to 0
    /// sends the owner `{tcp_passive, L}` (a listen socket delivers
    /// nothing else; what `accept` returns inherits the counter).
    fn setopts(&self, opts: &[Opt]) -> Result<()> {
        self.live().map_err(|_| Error::Einval)?;
        let mut mine = self.opts.lock();
        let (outcome, r) = policy::setopts(self.fd.as_fd(), self.fd.is_local(), &mut mine, opts);
        self.fd.options_set(opts);
        if let Some(me) = self.me.upgrade() {
            let me = Socket::from_port(me);
            for _ in 0..outcome.passive_messages {
                self.owner.deliver(Message::TcpPassive(me.clone()));
            }
        }
        r
    }

    fn getopts(&self, names: &[OptName]) -> Result<Vec<Opt>> {
        self.live().map_err(|_| Error::Einval)?;
        let opts = self.opts.lock();
        policy::getopts(Some(self.fd.as_fd()), self.fd.is_local(), &opts, names)
    }

    fn peername(&self) -> Result<SockAddr> {
        self.live().map_err(|_| Error::Einval)?;
        enotconn()
    }

    fn sockname(&self) -> Result<SockAddr> {
        self.live().map_err(|_| Error::Einval)?;
        self.fd.sockname()
    }

    fn getstat(&self, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
        self.live().map_err(|_| Error::Einval)?;
        Ok(self.counters.report(stats, 0))
    }

    fn raw_fd(&self) -> RawFd {
        self.fd.raw()
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// `into_std`: refused (`ebusy`) while a process waits in `accept`;
    /// the connections not accepted yet go with the descriptor.
    fn detach(&self, _read_ahead: ReadAhead) -> Result<(OwnedFd, Bytes)> {
        self.live()?;
        let detached = self.fd.detach(|_| {});
        if self.fd.is_closed() {
            // Given away (or closed meanwhile): `accept` answers `closed`.
            self.closed.store(true, Ordering::Release);
        }
        Ok((detached?, Bytes::new()))
    }
}
