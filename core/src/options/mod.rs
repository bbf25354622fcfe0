//! Options: one typed value per entry of `option()`, `connect_option()` and
//! `listen_option()` in the reference page, and the table that says, for
//! each, what it means and where it lives.
//!
//! As in OTP's `inet.erl`, options are data: [`table`] has one row per
//! option (its Erlang name, type, defaults and checks per backend, kernel
//! level and number, `setopts`/`getopts` rules, and what OTP answers to a
//! round trip), and every `match` over options is generated from it.
//! [`Opt`] is one option with its value, [`OptName`] is what `getopts`
//! asks for. The per-socket options that gen_tcp itself interprets
//! (`active`, `packet`, `mode`, `send_timeout`, ...) live in [`SockOpts`];
//! the ones that are kernel socket options (`nodelay`, `recbuf`, `tos`,
//! ...) are set on and read from the descriptor by [`crate::sockopt`].
//! [`CreateOpts`] is what `listen`/`connect` take besides: address family,
//! `{ip}`, `{port}`, `{fd}`, `{backlog}`, ...

mod create;
mod fd;
mod generate;
pub mod pktoptions;
pub mod policy;
mod sock_opts;
mod spelling;
pub mod spec;
pub mod table;

pub use create::{CreateOpts, Opening};
pub use fd::Fd;
pub use pktoptions::PktOption;
pub use sock_opts::{Deliver, Mode, PACKET_SIZE_MAX};
pub use table::{Opt, OptName, SockOpts, TypedOpts};

use crate::addr::SockAddr;
use crate::error::Result;
use crate::socket::Socket;
use std::net::IpAddr;
use std::path::PathBuf;

/// `{ifaddr, _}`: an IP address, a full socket address (which also sets
/// the port), or a `local` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ifaddr {
    /// Same as `{ip, Address}`.
    Ip(IpAddr),
    /// `socket:sockaddr_in()` / `sockaddr_in6()`: address and port.
    SockAddr(std::net::SocketAddr),
    /// `{local, Path}`.
    Local(PathBuf),
}

impl Ifaddr {
    /// The full socket address this names, if it names one.
    pub fn sock_addr(&self) -> Option<SockAddr> {
        match self {
            Ifaddr::SockAddr(a) => Some(SockAddr::Inet(*a)),
            Ifaddr::Local(p) => Some(SockAddr::Local(p.clone())),
            Ifaddr::Ip(_) => None,
        }
    }
}

impl Opt {
    /// The name of the options written by hand around the table.
    fn special_name(&self) -> Option<OptName> {
        match self {
            Opt::List | Opt::Binary => Some(OptName::Mode),
            Opt::Raw { level, name, value } => Some(OptName::Raw {
                level: *level,
                name: *name,
                size: value.len(),
            }),
            Opt::Pktoptions(_) => Some(OptName::Pktoptions),
            _ => None,
        }
    }

    /// True for options only `listen`/`connect` take.
    pub fn is_create_only(&self) -> bool {
        self.name().is_none()
    }
}

impl TypedOpts for Socket {
    fn setopt(&self, opt: Opt) -> Result<()> {
        self.setopts(std::slice::from_ref(&opt))
    }

    fn getopt(&self, name: OptName) -> Result<Option<Opt>> {
        Ok(self.getopts(std::slice::from_ref(&name))?.pop())
    }
}
