//! Addresses: `inet:socket_address()`, host names and `local` (unix) paths.

mod resolve;

use crate::error::{Error, Result};
use std::ffi::OsStr;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A socket's address, as `inet:peername/1` and `inet:sockname/1` return it.
///
/// ```
/// use gen_tcp_core::SockAddr;
/// let a = SockAddr::from(std::net::SocketAddr::from(([127, 0, 0, 1], 80)));
/// assert_eq!(a.port(), 80);
/// assert_eq!(SockAddr::Local("/tmp/s".into()).to_string(), "{local, \"/tmp/s\"}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SockAddr {
    /// An IPv4 or IPv6 address and port.
    Inet(SocketAddr),
    /// A unix domain socket path (`{local, Path}`); empty when unnamed.
    /// A path that starts with a NUL byte is a Linux abstract address
    /// (the rest, NULs included, is its name), as in OTP.
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

    /// Converts to socket2's address type. A `local` path with a NUL byte
    /// inside is `einval`: the kernel would read it only up to the NUL,
    /// and reach another path. (An abstract address, which starts with
    /// NUL, may hold NULs.)
    pub fn to_socket2(&self) -> Result<socket2::SockAddr> {
        match self {
            SockAddr::Inet(a) => Ok(socket2::SockAddr::from(*a)),
            SockAddr::Local(p) => {
                let bytes = p.as_os_str().as_bytes();
                if bytes.first().is_some_and(|&b| b != 0) && bytes.contains(&0) {
                    return Err(Error::Einval);
                }
                socket2::SockAddr::unix(p).map_err(Error::from)
            }
        }
    }

    /// Converts from socket2's address type.
    pub fn from_socket2(a: &socket2::SockAddr) -> SockAddr {
        if let Some(ip) = a.as_socket() {
            SockAddr::Inet(ip)
        } else if let Some(name) = a.as_abstract_namespace() {
            let mut path = vec![0];
            path.extend_from_slice(name);
            SockAddr::Local(PathBuf::from(OsStr::from_bytes(&path)))
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

    /// Resolves to socket addresses with `port`, in `family` (`inet`, the
    /// default, or `inet6`), as `inet:getaddrs/2` does for connect.
    ///
    /// A name with no address in the family is `nxdomain`; a resolver
    /// that cannot answer now (no name server reachable) is `try_again`;
    /// one that failed for good is `no_recovery`; a name with a NUL byte
    /// is `einval`. (OTP 25 answers `nxdomain` for all of these.)
    ///
    /// ```
    /// use gen_tcp_core::{Address, Error, SockAddr};
    /// let a = Address::from("localhost").resolve(80, None)?;
    /// assert!(a.contains(&SockAddr::Inet(([127, 0, 0, 1], 80).into())));
    /// assert_eq!(Address::from("bad\0name").resolve(80, None), Err(Error::Einval));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn resolve(&self, port: u16, family: Option<Family>) -> Result<Vec<SockAddr>> {
        self.resolve_within(port, family, None)
    }

    /// [`resolve`](Address::resolve), given up at `deadline` with
    /// `timeout` (`None`: no deadline). A host name is then looked up in a
    /// helper thread, since the system resolver cannot be interrupted;
    /// the caller stops waiting at the deadline and the lookup ends on its
    /// own (within the resolver's timeouts).
    pub fn resolve_within(
        &self,
        port: u16,
        family: Option<Family>,
        deadline: Option<Instant>,
    ) -> Result<Vec<SockAddr>> {
        match self {
            Address::Ip(ip) => Ok(vec![SockAddr::Inet(SocketAddr::new(*ip, port))]),
            Address::Local(p) => Ok(vec![SockAddr::Local(p.clone())]),
            Address::Host(h) => {
                let family = match family {
                    Some(Family::Inet) | None => Family::Inet,
                    Some(Family::Inet6) => Family::Inet6,
                    // A host name has no `local` address.
                    Some(Family::Local) => return Err(Error::Nxdomain),
                };
                let host = h.clone();
                let addrs =
                    resolve::within(deadline, move || resolve::lookup(&host, family, port))?;
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
///
/// ```
/// use gen_tcp_core::{Family, SockAddr};
/// assert_eq!(Family::of(&SockAddr::Local("/tmp/s".into())), Family::Local);
/// ```
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
