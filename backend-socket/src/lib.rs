//! The `socket` backend of gen_tcp (OTP's `gen_tcp_socket`): every call
//! runs in the caller's thread with direct system calls.
//!
//! - `send` writes until the kernel has every byte, waiting for room at
//!   most `send_timeout`, after which it returns `{timeout, Rest}` with
//!   exactly the bytes not written ([`send`](send::send)).
//! - `recv` reads in the caller's thread ([`recv`](recv::recv)); waiting
//!   for bytes with no timeout is one blocking `recv(2)`, as std's.
//! - Active sockets are read by one shared thread for the whole backend
//!   ([`poller`], core's reactor), which delivers to the controlling
//!   process ([`active`]).
//! - `shutdown` takes effect at once; `close` wakes every blocked call.
//!
//! ```
//! use gen_tcp_core::port::SocketExt;
//! use gen_tcp_core::{Active, CreateOpts, InetBackend, Opt};
//! let c = CreateOpts::parse(&[Opt::InetBackend(InetBackend::Socket), Opt::Binary,
//!                             Opt::Active(Active::False)]).unwrap();
//! let l = gen_tcp_backend_socket::listen(0, &c).unwrap();
//! let addr = l.port().sockname().unwrap();
//! let client = gen_tcp_backend_socket::connect(&[addr], &c, None).unwrap();
//! let server = l.port().accept(None).unwrap();
//! client.send("ping").unwrap();
//! assert_eq!(server.recv(4, None).unwrap(), b"ping");
//! ```
#![warn(missing_docs)]

pub mod active;
pub mod options;
pub mod poller;
pub mod port;
pub mod recv;
pub mod send;
pub mod state;

use gen_tcp_core::deliver;
use gen_tcp_core::open::Adopted;
use gen_tcp_core::options::policy;
use gen_tcp_core::{open, CreateOpts, Descriptor, InetBackend, Result, SockAddr, Socket};
use port::SocketPort;
use state::Phase;
use std::time::Duration;

/// `listen(Port, Options)` on this backend; the caller owns the socket.
pub fn listen(port: u16, c: &CreateOpts) -> Result<Socket> {
    let opts = policy::initial(InetBackend::Socket, &c.opts)?;
    let fd = Descriptor::listening(open::listen(port, c)?, c)?;
    SocketPort::open(fd, Phase::Listening, opts).map(|s| deliver::opened(s, &c.opts))
}

/// `connect(Address, Port, Options, Timeout)` on this backend: each
/// address is tried in turn within `timeout`; the caller owns the socket.
pub fn connect(addrs: &[SockAddr], c: &CreateOpts, timeout: Option<Duration>) -> Result<Socket> {
    let opts = policy::initial(InetBackend::Socket, &c.opts)?;
    let sock = open::connect(addrs, c, gen_tcp_core::sys::deadline(timeout))?;
    SocketPort::open(
        Descriptor::connected(sock, c, addrs),
        Phase::Connected,
        opts,
    )
    .map(|s| deliver::opened(s, &c.opts))
}

/// A socket handed over whole (`gen_tcp::from_std`), as
/// [`gen_tcp_core::open::adopt_whole`] found it, on this backend with the
/// options `c` (kernel options already set); the caller owns it.
///
/// ```
/// use gen_tcp_core::open::adopt_whole;
/// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let port = std_listener.local_addr()?.port();
/// let (adopted, c) = adopt_whole(std_listener.into(), &[])?;
/// let l = gen_tcp_backend_socket::adopt(adopted, &c)?;
/// assert_eq!(l.sockname()?.port(), port);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn adopt(adopted: Adopted, c: &CreateOpts) -> Result<Socket> {
    let opts = policy::initial(InetBackend::Socket, &c.opts)?;
    let s = match adopted {
        Adopted::Listening(fd) => SocketPort::open(fd, Phase::Listening, opts)?,
        Adopted::Connected(fd) => SocketPort::open(fd, Phase::Connected, opts)?,
    };
    Ok(deliver::opened(s, &c.opts))
}
