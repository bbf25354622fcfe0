//! Options: one typed value per entry of `option()`, `connect_option()` and
//! `listen_option()` in the reference page, and the table that says, for
//! each, what it means and where it lives.
//!
//! As in OTP's `inet.erl`, options are data. [`Opt`] is one option with its
//! value, [`OptName`] is what `getopts` asks for. The per-socket options that
//! gen_tcp itself interprets (`active`, `packet`, `mode`, `send_timeout`, ...)
//! live in [`SockOpts`]; the ones that are kernel socket options
//! (`nodelay`, `recbuf`, `tos`, ...) are set on and read from the descriptor
//! by [`crate::sockopt`]. [`CreateOpts`] is what `listen`/`connect` take
//! besides: address family, `{ip}`, `{port}`, `{fd}`, `{backlog}`, ...

mod create;
mod fd;
pub mod policy;
mod sock_opts;

pub use create::CreateOpts;
pub use fd::Fd;
pub use sock_opts::{Deliver, Mode, SockOpts, PACKET_SIZE_MAX};

use crate::active::Active;
use crate::addr::SockAddr;
use crate::backend::InetBackend;
use crate::packet::PacketType;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// One gen_tcp option with its value.
///
/// Each variant names the Erlang option it stands for; kernel options name
/// the socket option they become.
///
/// ```
/// use gen_tcp_core::{Active, Opt, OptName, PacketType};
/// let opts = [Opt::Binary, Opt::Packet(PacketType::Two), Opt::Active(Active::Once)];
/// assert_eq!(opts[1].name(), Some(OptName::Packet));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opt {
    /// `{inet_backend, B}`: honoured only as the first option of `listen`/`connect`.
    InetBackend(InetBackend),
    /// `{active, true | false | once | N}`.
    Active(Active),
    /// `{buffer, N}`: size of the user-level receive buffer.
    Buffer(u32),
    /// `{debug, Bool}`.
    Debug(bool),
    /// `{delay_send, Bool}` (`inet` backend: queue instead of writing at once).
    DelaySend(bool),
    /// `{deliver, port | term}`.
    Deliver(Deliver),
    /// `{dontroute, Bool}`: `SO_DONTROUTE`.
    Dontroute(bool),
    /// `{exit_on_close, Bool}`.
    ExitOnClose(bool),
    /// `{exclusiveaddruse, Bool}` (Windows only; accepted and ignored elsewhere).
    Exclusiveaddruse(bool),
    /// `{header, N}`: deliver the first N bytes of a packet as a list.
    Header(u32),
    /// `{high_msgq_watermark, N}`.
    HighMsgqWatermark(u32),
    /// `{high_watermark, N}`: output queue size at which a sender waits (`inet`).
    HighWatermark(u32),
    /// `{keepalive, Bool}`: `SO_KEEPALIVE`.
    Keepalive(bool),
    /// `{linger, {OnOff, Secs}}`: `SO_LINGER`.
    Linger(bool, u32),
    /// `{low_msgq_watermark, N}`.
    LowMsgqWatermark(u32),
    /// `{low_watermark, N}`: output queue size at which a waiting sender resumes.
    LowWatermark(u32),
    /// `{mode, list | binary}`.
    Mode(Mode),
    /// `list`: the same as `{mode, list}`.
    List,
    /// `binary`: the same as `{mode, binary}`.
    Binary,
    /// `{nodelay, Bool}`: `TCP_NODELAY`.
    Nodelay(bool),
    /// `{packet, Type}`.
    Packet(PacketType),
    /// `{packet_size, N}`: the largest packet accepted (0 = no limit).
    PacketSize(u32),
    /// `{line_delimiter, Char}` for `{packet, line}`.
    LineDelimiter(u8),
    /// `{priority, N}`: `SO_PRIORITY`.
    Priority(u32),
    /// `{raw, Protocol, OptionNum, ValueBin}`: a raw `setsockopt`.
    Raw {
        /// The protocol level (`SOL_SOCKET`, `IPPROTO_TCP`, ...).
        level: i32,
        /// The option number.
        name: i32,
        /// The option value as bytes.
        value: Vec<u8>,
    },
    /// `{recbuf, N}`: `SO_RCVBUF`.
    Recbuf(u32),
    /// `{reuseaddr, Bool}`: `SO_REUSEADDR`.
    Reuseaddr(bool),
    /// `{reuseport, Bool}`: `SO_REUSEPORT`.
    Reuseport(bool),
    /// `{reuseport_lb, Bool}`: `SO_REUSEPORT` (load-balancing on Linux).
    ReuseportLb(bool),
    /// `{send_timeout, Ms | infinity}`: `None` is infinity.
    SendTimeout(Option<Duration>),
    /// `{send_timeout_close, Bool}`.
    SendTimeoutClose(bool),
    /// `{show_econnreset, Bool}`.
    ShowEconnreset(bool),
    /// `{sndbuf, N}`: `SO_SNDBUF`.
    Sndbuf(u32),
    /// `{tos, N}`: `IP_TOS`.
    Tos(u32),
    /// `{tclass, N}`: `IPV6_TCLASS`.
    Tclass(u32),
    /// `{ttl, N}`: `IP_TTL`.
    Ttl(u32),
    /// `{recvtos, Bool}`: `IP_RECVTOS`.
    Recvtos(bool),
    /// `{recvtclass, Bool}`: `IPV6_RECVTCLASS`.
    Recvtclass(bool),
    /// `{recvttl, Bool}`: `IP_RECVTTL`.
    Recvttl(bool),
    /// `{ipv6_v6only, Bool}`: `IPV6_V6ONLY`.
    Ipv6V6only(bool),
    /// `{pktoptions, Data}`: only ever returned by `getopts`.
    Pktoptions(Vec<u8>),
    /// `{bind_to_device, Ifname}`: `SO_BINDTODEVICE`.
    BindToDevice(Vec<u8>),
    /// `{fd, Fd}`: adopt a socket opened elsewhere, whose descriptor
    /// [`Fd`] owns (`listen`/`connect` only).
    Fd(Fd),
    /// `inet`: IPv4 (`listen`/`connect` only).
    Inet,
    /// `inet6`: IPv6 (`listen`/`connect` only).
    Inet6,
    /// `local`: unix domain (`listen`/`connect` only).
    Local,
    /// `{ifaddr, Address}`: the local address to bind (`listen`/`connect` only).
    Ifaddr(Ifaddr),
    /// `{ip, Address}`: the local address to bind (`listen`/`connect` only).
    Ip(IpAddr),
    /// `{port, Port}`: the local port to bind (`listen`/`connect` only).
    Port(u16),
    /// `{backlog, B}`: the listen queue length, default 5 (`listen` only).
    Backlog(u32),
    /// `{tcp_module, Module}`: accepted for compatibility; the modules that
    /// exist are `inet_tcp`, `inet6_tcp` and `local_tcp`.
    TcpModule(String),
    /// `{netns, Path}`: open the socket in that network namespace.
    Netns(PathBuf),
}

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

