//! The `inet` backend: OTP's classic `inet_drv`, in Rust.
//!
//! A driver thread ([`driver`]) runs an event loop (core's reactor, over mio) and does the
//! socket's background work; the calls that can finish at once finish in
//! the caller's thread:
//!
//! - `send` writes straight to the kernel when nothing is queued; what the
//!   kernel will not take is queued and written by the driver, and `send`
//!   returns `ok` without waiting for the network. Over `high_watermark`
//!   the port is busy and the next sender waits (bounded by
//!   `send_timeout`) until the driver brings it below `low_watermark`.
//!   `delay_send` queues even when the kernel would take the bytes.
//! - `recv` on a passive socket reads in the caller's thread; waiting for
//!   bytes with no timeout is one blocking `recv(2)`, as std's.
//! - `shutdown(write)` with output queued returns `ok` at once; the FIN
//!   goes out when the driver has written the queue. `close` likewise
//!   lets the driver write the queue before the descriptor is closed.
//! - A background write that meets a reset marks the socket dead and
//!   tells nobody; the next `recv`, `send` or activation reports it, and
//!   what the OS still held for us is lost (reference page, `send/2` and
//!   the note on `show_econnreset`).
//! - Active sockets are read by the driver, which delivers `{tcp, S, D}`,
//!   `{tcp_passive, S}`, `{tcp_error, S, R}` and `{tcp_closed, S}` to the
//!   owner in order.
//!
//! ```
//! use gen_tcp_core::port::SocketExt;
//! use gen_tcp_core::{Active, CreateOpts, Opt, SockAddr};
//! let l = gen_tcp_backend_inet::listen(0, &CreateOpts::parse(&[Opt::Active(Active::False)])?)?;
//! let addr = SockAddr::Inet(([127, 0, 0, 1], l.port().sockname()?.port()).into());
//! let c = gen_tcp_backend_inet::connect(&[addr], &CreateOpts::parse(&[Opt::Binary, Opt::Active(Active::False)])?, None)?;
//! let s = l.port().accept(None)?;
//! c.send("ping")?;
//! assert_eq!(s.recv(4, None)?, b"ping");
//! # Ok::<(), gen_tcp_core::Error>(())
//! ```
#![warn(missing_docs)]

mod active;
pub mod driver;
mod errors;
mod listener;
mod port;
mod queue;
mod recv;
mod send;
mod state;

pub use driver::{set_driver_threads, DRIVERS_ENV};

use gen_tcp_core::deliver;
use gen_tcp_core::open::Adopted;
use gen_tcp_core::options::policy;
use gen_tcp_core::{open, sys, CreateOpts, Descriptor, InetBackend, Result, SockAddr, Socket};
use std::time::Duration;

/// `listen(Port, Options)` on this backend: the listening descriptor is
/// made by [`gen_tcp_core::open::listen`]; the options apply to it and
/// are inherited by every accepted socket.
pub fn listen(port: u16, c: &CreateOpts) -> Result<Socket> {
    let opts = policy::initial(InetBackend::Inet, &c.opts)?;
    let fd = Descriptor::listening(open::listen(port, c)?, c)?;
    Ok(deliver::opened(
        listener::ListenPort::start(fd, opts),
        &c.opts,
    ))
}

/// `connect(Address, Port, Options, Timeout)` on this backend: each
/// address in turn until one connects or `timeout` passes.
pub fn connect(addrs: &[SockAddr], c: &CreateOpts, timeout: Option<Duration>) -> Result<Socket> {
    let opts = policy::initial(InetBackend::Inet, &c.opts)?;
    let sock = open::connect(addrs, c, sys::deadline(timeout))?;
    port::InetPort::start(Descriptor::connected(sock, c, addrs), opts)
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
/// let l = gen_tcp_backend_inet::adopt(adopted, &c)?;
/// assert_eq!(l.sockname()?.port(), port);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn adopt(adopted: Adopted, c: &CreateOpts) -> Result<Socket> {
    let opts = policy::initial(InetBackend::Inet, &c.opts)?;
    let s = match adopted {
        Adopted::Listening(fd) => listener::ListenPort::start(fd, opts),
        Adopted::Connected(fd) => port::InetPort::start(fd, opts)?,
    };
    Ok(deliver::opened(s, &c.opts))
}
