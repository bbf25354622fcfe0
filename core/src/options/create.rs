//! What `listen` and `connect` take besides the socket options.

use super::{Fd, Ifaddr, Opt, SockOpts};
use crate::addr::{Family, SockAddr};
use crate::backend::{default_backend, InetBackend};
use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::path::PathBuf;

/// What the options open: `listen` and `connect` each take a different
/// list (OTP 25's `inet:listen_options/2` and `connect_options/2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// `listen`: no `{dontroute, _}`, no `{line_delimiter, _}`.
    Listen,
    /// `connect`: no `{dontroute, _}`, no `{backlog, _}`.
    Connect,
    /// A socket that exists (`gen_tcp::from_std`), or one the caller does
    /// not say: every option either list takes.
    Any,
}

impl Opening {
    /// True when OTP 25's `listen` (or `connect`) takes `opt`; what it
    /// does not take is `badarg` (found by otp-diff,
    /// `options-not-create-options`). `setopts` takes `dontroute` and
    /// `line_delimiter`.
    pub fn takes(self, opt: &Opt) -> bool {
        let refused = matches!(
            (self, opt),
            (_, Opt::Pktoptions(_))
                | (Opening::Listen | Opening::Connect, Opt::Dontroute(_))
                | (Opening::Listen, Opt::LineDelimiter(_))
                | (Opening::Connect, Opt::Backlog(_))
        );
        !refused
    }
}

/// The options of `listen`/`connect`, split into what creates the socket
/// and the socket options to apply to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOpts {
    /// The backend: `{inet_backend, B}` when it was the first option, else
    /// the process-wide default.
    pub backend: InetBackend,
    /// What the options were parsed for.
    pub opening: Opening,
    /// `inet`, `inet6` or `local`, when given (the last one wins, as in OTP).
    pub family: Option<Family>,
    /// `{ip, A}` or the address part of `{ifaddr, A}`.
    pub ip: Option<IpAddr>,
    /// `{port, P}` or the port part of an `{ifaddr, SockAddr}`.
    pub port: Option<u16>,
    /// The scope id of an IPv6 `{ifaddr, SockAddr}` (a link-local
    /// address names its interface by it), 0 when none was given; `{ip,
    /// A}` or another `ifaddr` given after it clears it.
    pub scope_id: u32,
    /// `{ifaddr, {local, Path}}`: the unix path to bind.
    pub local_path: Option<PathBuf>,
    /// `{fd, Fd}`: adopt this descriptor.
    pub fd: Option<Fd>,
    /// `{backlog, B}`, default 5.
    pub backlog: u32,
    /// `{netns, Path}`.
    pub netns: Option<PathBuf>,
    /// `{bind_to_device, Ifname}`.
    pub bind_to_device: Option<Vec<u8>>,
    /// `{tcp_module, M}`.
    pub tcp_module: Option<String>,
    /// The socket options, in the order given.
    pub opts: Vec<Opt>,
}

/// The callback modules OTP has for `{tcp_module, M}`.
pub const TCP_MODULES: [&str; 3] = ["inet_tcp", "inet6_tcp", "local_tcp"];

impl CreateOpts {
    /// Parses the options of `listen`/`connect`.
    ///
    /// `{inet_backend, B}` is honoured only as the first option; anywhere
    /// else OTP raises `badarg`, and so do we. Out-of-range values are
    /// `badarg` too: OTP's `listen`/`connect` raise `exit(badarg)` for
    /// them on both backends, where `setopts` answers `einval`.
    ///
    /// ```
    /// use gen_tcp_core::{CreateOpts, Error, InetBackend, Opt};
    /// let c = CreateOpts::parse(&[Opt::InetBackend(InetBackend::Socket), Opt::Binary]).unwrap();
    /// assert_eq!(c.backend, InetBackend::Socket);
    /// assert_eq!(
    ///     CreateOpts::parse(&[Opt::Binary, Opt::InetBackend(InetBackend::Socket)]),
    ///     Err(Error::Badarg)
    /// );
    /// ```
    pub fn parse(opts: &[Opt]) -> Result<CreateOpts> {
        CreateOpts::parse_for(Opening::Any, opts)
    }

