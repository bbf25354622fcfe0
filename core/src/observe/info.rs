//! [`sockets`]: every live socket, and the table OTP's `inet:i()` prints
//! of them.
//!
//! OTP 25's `inet:i()`, with a listen socket, a connection and an
//! acceptor on `inet` and a connection on `socket`:
//!
//! ```text
//! Port      Module         Recv Sent Owner   Local Address   Foreign Address State        Type
//! 40        inet_tcp       0    0    <0.9.0> *:47353         *:*             LN:O         STREAM
//! 56        inet_tcp       0    5    <0.9.0> localhost:34302 localhost:47353 CONNECTED(O) STREAM
//! 72        inet_tcp       0    0    <0.9.0> localhost:47513 *:*             ACCEPTING    STREAM
//! esock[24] gen_tcp_socket 0    11   <0.9.0> localhost:57816 localhost:43123 CD:SD        STREAM
//! ```
//!
//! [`Sockets`]' `Display` prints the same columns the same way (each
//! left-aligned to its widest entry, followed by one space), from what
//! each socket answers: its id or `esock[Fd]`, the module OTP would run it
//! with, `recv_oct` and `send_oct`, the owner, the addresses (`*` for the
//! wildcard address, `localhost` for loopback, `*:*` when not connected),
//! the [`Status`] and `STREAM`. Ports are printed as numbers, where OTP
//! looks up their service names (`ssh`, `http`). [`Sockets::table`]
//! chooses the columns, as `inet:i(tcp, Fields)` does, with more than OTP
//! has ([`Column`]).

use super::registry;
use super::status::Status;
use crate::active::Active;
use crate::addr::SockAddr;
use crate::backend::InetBackend;
use crate::error::{Error, Result};
use crate::options::{Opt, OptName};
use crate::port::Port;
use crate::process::Pid;
use crate::socket::{Socket, SocketId};
use crate::stats::Stat;
use std::fmt;
use std::net::IpAddr;
use std::ops::Deref;
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::sync::{Arc, Weak};

/// The options [`SocketInfo::options`] reports: those that say how a
/// socket delivers and frames what it carries.
const OPTIONS: [OptName; 9] = [
    OptName::Active,
    OptName::Mode,
    OptName::Packet,
    OptName::Header,
    OptName::PacketSize,
    OptName::SendTimeout,
    OptName::ExitOnClose,
    OptName::ShowEconnreset,
    OptName::Debug,
];

/// Every socket alive in the program, in the order they were made: a
/// snapshot, as `inet:i()` takes one. Its `Display` is `inet:i()`'s table.
///
/// A socket is alive from the moment it is made until its last handle is
/// dropped; one closed but still held somewhere is listed as `CLOSED`.
/// Taking the snapshot asks each socket for its addresses, options and
/// counters, as `inet:i()` does, and never touches the sockets' data.
///
/// ```
/// let sockets = gen_tcp_core::observe::sockets();
/// print!("{sockets}");
/// assert!(sockets.is_empty()); // the core alone opens no socket
/// ```
pub fn sockets() -> Sockets {
    Sockets(
        registry::live()
            .into_iter()
            .map(|port| SocketInfo::of(&Socket { port }))
            .collect(),
    )
}

/// What one socket is and does, as [`sockets`] found it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SocketInfo {
    /// The socket's id (the `N` of `#Port<0.N>`).
    pub id: SocketId,
    /// Its backend.
    pub backend: InetBackend,
    /// Its controlling process.
    pub owner: Pid,
    /// Its state flags.
    pub status: Status,
    /// `inet:sockname/1`.
    pub local: Result<SockAddr>,
    /// `inet:peername/1` (`enotconn` for a listen socket).
    pub peer: Result<SockAddr>,
    /// Its descriptor (a placeholder once closed).
    pub fd: RawFd,
    /// The options that shape what it delivers: `active`, `mode`,
    /// `packet`, `header`, `packet_size`, `send_timeout`,
    /// `exit_on_close`, `show_econnreset`, `debug` (empty once closed).
    pub options: Vec<Opt>,
    /// `inet:getstat/1` (empty once closed).
    pub stats: Vec<(Stat, u64)>,
    /// The processes waiting in `accept` on it (a listen socket), the
    /// next to get a connection first, as OTP serves them.
    pub acceptors: Vec<Pid>,
    port: Weak<dyn Port>,
}

