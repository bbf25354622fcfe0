//! Erlang's `gen_tcp` in Rust, with both of OTP's backends.
//!
//! The API is gen_tcp's: [`listen`], [`accept`], [`connect`], [`send`],
//! [`recv`], [`close`], [`shutdown`], [`controlling_process`], and the
//! `inet` helpers [`setopts`], [`getopts`], [`port`], [`peername`],
//! [`sockname`], [`getstat`]. Each socket runs on the backend chosen by
//! `{inet_backend, inet | socket}` as its first option
//! ([`Opt::InetBackend`]), else on the process-wide default
//! ([`set_default_backend`], or `GEN_TCP_INET_BACKEND`), else `inet`:
//!
//! - `inet`: an event loop owns the sockets; `send` queues what the kernel
//!   will not take and returns; `shutdown(write)` waits for the queue.
//! - `socket`: direct syscalls in the caller's thread; `send` blocks until
//!   done or `send_timeout`, which returns `{timeout, RestData}`.
//!
//! Processes are threads with mailboxes ([`process`]): the thread that
//! opens a socket controls it, active sockets send it [`Message`]s, and a
//! socket is closed when its controlling thread ends.
//!
//! ```
//! use gen_tcp::{Opt, Active, InetBackend};
//! # fn main() -> gen_tcp::Result<()> {
//! let l = gen_tcp::listen(0, &[Opt::Binary, Opt::Active(Active::False)])?;
//! let port = gen_tcp::port(&l)?;
//! let c = gen_tcp::connect("127.0.0.1", port, &[Opt::InetBackend(InetBackend::Socket), Opt::Binary], None)?;
//! let s = gen_tcp::accept(&l, None)?;
//! gen_tcp::send(&c, "hello")?;
//! assert_eq!(gen_tcp::recv(&s, 5, None)?, b"hello");
//! gen_tcp::close(&c)?;
//! assert_eq!(gen_tcp::recv(&s, 0, None), Err(gen_tcp::Error::Closed));
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

use gen_tcp_backend_inet as inet_backend;
use gen_tcp_backend_socket as socket_backend;
use std::net::SocketAddr;
use std::time::Duration;

pub use gen_tcp_core::packet::{self, HttpPacket, PacketType};
pub use gen_tcp_core::process::{
    self, receive, receive_from, receive_match, self_pid, spawn, spawn_with_handle, Message, Pid,
};
pub use gen_tcp_core::socket::Shutdown;
pub use gen_tcp_core::{
    default_backend, set_default_backend, Active, Address, CreateOpts, Data, Deliver, Error,
    Family, Ifaddr, InetBackend, IoData, Mode, Opt, OptName, Result, SockAddr, Socket, Stat,
    BACKEND_ENV,
};

fn open_listen(port: u16, c: &CreateOpts) -> Result<Socket> {
    match c.backend {
        InetBackend::Inet => inet_backend::listen(port, c),
        InetBackend::Socket => socket_backend::listen(port, c),
    }
}

fn open_connect(addrs: &[SockAddr], c: &CreateOpts, timeout: Option<Duration>) -> Result<Socket> {
    match c.backend {
        InetBackend::Inet => inet_backend::connect(addrs, c, timeout),
        InetBackend::Socket => socket_backend::connect(addrs, c, timeout),
    }
}

/// `listen(Port, Options)`: a socket listening on `port` (0: the OS picks;
/// see [`port`]).
pub fn listen(port: u16, opts: &[Opt]) -> Result<Socket> {
    open_listen(port, &CreateOpts::parse(opts)?)
}

/// `accept(ListenSocket, Timeout)`: the next connection. Many processes
/// may wait on one listen socket at once; each connection goes to one.
/// `closed` when the listen socket is closed, `timeout`, or
/// `system_limit` when out of descriptors.
pub fn accept(listen_socket: &Socket, timeout: Option<Duration>) -> Result<Socket> {
    listen_socket.accept(timeout)
}

/// `connect(Address, Port, Options, Timeout)`: `address` is an IP address,
/// a host name, or [`Address::Local`] (with port 0).
pub fn connect(
    address: impl Into<Address>,
    port: u16,
    opts: &[Opt],
    timeout: Option<Duration>,
) -> Result<Socket> {
    let c = CreateOpts::parse(opts)?;
    let addrs = address.into().resolve(port, c.family)?;
    open_connect(&addrs, &c, timeout)
}

/// `connect(SockAddr, Options, Timeout)`: connect to a full socket address
/// (for IPv6 link-local addresses, with their scope id).
pub fn connect_sockaddr(
    addr: SocketAddr,
    opts: &[Opt],
    timeout: Option<Duration>,
) -> Result<Socket> {
    let c = CreateOpts::parse(opts)?;
    open_connect(&[SockAddr::Inet(addr)], &c, timeout)
}

/// `send(Socket, Packet)`: any [`IoData`] (a slice, `Vec`, `Bytes`, `&str`,
/// or a list of them), framed by `{packet, _}`.
pub fn send(socket: &Socket, packet: impl IoData) -> Result<()> {
    socket.send(packet)
}

/// `recv(Socket, Length, Timeout)` on a passive socket: `length` 0 gives
/// all available bytes, N exactly N bytes or an error (raw mode only).
/// `einval` on an active socket.
pub fn recv(socket: &Socket, length: usize, timeout: Option<Duration>) -> Result<Data> {
    socket.recv(length, timeout)
}

/// `close(Socket)`.
pub fn close(socket: &Socket) -> Result<()> {
    socket.close()
}

/// `shutdown(Socket, How)`.
pub fn shutdown(socket: &Socket, how: Shutdown) -> Result<()> {
    socket.shutdown(how)
}

/// `controlling_process(Socket, Pid)`: only the owner may call it
/// (`not_owner`); in active mode the caller's pending messages for the
/// socket move to the new owner, in order.
pub fn controlling_process(socket: &Socket, pid: Pid) -> Result<()> {
    socket.controlling_process(pid)
}

/// `inet:setopts(Socket, Options)`.
pub fn setopts(socket: &Socket, opts: &[Opt]) -> Result<()> {
    socket.setopts(opts)
}

/// `inet:getopts(Socket, Names)`.
pub fn getopts(socket: &Socket, names: &[OptName]) -> Result<Vec<Opt>> {
    socket.getopts(names)
}

/// `inet:port(Socket)`: the local port (0 for `local` sockets).
pub fn port(socket: &Socket) -> Result<u16> {
    Ok(socket.sockname()?.port())
}

/// `inet:peername(Socket)`.
pub fn peername(socket: &Socket) -> Result<SockAddr> {
    socket.peername()
}

/// `inet:sockname(Socket)`.
pub fn sockname(socket: &Socket) -> Result<SockAddr> {
    socket.sockname()
}

/// `inet:getstat(Socket, Stats)`; an empty list asks for all of them.
pub fn getstat(socket: &Socket, stats: &[Stat]) -> Result<Vec<(Stat, u64)>> {
    let stats = if stats.is_empty() {
        &Stat::ALL[..]
    } else {
        stats
    };
    socket.getstat(stats)
}

/// The `inet` module's helpers, under the names Erlang code uses.
pub mod inet {
    pub use super::{getopts, getstat, peername, port, setopts, sockname};
}
