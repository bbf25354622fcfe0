//! `{fd, Fd}`: a descriptor handed to gen_tcp by its owner.
//!
//! In Erlang `{fd, Fd}` is a bare number and the port closes it when the
//! socket closes. In Rust a bare `RawFd` would let safe code hand over a
//! descriptor that something else still owns and will close: two owners,
//! and the second close aborts the process ("IO Safety violation: owned
//! file descriptor already closed") or closes an unrelated descriptor that
//! reused the number. So [`Fd`] can only be built from something that owns
//! its descriptor ([`OwnedFd`], a std or socket2 socket), or through the
//! `unsafe` [`FromRawFd`].

use parking_lot::Mutex;
use std::fmt;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;

/// A descriptor given to `listen`/`connect` with `{fd, Fd}`
/// ([`Opt::Fd`](crate::Opt::Fd)).
///
/// The first `listen` or `connect` that uses it takes the descriptor, for
/// good: the socket it makes closes it. [`Opt`](crate::Opt) is `Clone`,
/// and clones of an `Fd` share one descriptor, so a second `listen` or
/// `connect` with the same `Fd` (or a clone) answers `ebadf`, as OTP does
/// for a descriptor that is not open. Two `Fd`s are equal when they share
/// the descriptor.
///
/// ```
/// use gen_tcp_core::{open, CreateOpts, Fd, Opt};
/// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let port = std_listener.local_addr()?.port();
/// let fd = Fd::from(std_listener); // the listener is moved: gen_tcp owns it now
/// let l = open::listen(0, &CreateOpts::parse(&[Opt::Fd(fd)])?)?;
/// assert_eq!(open::sockname(&l)?.port(), port);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A descriptor that something else owns cannot be passed from safe code:
///
/// ```compile_fail
/// use gen_tcp_core::Opt;
/// use std::os::fd::AsRawFd;
/// let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let _ = Opt::Fd(l.as_raw_fd()); // a RawFd is not an Fd
/// ```
#[derive(Clone)]
pub struct Fd(Arc<Mutex<Option<OwnedFd>>>);

impl Fd {
    /// Takes the descriptor: `None` once a `listen`/`connect` has taken it.
    pub(crate) fn take(&self) -> Option<OwnedFd> {
        self.0.lock().take()
    }

    /// True until a `listen` or `connect` has taken the descriptor.
    pub fn is_available(&self) -> bool {
        self.0.lock().is_some()
    }
}

impl From<OwnedFd> for Fd {
    fn from(fd: OwnedFd) -> Fd {
        Fd(Arc::new(Mutex::new(Some(fd))))
    }
}

macro_rules! fd_from_owner {
    ($($t:ty),*) => {$(
        impl From<$t> for Fd {
            #[doc = concat!("Takes the descriptor of a `", stringify!($t), "`.")]
            fn from(s: $t) -> Fd {
                Fd::from(OwnedFd::from(s))
            }
        }
    )*};
}

fd_from_owner!(
    std::net::TcpListener,
    std::net::TcpStream,
    UnixListener,
    UnixStream,
    socket2::Socket
);

impl FromRawFd for Fd {
    /// # Safety
    ///
    /// `fd` must be an open descriptor that nothing else owns or will
    /// close: gen_tcp closes it ([`OwnedFd::from_raw_fd`]'s contract).
    unsafe fn from_raw_fd(fd: RawFd) -> Fd {
        // SAFETY: the caller gives up `fd`, open and owned by no one else.
        Fd::from(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

impl PartialEq for Fd {
    fn eq(&self, other: &Fd) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Fd {}

impl fmt::Debug for Fd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0.lock() {
            Some(fd) => write!(f, "Fd({})", fd.as_raw_fd()),
            None => f.write_str("Fd(taken)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_descriptor_taken_once() {
        let a = Fd::from(std::net::TcpListener::bind("127.0.0.1:0").unwrap());
        let b = a.clone();
        assert_eq!(a, b);
        assert!(a.take().is_some());
        assert!(!b.is_available());
        assert!(b.take().is_none());
        assert_eq!(format!("{b:?}"), "Fd(taken)");
        let c = Fd::from(std::net::TcpListener::bind("127.0.0.1:0").unwrap());
        assert_ne!(a, c);
    }
}