impl SocketInfo {
    pub(crate) fn of(socket: &Socket) -> SocketInfo {
        // The port's own calls, not `Socket`'s: looking is no call on the
        // socket, and leaves no trace.
        let port = &socket.port;
        SocketInfo {
            id: port.id(),
            backend: port.backend(),
            owner: socket.owner(),
            status: socket.status(),
            local: port.sockname(),
            peer: port.peername(),
            fd: port.raw_fd(),
            options: port.getopts(&OPTIONS).unwrap_or_default(),
            stats: port.getstat(&Stat::ALL).unwrap_or_default(),
            acceptors: port.owner().acceptors().waiting(),
            port: Arc::downgrade(port),
        }
    }

    /// A handle to the socket, while it is alive.
    ///
    /// ```
    /// for info in gen_tcp_core::observe::sockets().iter() {
    ///     if let Some(s) = info.socket() {
    ///         assert_eq!(s.id(), info.id);
    ///     }
    /// }
    /// ```
    pub fn socket(&self) -> Option<Socket> {
        self.port.upgrade().map(|port| Socket { port })
    }

    /// The value of a statistic, if the socket reported it.
    ///
    /// ```
    /// use gen_tcp_core::Stat;
    /// for info in gen_tcp_core::observe::sockets().iter() {
    ///     println!("{:?} received {:?} bytes", info.id, info.stat(Stat::RecvOct));
    /// }
    /// ```
    pub fn stat(&self, stat: Stat) -> Option<u64> {
        self.stats.iter().find(|(s, _)| *s == stat).map(|(_, n)| *n)
    }

    /// The value of an option among [`SocketInfo::options`].
    ///
    /// ```
    /// use gen_tcp_core::OptName;
    /// for info in gen_tcp_core::observe::sockets().iter() {
    ///     println!("{:?}: {:?}", info.id, info.option(OptName::Active));
    /// }
    /// ```
    pub fn option(&self, name: OptName) -> Option<&Opt> {
        self.options.iter().find(|o| o.name() == Some(name.clone()))
    }

    /// The module OTP would run the socket with: `inet_tcp`, `inet6_tcp`
    /// or `local_tcp` on `inet`, `gen_tcp_socket` on `socket`.
    ///
    /// ```
    /// for info in gen_tcp_core::observe::sockets().iter() {
    ///     assert!(info.module().ends_with("tcp") || info.module() == "gen_tcp_socket");
    /// }
    /// ```
    pub fn module(&self) -> &'static str {
        match (self.backend, &self.local) {
            (InetBackend::Socket, _) => "gen_tcp_socket",
            (InetBackend::Inet, Ok(SockAddr::Local(_))) => "local_tcp",
            (InetBackend::Inet, Ok(SockAddr::Inet(a))) if a.is_ipv6() => "inet6_tcp",
            (InetBackend::Inet, _) => "inet_tcp",
        }
    }

    /// The text of one column of `inet:i()`'s table for this socket.
    ///
    /// ```
    /// use gen_tcp_core::observe::Column;
    /// for info in gen_tcp_core::observe::sockets().iter() {
    ///     assert_eq!(info.field(Column::Type), "STREAM");
    /// }
    /// ```
    pub fn field(&self, column: Column) -> String {
        let stat = |s| self.stat(s).map_or_else(|| " ".to_string(), |n| n.to_string());
        match column {
            Column::Port => match self.backend {
                InetBackend::Inet => self.id.get().to_string(),
                InetBackend::Socket => format!("esock[{}]", self.fd),
            },
            Column::Module => self.module().to_string(),
            Column::Recv => stat(Stat::RecvOct),
            Column::Sent => stat(Stat::SendOct),
            Column::Owner => self.owner.to_string(),
            Column::LocalAddress => fmt_addr(&self.local),
            Column::ForeignAddress => fmt_addr(&self.peer),
            Column::State => self.status.to_string(),
            Column::Type => "STREAM".to_string(),
            Column::Packet => match self.option(OptName::Packet) {
                Some(Opt::Packet(p)) => p.erlang_name().to_string(),
                _ => " ".to_string(),
            },
            Column::Fd => self.fd.to_string(),
            Column::Backend => self.backend.name().to_string(),
            Column::Active => match self.option(OptName::Active) {
                Some(Opt::Active(a)) => match a {
                    Active::True => "true".to_string(),
                    Active::False => "false".to_string(),
                    Active::Once => "once".to_string(),
                    Active::N(n) => n.to_string(),
                },
                _ => " ".to_string(),
            },
            Column::SendPend => stat(Stat::SendPend),
            Column::Debug => match self.option(OptName::Debug) {
                Some(Opt::Debug(on)) => on.to_string(),
                _ => " ".to_string(),
            },
        }
    }
}