    /// Parses the options of `listen`: as [`CreateOpts::parse`], and
    /// `badarg` for an option `listen` does not take ([`Opening::takes`]).
    ///
    /// ```
    /// use gen_tcp_core::{CreateOpts, Error, Opt};
    /// assert_eq!(CreateOpts::parse_listen(&[Opt::LineDelimiter(b';')]), Err(Error::Badarg));
    /// assert!(CreateOpts::parse_connect(&[Opt::LineDelimiter(b';')]).is_ok());
    /// ```
    pub fn parse_listen(opts: &[Opt]) -> Result<CreateOpts> {
        CreateOpts::parse_for(Opening::Listen, opts)
    }

    /// Parses the options of `connect`: as [`CreateOpts::parse`], and
    /// `badarg` for an option `connect` does not take ([`Opening::takes`]).
    pub fn parse_connect(opts: &[Opt]) -> Result<CreateOpts> {
        CreateOpts::parse_for(Opening::Connect, opts)
    }

    /// Parses options for `opening`.
    pub fn parse_for(opening: Opening, opts: &[Opt]) -> Result<CreateOpts> {
        let (backend, rest) = match opts.split_first() {
            Some((Opt::InetBackend(b), rest)) => (*b, rest),
            _ => (default_backend(), opts),
        };
        let mut c = CreateOpts {
            backend,
            opening,
            family: None,
            ip: None,
            port: None,
            scope_id: 0,
            local_path: None,
            fd: None,
            backlog: 5,
            netns: None,
            bind_to_device: None,
            tcp_module: None,
            opts: Vec::new(),
        };
        for opt in rest {
            if !opening.takes(opt) {
                return Err(Error::Badarg);
            }
            match opt {
                Opt::InetBackend(_) => return Err(Error::Badarg),
                Opt::Fd(fd) => c.fd = Some(fd.clone()),
                Opt::Inet => c.family = Some(Family::Inet),
                Opt::Inet6 => c.family = Some(Family::Inet6),
                Opt::Local => c.family = Some(Family::Local),
                Opt::Ip(ip) | Opt::Ifaddr(Ifaddr::Ip(ip)) => {
                    c.ip = Some(*ip);
                    c.scope_id = 0;
                }
                Opt::Port(p) => c.port = Some(*p),
                Opt::Ifaddr(Ifaddr::SockAddr(a)) => {
                    c.ip = Some(a.ip());
                    c.port = Some(a.port());
                    c.scope_id = match a {
                        SocketAddr::V6(v6) => v6.scope_id(),
                        SocketAddr::V4(_) => 0,
                    };
                }
                Opt::Ifaddr(Ifaddr::Local(p)) => {
                    c.local_path = Some(p.clone());
                    c.family = Some(Family::Local);
                }
                Opt::Backlog(b) => c.backlog = *b,
                Opt::Netns(p) => c.netns = Some(p.clone()),
                Opt::BindToDevice(d) => c.bind_to_device = Some(d.clone()),
                Opt::TcpModule(m) if TCP_MODULES.contains(&m.as_str()) => {
                    c.tcp_module = Some(m.clone())
                }
                Opt::TcpModule(_) => return Err(Error::Badarg),
                other => {
                    SockOpts::validate(other, backend).map_err(|_| Error::Badarg)?;
                    c.opts.push(other.clone());
                }
            }
        }
        if c.family.is_none() {
            c.family = match (c.ip, c.tcp_module.as_deref()) {
                (Some(IpAddr::V6(_)), _) | (_, Some("inet6_tcp")) => Some(Family::Inet6),
                (_, Some("local_tcp")) => Some(Family::Local),
                _ => None,
            };
        }
        Ok(c)
    }