/// The name of an option, as `getopts` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each is the option of the same name in [`Opt`]
pub enum OptName {
    Active,
    Buffer,
    Debug,
    DelaySend,
    Deliver,
    Dontroute,
    ExitOnClose,
    Exclusiveaddruse,
    Header,
    HighMsgqWatermark,
    HighWatermark,
    Keepalive,
    Linger,
    LowMsgqWatermark,
    LowWatermark,
    Mode,
    Nodelay,
    Packet,
    PacketSize,
    LineDelimiter,
    Priority,
    /// `{raw, Protocol, OptionNum, ValueSize}`: read `size` bytes.
    Raw {
        level: i32,
        name: i32,
        size: usize,
    },
    Recbuf,
    Reuseaddr,
    Reuseport,
    ReuseportLb,
    SendTimeout,
    SendTimeoutClose,
    ShowEconnreset,
    Sndbuf,
    Tos,
    Tclass,
    Ttl,
    Recvtos,
    Recvtclass,
    Recvttl,
    Ipv6V6only,
    Pktoptions,
    BindToDevice,
}

impl OptName {
    /// Every option `getopts` knows, in the reference page's order (without `raw`).
    pub const ALL: &'static [OptName] = &[
        OptName::Active,
        OptName::Buffer,
        OptName::Debug,
        OptName::DelaySend,
        OptName::Deliver,
        OptName::Dontroute,
        OptName::ExitOnClose,
        OptName::Exclusiveaddruse,
        OptName::Header,
        OptName::HighMsgqWatermark,
        OptName::HighWatermark,
        OptName::Keepalive,
        OptName::Linger,
        OptName::LowMsgqWatermark,
        OptName::LowWatermark,
        OptName::Mode,
        OptName::Nodelay,
        OptName::Packet,
        OptName::PacketSize,
        OptName::LineDelimiter,
        OptName::Priority,
        OptName::Recbuf,
        OptName::Reuseaddr,
        OptName::Reuseport,
        OptName::ReuseportLb,
        OptName::SendTimeout,
        OptName::SendTimeoutClose,
        OptName::ShowEconnreset,
        OptName::Sndbuf,
        OptName::Tos,
        OptName::Tclass,
        OptName::Ttl,
        OptName::Recvtos,
        OptName::Recvtclass,
        OptName::Recvttl,
        OptName::Ipv6V6only,
        OptName::Pktoptions,
        OptName::BindToDevice,
    ];

    /// The Erlang name.
    pub fn erlang_name(&self) -> &'static str {
        match self {
            OptName::Active => "active",
            OptName::Buffer => "buffer",
            OptName::Debug => "debug",
            OptName::DelaySend => "delay_send",
            OptName::Deliver => "deliver",
            OptName::Dontroute => "dontroute",
            OptName::ExitOnClose => "exit_on_close",
            OptName::Exclusiveaddruse => "exclusiveaddruse",
            OptName::Header => "header",
            OptName::HighMsgqWatermark => "high_msgq_watermark",
            OptName::HighWatermark => "high_watermark",
            OptName::Keepalive => "keepalive",
            OptName::Linger => "linger",
            OptName::LowMsgqWatermark => "low_msgq_watermark",
            OptName::LowWatermark => "low_watermark",
            OptName::Mode => "mode",
            OptName::Nodelay => "nodelay",
            OptName::Packet => "packet",
            OptName::PacketSize => "packet_size",
            OptName::LineDelimiter => "line_delimiter",
            OptName::Priority => "priority",
            OptName::Raw { .. } => "raw",
            OptName::Recbuf => "recbuf",
            OptName::Reuseaddr => "reuseaddr",
            OptName::Reuseport => "reuseport",
            OptName::ReuseportLb => "reuseport_lb",
            OptName::SendTimeout => "send_timeout",
            OptName::SendTimeoutClose => "send_timeout_close",
            OptName::ShowEconnreset => "show_econnreset",
            OptName::Sndbuf => "sndbuf",
            OptName::Tos => "tos",
            OptName::Tclass => "tclass",
            OptName::Ttl => "ttl",
            OptName::Recvtos => "recvtos",
            OptName::Recvtclass => "recvtclass",
            OptName::Recvttl => "recvttl",
            OptName::Ipv6V6only => "ipv6_v6only",
            OptName::Pktoptions => "pktoptions",
            OptName::BindToDevice => "bind_to_device",
        }
    }

    /// True for kernel socket options, set on and read from the descriptor.
    pub fn is_kernel(&self) -> bool {
        matches!(
            self,
            OptName::Dontroute
                | OptName::Keepalive
                | OptName::Linger
                | OptName::Nodelay
                | OptName::Priority
                | OptName::Raw { .. }
                | OptName::Recbuf
                | OptName::Reuseaddr
                | OptName::Reuseport
                | OptName::ReuseportLb
                | OptName::Sndbuf
                | OptName::Tos
                | OptName::Tclass
                | OptName::Ttl
                | OptName::Recvtos
                | OptName::Recvtclass
                | OptName::Recvttl
                | OptName::Ipv6V6only
                | OptName::Pktoptions
                | OptName::BindToDevice
        )
    }
}