/// An address as `inet:i()` prints it (`fmt_addr/2` in `inet.erl`).
fn fmt_addr(addr: &Result<SockAddr>) -> String {
    match addr {
        Err(Error::Posix(libc::ENOTCONN)) => "*:*".to_string(),
        Err(_) => " ".to_string(),
        Ok(SockAddr::Inet(a)) => {
            let port = a.port();
            match a.ip() {
                ip if ip.is_unspecified() => format!("*:{port}"),
                IpAddr::V4(ip) if ip == std::net::Ipv4Addr::LOCALHOST => format!("localhost:{port}"),
                IpAddr::V6(ip) if ip == std::net::Ipv6Addr::LOCALHOST => format!("localhost:{port}"),
                ip => format!("{ip}:{port}"),
            }
        }
        // OTP prints the path's bytes; an abstract name's leading NUL is
        // shown as `@`, as `ss` shows it.
        Ok(SockAddr::Local(path)) => {
            let bytes = path.as_os_str().as_bytes();
            match bytes.split_first() {
                Some((0, name)) => format!("local:@{}", String::from_utf8_lossy(name)),
                _ => format!("local:{}", String::from_utf8_lossy(bytes)),
            }
        }
    }
}

/// A column of the table, as `inet:i(tcp, Fields)` names them (`port`,
/// `module`, ...), and a few more.
///
/// ```
/// use gen_tcp_core::observe::Column;
/// assert_eq!(Column::LocalAddress.header(), "Local Address");
/// assert_eq!(Column::INET_I.len(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Column {
    /// `Port`: the port's number (`inet`) or `esock[Fd]` (`socket`).
    Port,
    /// `Module`: `inet_tcp`, `inet6_tcp`, `local_tcp`, `gen_tcp_socket`.
    Module,
    /// `Recv`: bytes received (`recv_oct`).
    Recv,
    /// `Sent`: bytes sent (`send_oct`).
    Sent,
    /// `Owner`: the controlling process.
    Owner,
    /// `Local Address`.
    LocalAddress,
    /// `Foreign Address`: the peer, `*:*` when not connected.
    ForeignAddress,
    /// `State`: the [`Status`].
    State,
    /// `Type`: `STREAM`.
    Type,
    /// `Packet`: the `{packet, _}` type.
    Packet,
    /// `Fd`: the descriptor.
    Fd,
    /// `Backend`: `inet` or `socket` (not in OTP).
    Backend,
    /// `Active`: the `{active, _}` mode (not in OTP).
    Active,
    /// `Send Pend`: bytes in the output queue (`send_pend`; not in OTP).
    SendPend,
    /// `Debug`: the `{debug, _}` option (not in OTP).
    Debug,
}

impl Column {
    /// The columns of `inet:i()`, in its order.
    pub const INET_I: [Column; 9] = [
        Column::Port,
        Column::Module,
        Column::Recv,
        Column::Sent,
        Column::Owner,
        Column::LocalAddress,
        Column::ForeignAddress,
        Column::State,
        Column::Type,
    ];

    /// The column's heading, as `inet:i()` makes it from the field name.
    pub fn header(self) -> &'static str {
        match self {
            Column::Port => "Port",
            Column::Module => "Module",
            Column::Recv => "Recv",
            Column::Sent => "Sent",
            Column::Owner => "Owner",
            Column::LocalAddress => "Local Address",
            Column::ForeignAddress => "Foreign Address",
            Column::State => "State",
            Column::Type => "Type",
            Column::Packet => "Packet",
            Column::Fd => "Fd",
            Column::Backend => "Backend",
            Column::Active => "Active",
            Column::SendPend => "Send Pend",
            Column::Debug => "Debug",
        }
    }
}

