//! The `{inet_backend, inet | socket}` choice and the process-wide default.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// Which implementation a socket runs on, as OTP's `inet_backend` option.
///
/// ```
/// use gen_tcp_core::InetBackend;
/// assert_eq!(InetBackend::from_name("socket"), Some(InetBackend::Socket));
/// assert_eq!(InetBackend::Inet.name(), "inet");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InetBackend {
    /// The classic driver (`inet_drv.c`): an event loop owns the sockets,
    /// sends are queued and never block on the network.
    Inet,
    /// Direct syscalls (`gen_tcp_socket` over the socket NIF): sends block
    /// until done or `send_timeout`, `shutdown` is immediate.
    Socket,
}

impl InetBackend {
    /// The Erlang atom: `inet` or `socket`.
    pub fn name(self) -> &'static str {
        match self {
            InetBackend::Inet => "inet",
            InetBackend::Socket => "socket",
        }
    }

    /// Parses `inet` or `socket`.
    pub fn from_name(name: &str) -> Option<InetBackend> {
        match name.trim() {
            "inet" => Some(InetBackend::Inet),
            "socket" => Some(InetBackend::Socket),
            _ => None,
        }
    }
}

/// Name of the environment variable read once for the default backend,
/// the counterpart of the kernel's `inet_backend` parameter: run a
/// program with `GEN_TCP_INET_BACKEND=socket` and its sockets run on the
/// `socket` backend unless they say otherwise.
///
/// ```
/// assert_eq!(gen_tcp_core::BACKEND_ENV, "GEN_TCP_INET_BACKEND");
/// ```
pub const BACKEND_ENV: &str = "GEN_TCP_INET_BACKEND";

const UNSET: u8 = 0;
const INET: u8 = 1;
const SOCKET: u8 = 2;

static OVERRIDE: AtomicU8 = AtomicU8::new(UNSET);
static FROM_ENV: OnceLock<InetBackend> = OnceLock::new();

/// The backend used when a call does not start with `{inet_backend, _}`.
///
/// It is the value given to [`set_default_backend`] if any, else the value
/// of `GEN_TCP_INET_BACKEND` (`inet` or `socket`, read once), else `inet`,
/// as in OTP.
///
/// ```
/// use gen_tcp_core::{default_backend, InetBackend};
/// # if std::env::var_os(gen_tcp_core::BACKEND_ENV).is_none() {
/// assert_eq!(default_backend(), InetBackend::Inet); // nothing set: OTP's default
/// # }
/// ```
pub fn default_backend() -> InetBackend {
    match OVERRIDE.load(Ordering::Relaxed) {
        INET => InetBackend::Inet,
        SOCKET => InetBackend::Socket,
        _ => *FROM_ENV.get_or_init(|| {
            std::env::var(BACKEND_ENV)
                .ok()
                .and_then(|v| InetBackend::from_name(&v))
                .unwrap_or(InetBackend::Inet)
        }),
    }
}

/// Sets the process-wide default backend, overriding the environment.
///
/// ```
/// use gen_tcp_core::{default_backend, set_default_backend, InetBackend};
/// set_default_backend(InetBackend::Socket);
/// assert_eq!(default_backend(), InetBackend::Socket);
/// set_default_backend(InetBackend::Inet);
/// ```
pub fn set_default_backend(backend: InetBackend) {
    let v = match backend {
        InetBackend::Inet => INET,
        InetBackend::Socket => SOCKET,
    };
    OVERRIDE.store(v, Ordering::Relaxed);
}