    /// The family the socket gets: the one asked for, else that of
    /// `peer` (for `connect`), else `inet`.
    pub fn family_for(&self, peer: Option<&SockAddr>) -> Family {
        self.family
            .or_else(|| peer.map(Family::of))
            .unwrap_or(Family::Inet)
    }

    /// The local address to bind, if the options name one (for `connect`),
    /// or the address to listen on (for `listen`, `port` given apart).
    pub fn bind_addr(&self, family: Family, port: Option<u16>) -> Option<SockAddr> {
        if family == Family::Local {
            return self.local_path.clone().map(SockAddr::Local);
        }
        let port = port.or(self.port);
        if self.ip.is_none() && port.is_none() {
            return None;
        }
        let ip = self.ip.unwrap_or(match family {
            Family::Inet6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        });
        let port = port.unwrap_or(0);
        Some(SockAddr::Inet(match ip {
            IpAddr::V6(v6) => SocketAddrV6::new(v6, port, 0, self.scope_id).into(),
            IpAddr::V4(_) => SocketAddr::new(ip, port),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::active::Active;

    #[test]
    fn ifaddr_sockaddr_then_port_updates_the_port() {
        let a: SocketAddr = "127.0.0.1:1000".parse().unwrap();
        let c = CreateOpts::parse(&[Opt::Ifaddr(Ifaddr::SockAddr(a)), Opt::Port(2000)]).unwrap();
        assert_eq!(
            c.bind_addr(Family::Inet, None),
            Some(SockAddr::Inet("127.0.0.1:2000".parse().unwrap()))
        );
    }

    #[test]
    fn bad_values_fail_at_create() {
        assert_eq!(
            CreateOpts::parse(&[Opt::Active(Active::N(40_000))]),
            Err(Error::Badarg)
        );
        assert_eq!(
            CreateOpts::parse(&[Opt::TcpModule("foo".into())]),
            Err(Error::Badarg)
        );
        assert_eq!(CreateOpts::parse(&[]).unwrap().backlog, 5);
    }

    #[test]
    fn options_listen_or_connect_does_not_take() {
        for (opt, listen, connect) in [
            (Opt::Dontroute(true), false, false),
            (Opt::LineDelimiter(b';'), false, true),
            (Opt::Backlog(3), true, false),
            (Opt::Pktoptions(Vec::new()), false, false),
            (Opt::Debug(true), true, true),
        ] {
            let ok = |r: Result<CreateOpts>| r.map(|_| ()) != Err(Error::Badarg);
            assert_eq!(ok(CreateOpts::parse_listen(std::slice::from_ref(&opt))), listen, "{opt:?}");
            assert_eq!(ok(CreateOpts::parse_connect(std::slice::from_ref(&opt))), connect, "{opt:?}");
        }
    }

    #[test]
    fn an_ipv6_ifaddr_keeps_its_scope_id_until_an_ip_replaces_it() {
        let a: SocketAddr = "[fe80::1%7]:80".parse().unwrap();
        let c = CreateOpts::parse(&[Opt::Ifaddr(Ifaddr::SockAddr(a))]).unwrap();
        assert_eq!(c.bind_addr(Family::Inet6, None), Some(SockAddr::Inet(a)));
        let ip = Opt::Ip(Ipv6Addr::LOCALHOST.into());
        let c = CreateOpts::parse(&[Opt::Ifaddr(Ifaddr::SockAddr(a)), ip]).unwrap();
        let SockAddr::Inet(SocketAddr::V6(b)) = c.bind_addr(Family::Inet6, None).unwrap() else {
            panic!()
        };
        assert_eq!((b.scope_id(), b.port()), (0, 80));
    }

    #[test]
    fn ipv6_ip_implies_inet6() {
        let c = CreateOpts::parse(&[Opt::Ip(Ipv6Addr::LOCALHOST.into())]).unwrap();
        assert_eq!(c.family, Some(Family::Inet6));
    }
}