/// The live sockets [`sockets`] found, one [`SocketInfo`] each, by id.
/// It is a slice of them (`Deref`), and prints as `inet:i()`'s table.
///
/// ```
/// let all = gen_tcp_core::observe::sockets();
/// assert_eq!(all.len(), all.iter().count());
/// print!("{all}");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Sockets(Vec<SocketInfo>);

impl Sockets {
    /// The socket with this id, if it was alive.
    ///
    /// ```
    /// let all = gen_tcp_core::observe::sockets();
    /// if let Some(first) = all.first() {
    ///     assert_eq!(all.get(first.id).map(|s| s.id), Some(first.id));
    /// }
    /// ```
    pub fn get(&self, id: SocketId) -> Option<&SocketInfo> {
        self.0.iter().find(|s| s.id == id)
    }

    /// The table with these columns, as `inet:i(tcp, Fields)` prints it:
    /// a heading line and a line per socket, each column left-aligned to
    /// its widest entry and followed by one space; nothing at all when
    /// there is no socket.
    ///
    /// ```
    /// use gen_tcp_core::observe::Column;
    /// let all = gen_tcp_core::observe::sockets();
    /// let table = all.table(&[Column::Port, Column::Backend, Column::Active, Column::State]);
    /// assert_eq!(table.lines().count(), if all.is_empty() { 0 } else { all.len() + 1 });
    /// ```
    pub fn table(&self, columns: &[Column]) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let header: Vec<String> = columns.iter().map(|c| c.header().to_string()).collect();
        let rows: Vec<Vec<String>> = self
            .0
            .iter()
            .map(|s| columns.iter().map(|&c| s.field(c)).collect())
            .collect();
        let lines = || std::iter::once(&header).chain(&rows);
        let widths: Vec<usize> = (0..columns.len())
            .map(|i| lines().map(|l| l[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for line in lines() {
            for (field, width) in line.iter().zip(&widths) {
                out.push_str(&format!("{field:<width$} "));
            }
            out.push('\n');
        }
        out
    }
}

impl Deref for Sockets {
    type Target = [SocketInfo];
    fn deref(&self) -> &[SocketInfo] {
        &self.0
    }
}

impl IntoIterator for Sockets {
    type Item = SocketInfo;
    type IntoIter = std::vec::IntoIter<SocketInfo>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Sockets {
    type Item = &'a SocketInfo;
    type IntoIter = std::slice::Iter<'a, SocketInfo>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// `inet:i()`'s table: the columns of [`Column::INET_I`].
impl fmt::Display for Sockets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.table(&Column::INET_I))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn addresses_print_as_inet_i_prints_them() {
        let inet = |s: &str| Ok(SockAddr::Inet(s.parse::<SocketAddr>().unwrap()));
        assert_eq!(fmt_addr(&inet("0.0.0.0:80")), "*:80");
        assert_eq!(fmt_addr(&inet("[::]:80")), "*:80");
        assert_eq!(fmt_addr(&inet("127.0.0.1:5")), "localhost:5");
        assert_eq!(fmt_addr(&inet("[::1]:5")), "localhost:5");
        assert_eq!(fmt_addr(&inet("10.1.2.3:7")), "10.1.2.3:7");
        assert_eq!(fmt_addr(&inet("[fe80::1]:7")), "fe80::1:7");
        assert_eq!(fmt_addr(&Err(Error::Posix(libc::ENOTCONN))), "*:*");
        assert_eq!(fmt_addr(&Err(Error::Einval)), " ");
        assert_eq!(fmt_addr(&Ok(SockAddr::Local("/tmp/s".into()))), "local:/tmp/s");
        let abstract_name = std::ffi::OsStr::from_bytes(b"\0name");
        assert_eq!(fmt_addr(&Ok(SockAddr::Local(abstract_name.into()))), "local:@name");
    }
}