impl Opt {
    /// The option's name (`list` and `binary` are `mode`); `None` for the
    /// options only `listen`/`connect` take.
    pub fn name(&self) -> Option<OptName> {
        Some(match self {
            Opt::Active(_) => OptName::Active,
            Opt::Buffer(_) => OptName::Buffer,
            Opt::Debug(_) => OptName::Debug,
            Opt::DelaySend(_) => OptName::DelaySend,
            Opt::Deliver(_) => OptName::Deliver,
            Opt::Dontroute(_) => OptName::Dontroute,
            Opt::ExitOnClose(_) => OptName::ExitOnClose,
            Opt::Exclusiveaddruse(_) => OptName::Exclusiveaddruse,
            Opt::Header(_) => OptName::Header,
            Opt::HighMsgqWatermark(_) => OptName::HighMsgqWatermark,
            Opt::HighWatermark(_) => OptName::HighWatermark,
            Opt::Keepalive(_) => OptName::Keepalive,
            Opt::Linger(..) => OptName::Linger,
            Opt::LowMsgqWatermark(_) => OptName::LowMsgqWatermark,
            Opt::LowWatermark(_) => OptName::LowWatermark,
            Opt::Mode(_) | Opt::List | Opt::Binary => OptName::Mode,
            Opt::Nodelay(_) => OptName::Nodelay,
            Opt::Packet(_) => OptName::Packet,
            Opt::PacketSize(_) => OptName::PacketSize,
            Opt::LineDelimiter(_) => OptName::LineDelimiter,
            Opt::Priority(_) => OptName::Priority,
            Opt::Raw { level, name, value } => OptName::Raw {
                level: *level,
                name: *name,
                size: value.len(),
            },
            Opt::Recbuf(_) => OptName::Recbuf,
            Opt::Reuseaddr(_) => OptName::Reuseaddr,
            Opt::Reuseport(_) => OptName::Reuseport,
            Opt::ReuseportLb(_) => OptName::ReuseportLb,
            Opt::SendTimeout(_) => OptName::SendTimeout,
            Opt::SendTimeoutClose(_) => OptName::SendTimeoutClose,
            Opt::ShowEconnreset(_) => OptName::ShowEconnreset,
            Opt::Sndbuf(_) => OptName::Sndbuf,
            Opt::Tos(_) => OptName::Tos,
            Opt::Tclass(_) => OptName::Tclass,
            Opt::Ttl(_) => OptName::Ttl,
            Opt::Recvtos(_) => OptName::Recvtos,
            Opt::Recvtclass(_) => OptName::Recvtclass,
            Opt::Recvttl(_) => OptName::Recvttl,
            Opt::Ipv6V6only(_) => OptName::Ipv6V6only,
            Opt::Pktoptions(_) => OptName::Pktoptions,
            Opt::BindToDevice(_) => OptName::BindToDevice,
            Opt::InetBackend(_)
            | Opt::Fd(_)
            | Opt::Inet
            | Opt::Inet6
            | Opt::Local
            | Opt::Ifaddr(_)
            | Opt::Ip(_)
            | Opt::Port(_)
            | Opt::Backlog(_)
            | Opt::TcpModule(_)
            | Opt::Netns(_) => return None,
        })
    }

    /// True for options only `listen`/`connect` take.
    pub fn is_create_only(&self) -> bool {
        self.name().is_none()
    }
}
