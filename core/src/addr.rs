//! Addresses: `inet:socket_address()`, host names and `local` (unix) paths.

use crate::error::{Error, Result};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

/// A socket's address, as `inet:peername/1` and `inet:sockname/1` return it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SockAddr {
    /// An IPv4 or IPv6 address and port.
    Inet(SocketAddr),
    /// A unix domain socket path (`{local, Path}`); empty when unnamed.
    Local(PathBuf),
}

impl SockAddr {
    /// The IP socket address, if this is one.
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            SockAddr::Inet(a) => Some(*a),
            SockAddr::Local(_) => None,
        }
    }

    /// The port, 0 for `local` addresses (as `inet:port/1` answers).
    pub fn port(&self) -> u16 {
        self.as_inet().map_or(0, |a| a.port())
    }

    /// Converts to socket2's address type.
    pub fn to_socket2(&self) -> Result<socket2::SockAddr> {
        match self {
            SockAddr::Inet(a) => Ok(socket2::SockAddr::from(*a)),
            SockAddr::Local(p) => socket2::SockAddr::unix(p).map_err(Error::from),
        }
    }

    /// Converts from socket2's address type.
    pub fn from_socket2(a: &socket2::SockAddr) -> SockAddr {
        if let Some(ip) = a.as_socket() {
            SockAddr::Inet(ip)
        } else {
            let path = a.as_pathname().map(Path::to_path_buf).unwrap_or_default();
            SockAddr::Local(path)
        }
    }
}

impl From<SocketAddr> for SockAddr {
    fn from(a: SocketAddr) -> Self {
        SockAddr::Inet(a)
    }
}

impl fmt::Display for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockAddr::Inet(a) => a.fmt(f),
            SockAddr::Local(p) => write!(f, "{{local, {:?}}}", p),
        }
    }
}

/// What `connect/3,4` accepts as `Address`: an IP address, a host name, or a
/// `local` path.
///
/// ```
/// use gen_tcp_core::Address;
/// assert_eq!(Address::from("127.0.0.1"), Address::Ip([127, 0, 0, 1].into()));
/// assert_eq!(Address::from("localhost"), Address::Host("localhost".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// An IP address.
    Ip(IpAddr),
    /// A host name, resolved when connecting.
    Host(String),
    /// A unix domain socket path (`{local, Path}`).
    Local(PathBuf),
}

impl Address {
    /// A `local` (unix domain) address.
    pub fn local(path: impl Into<PathBuf>) -> Address {
        Address::Local(path.into())
    }

    /// Resolves to socket addresses with `port`, preferring `family` when
    /// given (`inet` or `inet6`), as `inet:getaddrs/2` does for connect.
    pub fn resolve(&self, port: u16, family: Option<Family>) -> Result<Vec<SockAddr>> {
        match self {
            Address::Ip(ip) => Ok(vec![SockAddr::Inet(SocketAddr::new(*ip, port))]),
            Address::Local(p) => Ok(vec![SockAddr::Local(p.clone())]),
            Address::Host(h) => {
                let addrs: Vec<SocketAddr> = (h.as_str(), port)
                    .to_socket_addrs()
                    .map_err(|_| Error::Nxdomain)?
                    .filter(|a| match family {
                        Some(Family::Inet6) => a.is_ipv6(),
                        Some(Family::Inet) | None => a.is_ipv4(),
                        Some(Family::Local) => false,
                    })
                    .collect();
                if addrs.is_empty() {
                    return Err(Error::Nxdomain);
                }
                Ok(addrs.into_iter().map(SockAddr::Inet).collect())
            }
        }
    }
}

impl From<&str> for Address {
    fn from(s: &str) -> Self {
        match s.parse::<IpAddr>() {
            Ok(ip) => Address::Ip(ip),
            Err(_) => Address::Host(s.to_string()),
        }
    }
}

impl From<String> for Address {
    fn from(s: String) -> Self {
        Address::from(s.as_str())
    }
}

impl From<IpAddr> for Address {
    fn from(ip: IpAddr) -> Self {
        Address::Ip(ip)
    }
}

impl From<Ipv4Addr> for Address {
    fn from(ip: Ipv4Addr) -> Self {
        Address::Ip(ip.into())
    }
}

impl From<Ipv6Addr> for Address {
    fn from(ip: Ipv6Addr) -> Self {
        Address::Ip(ip.into())
    }
}

impl From<[u8; 4]> for Address {
    fn from(ip: [u8; 4]) -> Self {
        Address::Ip(ip.into())
    }
}

/// The address family options `inet`, `inet6` and `local`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `inet`: IPv4.
    Inet,
    /// `inet6`: IPv6.
    Inet6,
    /// `local`: unix domain stream sockets.
    Local,
}

impl Family {
    /// The family of an address.
    pub fn of(a: &SockAddr) -> Family {
        match a {
            SockAddr::Inet(SocketAddr::V4(_)) => Family::Inet,
            SockAddr::Inet(SocketAddr::V6(_)) => Family::Inet6,
            SockAddr::Local(_) => Family::Local,
        }
    }

    /// The socket2 domain.
    pub fn domain(self) -> socket2::Domain {
        match self {
            Family::Inet => socket2::Domain::IPV4,
            Family::Inet6 => socket2::Domain::IPV6,
            Family::Local => socket2::Domain::UNIX,
        }
    }
}
