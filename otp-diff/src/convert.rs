//! Between Erlang terms and the `gen_tcp` crate's types: options, option
//! names, statistics, packets, errors and messages.
//!
//! The direction Rust to term is the normaliser of our side: it prints a
//! Rust value as the Erlang term OTP would print for it, using only what
//! the value says (never the backend), so that where Rust's types merged
//! two of OTP's answers (`{packet, 0}` and `{packet, raw}`), the trace
//! shows it.

use crate::term::Term;
use gen_tcp::{
    Active, Data, Deliver, Error, Ifaddr, InetBackend, Message, Mode, Opt, OptName, PacketType,
    SockAddr, Stat,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// A term the Rust API has no value for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inexpressible(pub Term);

impl Inexpressible {
    /// `{inexpressible, T}`, the step's result.
    pub fn term(self) -> Term {
        Term::tuple([Term::atom("inexpressible"), self.0])
    }
}

type Conv<T> = Result<T, Inexpressible>;

fn u32_of(t: &Term) -> Option<u32> {
    t.as_int().and_then(|i| u32::try_from(i).ok())
}

fn bool_of(t: &Term) -> Option<bool> {
    match t.as_atom()? {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// `{packet, T}` values.
pub fn packet_of(t: &Term) -> Option<PacketType> {
    Some(match (t.as_int(), t.as_atom()) {
        (Some(0), _) | (_, Some("raw")) => PacketType::Raw,
        (Some(1), _) => PacketType::One,
        (Some(2), _) => PacketType::Two,
        (Some(4), _) => PacketType::Four,
        (_, Some("line")) => PacketType::Line,
        (_, Some("sunrm")) => PacketType::Sunrm,
        (_, Some("asn1")) => PacketType::Asn1,
        (_, Some("cdr")) => PacketType::Cdr,
        (_, Some("fcgi")) => PacketType::Fcgi,
        (_, Some("tpkt")) => PacketType::Tpkt,
        (_, Some("http")) => PacketType::Http,
        (_, Some("httph")) => PacketType::Httph,
        (_, Some("http_bin")) => PacketType::HttpBin,
        (_, Some("httph_bin")) => PacketType::HttphBin,
        _ => return None,
    })
}

/// An IP address tuple.
pub fn ip_of(t: &Term) -> Option<IpAddr> {
    let Term::Tuple(parts) = t else { return None };
    let n: Option<Vec<i64>> = parts.iter().map(Term::as_int).collect();
    let n = n?;
    match n.len() {
        4 => {
            let b: Option<Vec<u8>> = n.iter().map(|&x| u8::try_from(x).ok()).collect();
            let b = b?;
            Some(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3])))
        }
        8 => {
            let s: Option<Vec<u16>> = n.iter().map(|&x| u16::try_from(x).ok()).collect();
            let s = s?;
            Some(IpAddr::V6(Ipv6Addr::new(
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],
            )))
        }
        _ => None,
    }
}

/// A timeout: milliseconds or `infinity`.
pub fn timeout_of(t: &Term) -> Option<Option<Duration>> {
    match (t.as_int(), t.as_atom()) {
        (Some(ms), _) if ms >= 0 => Some(Some(Duration::from_millis(ms as u64))),
        (_, Some("infinity")) => Some(None),
        _ => None,
    }
}

/// One option term as an [`Opt`].
pub fn opt_of(t: &Term) -> Conv<Opt> {
    let bad = || Inexpressible(t.clone());
    if let Some(a) = t.as_atom() {
        return Ok(match a {
            "binary" => Opt::Binary,
            "list" => Opt::List,
            "inet" => Opt::Inet,
            "inet6" => Opt::Inet6,
            "local" => Opt::Local,
            _ => return Err(bad()),
        });
    }
    let Term::Tuple(items) = t else {
        return Err(bad());
    };
    let name = items.first().and_then(Term::as_atom).ok_or_else(bad)?;
    if items.len() == 4 && name == "raw" {
        let level = items[1].as_int().ok_or_else(bad)? as i32;
        let num = items[2].as_int().ok_or_else(bad)? as i32;
        let value = items[3].as_bytes().ok_or_else(bad)?;
        return Ok(Opt::Raw {
            level,
            name: num,
            value,
        });
    }
    if items.len() != 2 {
        return Err(bad());
    }
    let v = &items[1];
    let u = || u32_of(v).ok_or_else(bad);
    let b = || bool_of(v).ok_or_else(bad);
    Ok(match name {
        "inet_backend" => Opt::InetBackend(
            v.as_atom()
                .and_then(InetBackend::from_name)
                .ok_or_else(bad)?,
        ),
        "active" => Opt::Active(match (v.as_atom(), v.as_int()) {
            (Some("true"), _) => Active::True,
            (Some("false"), _) => Active::False,
            (Some("once"), _) => Active::Once,
            (_, Some(n)) => Active::N(i32::try_from(n).map_err(|_| bad())?),
            _ => return Err(bad()),
        }),
        "buffer" => Opt::Buffer(u()?),
        "debug" => Opt::Debug(b()?),
        "delay_send" => Opt::DelaySend(b()?),
        "deliver" => Opt::Deliver(match v.as_atom() {
            Some("port") => Deliver::Port,
            Some("term") => Deliver::Term,
            _ => return Err(bad()),
        }),
        "dontroute" => Opt::Dontroute(b()?),
        "exit_on_close" => Opt::ExitOnClose(b()?),
        "exclusiveaddruse" => Opt::Exclusiveaddruse(b()?),
        "header" => Opt::Header(u()?),
        "high_msgq_watermark" => Opt::HighMsgqWatermark(u()?),
        "high_watermark" => Opt::HighWatermark(u()?),
        "keepalive" => Opt::Keepalive(b()?),
        "linger" => match v {
            Term::Tuple(p) if p.len() == 2 => Opt::Linger((
                bool_of(&p[0]).ok_or_else(bad)?,
                u32_of(&p[1]).ok_or_else(bad)?,
            )),
            _ => return Err(bad()),
        },
        "low_msgq_watermark" => Opt::LowMsgqWatermark(u()?),
        "low_watermark" => Opt::LowWatermark(u()?),
        "mode" => Opt::Mode(match v.as_atom() {
            Some("list") => Mode::List,
            Some("binary") => Mode::Binary,
            _ => return Err(bad()),
        }),
        "nodelay" => Opt::Nodelay(b()?),
        "packet" => Opt::Packet(packet_of(v).ok_or_else(bad)?),
        "packet_size" => Opt::PacketSize(u()?),
        "line_delimiter" => Opt::LineDelimiter(
            v.as_int()
                .and_then(|i| u8::try_from(i).ok())
                .ok_or_else(bad)?,
        ),
        "priority" => Opt::Priority(u()?),
        "recbuf" => Opt::Recbuf(u()?),
        "reuseaddr" => Opt::Reuseaddr(b()?),
        "reuseport" => Opt::Reuseport(b()?),
        "reuseport_lb" => Opt::ReuseportLb(b()?),
        "send_timeout" => Opt::SendTimeout(timeout_of(v).ok_or_else(bad)?),
        "send_timeout_close" => Opt::SendTimeoutClose(b()?),
        "show_econnreset" => Opt::ShowEconnreset(b()?),
        "sndbuf" => Opt::Sndbuf(u()?),
        "tos" => Opt::Tos(u()?),
        "tclass" => Opt::Tclass(u()?),
        "ttl" => Opt::Ttl(u()?),
        "recvtos" => Opt::Recvtos(b()?),
        "recvtclass" => Opt::Recvtclass(b()?),
        "recvttl" => Opt::Recvttl(b()?),
        "ipv6_v6only" => Opt::Ipv6V6only(b()?),
        "bind_to_device" => Opt::BindToDevice(v.as_bytes().ok_or_else(bad)?),
        "ip" => Opt::Ip(ip_of(v).ok_or_else(bad)?),
        "port" => Opt::Port(
            v.as_int()
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(bad)?,
        ),
        "backlog" => Opt::Backlog(u()?),
        "tcp_module" => Opt::TcpModule(v.as_atom().ok_or_else(bad)?.to_string()),
        "ifaddr" => Opt::Ifaddr(match v {
            Term::Tuple(p) if p.len() == 2 && p[0].as_atom() == Some("local") => Ifaddr::Local(
                String::from_utf8(p[1].as_bytes().ok_or_else(bad)?)
                    .map_err(|_| bad())?
                    .into(),
            ),
            _ => Ifaddr::Ip(ip_of(v).ok_or_else(bad)?),
        }),
        _ => return Err(bad()),
    })
}

/// A list of option terms.
pub fn opts_of(t: &Term) -> Conv<Vec<Opt>> {
    t.as_list()
        .ok_or_else(|| Inexpressible(t.clone()))?
        .iter()
        .map(opt_of)
        .collect()
}

/// One `getopts` name.
pub fn opt_name_of(t: &Term) -> Conv<OptName> {
    if let Term::Tuple(items) = t {
        if items.len() == 4 && items[0].as_atom() == Some("raw") {
            let (Some(level), Some(name), Some(size)) =
                (items[1].as_int(), items[2].as_int(), items[3].as_int())
            else {
                return Err(Inexpressible(t.clone()));
            };
            return Ok(OptName::Raw {
                level: level as i32,
                name: name as i32,
                size: usize::try_from(size).map_err(|_| Inexpressible(t.clone()))?,
            });
        }
    }
    let a = t.as_atom().ok_or_else(|| Inexpressible(t.clone()))?;
    OptName::ALL
        .iter()
        .find(|n| n.erlang_name() == a)
        .cloned()
        .ok_or_else(|| Inexpressible(t.clone()))
}

/// A list of `getopts` names.
pub fn opt_names_of(t: &Term) -> Conv<Vec<OptName>> {
    t.as_list()
        .ok_or_else(|| Inexpressible(t.clone()))?
        .iter()
        .map(opt_name_of)
        .collect()
}

/// A list of `getstat` names.
pub fn stats_of(t: &Term) -> Conv<Vec<Stat>> {
    t.as_list()
        .ok_or_else(|| Inexpressible(t.clone()))?
        .iter()
        .map(|n| {
            Stat::ALL
                .iter()
                .find(|s| Some(s.erlang_name()) == n.as_atom())
                .copied()
                .ok_or_else(|| Inexpressible(n.clone()))
        })
        .collect()
}

fn b(v: bool) -> Term {
    Term::atom(if v { "true" } else { "false" })
}

fn kv(name: &str, v: Term) -> Term {
    Term::tuple([Term::atom(name), v])
}

fn u(n: u32) -> Term {
    Term::Int(n as i64)
}

/// `{packet, T}`: the spelling of [`PacketType::erlang_name`] (`Raw` is
/// `0`: the Rust type cannot say `raw`).
pub fn packet_term(p: PacketType) -> Term {
    let n = p.erlang_name();
    n.parse::<i64>()
        .map(Term::Int)
        .unwrap_or_else(|_| Term::atom(n))
}

/// An option as `getopts` on `backend` returns it: the library's
/// [`Opt::otp_atom`] where Rust's value stands for two of OTP's spellings
/// (`{packet, raw}`, `{tos, lowdelay}` on `socket`), else [`opt_term`].
pub fn opt_term_on(o: &Opt, backend: InetBackend) -> Term {
    match o.otp_atom(backend) {
        Some(atom) => kv(o.erlang_name(), Term::atom(atom)),
        None => opt_term(o),
    }
}

/// An option as `getopts` returns it.
pub fn opt_term(o: &Opt) -> Term {
    match o {
        Opt::Active(a) => kv(
            "active",
            match a {
                Active::True => Term::atom("true"),
                Active::False => Term::atom("false"),
                Active::Once => Term::atom("once"),
                Active::N(n) => Term::Int(*n as i64),
            },
        ),
        Opt::Buffer(n) => kv("buffer", u(*n)),
        Opt::Debug(v) => kv("debug", b(*v)),
        Opt::DelaySend(v) => kv("delay_send", b(*v)),
        Opt::Deliver(d) => kv(
            "deliver",
            Term::atom(match d {
                Deliver::Port => "port",
                Deliver::Term => "term",
            }),
        ),
        Opt::Dontroute(v) => kv("dontroute", b(*v)),
        Opt::ExitOnClose(v) => kv("exit_on_close", b(*v)),
        Opt::Exclusiveaddruse(v) => kv("exclusiveaddruse", b(*v)),
        Opt::Header(n) => kv("header", u(*n)),
        Opt::HighMsgqWatermark(n) => kv("high_msgq_watermark", u(*n)),
        Opt::HighWatermark(n) => kv("high_watermark", u(*n)),
        Opt::Keepalive(v) => kv("keepalive", b(*v)),
        Opt::Linger((on, s)) => kv("linger", Term::tuple([b(*on), u(*s)])),
        Opt::LowMsgqWatermark(n) => kv("low_msgq_watermark", u(*n)),
        Opt::LowWatermark(n) => kv("low_watermark", u(*n)),
        Opt::Mode(Mode::List) | Opt::List => kv("mode", Term::atom("list")),
        Opt::Mode(Mode::Binary) | Opt::Binary => kv("mode", Term::atom("binary")),
        Opt::Nodelay(v) => kv("nodelay", b(*v)),
        Opt::Packet(p) => kv("packet", packet_term(*p)),
        Opt::PacketSize(n) => kv("packet_size", u(*n)),
        Opt::LineDelimiter(c) => kv("line_delimiter", Term::Int(*c as i64)),
        Opt::Priority(n) => kv("priority", u(*n)),
        Opt::Raw { level, name, value } => Term::tuple([
            Term::atom("raw"),
            Term::Int(*level as i64),
            Term::Int(*name as i64),
            Term::Bin(value.clone()),
        ]),
        Opt::Recbuf(n) => kv("recbuf", u(*n)),
        Opt::Reuseaddr(v) => kv("reuseaddr", b(*v)),
        Opt::Reuseport(v) => kv("reuseport", b(*v)),
        Opt::ReuseportLb(v) => kv("reuseport_lb", b(*v)),
        Opt::SendTimeout(t) => kv(
            "send_timeout",
            match t {
                None => Term::atom("infinity"),
                Some(d) => Term::Int(d.as_millis() as i64),
            },
        ),
        Opt::SendTimeoutClose(v) => kv("send_timeout_close", b(*v)),
        Opt::ShowEconnreset(v) => kv("show_econnreset", b(*v)),
        Opt::Sndbuf(n) => kv("sndbuf", u(*n)),
        Opt::Tos(n) => kv("tos", u(*n)),
        Opt::Tclass(n) => kv("tclass", u(*n)),
        Opt::Ttl(n) => kv("ttl", u(*n)),
        Opt::Recvtos(v) => kv("recvtos", b(*v)),
        Opt::Recvtclass(v) => kv("recvtclass", b(*v)),
        Opt::Recvttl(v) => kv("recvttl", b(*v)),
        Opt::Ipv6V6only(v) => kv("ipv6_v6only", b(*v)),
        Opt::Pktoptions(v) => kv(
            "pktoptions",
            Term::list(
                v.iter()
                    .map(|p| kv(p.erlang_name(), Term::Int(p.value() as i64))),
            ),
        ),
        Opt::BindToDevice(v) => kv("bind_to_device", Term::Bin(v.clone())),
        // Only `listen`/`connect` take the others; getopts never gives them.
        other => Term::tuple([
            Term::atom("unexpected_opt"),
            Term::atom(&format!("{other:?}")),
        ]),
    }
}

/// A `getstat` value: byte counts exact, the others as `0` or `pos`
/// (`stat_shape/1` in the escript).
pub fn stat_term(s: Stat, v: u64) -> Term {
    let name = s.erlang_name();
    let value = if name.ends_with("_oct") {
        Term::Int(v as i64)
    } else if v == 0 {
        Term::Int(0)
    } else {
        Term::atom("pos")
    };
    kv(name, value)
}

/// A reason, as its atom.
pub fn error_term(e: &Error) -> Term {
    Term::atom(e.reason())
}

/// `{error, Reason}`.
pub fn err(e: &Error) -> Term {
    Term::error(error_term(e))
}

/// A received packet.
pub fn data_term(d: &Data) -> Term {
    match d {
        Data::Binary(b) => Term::Bin(b.to_vec()),
        Data::List(v) => Term::bytes_list(v),
        Data::Headed(h, rest) => Term::List(
            h.iter().map(|&c| Term::Int(c as i64)).collect(),
            Some(Box::new(Term::Bin(rest.to_vec()))),
        ),
        Data::Http(p) => Term::tuple([Term::atom("http_packet"), Term::atom(&format!("{p:?}"))]),
    }
}

/// An address as `inet:sockname/1` gives it, the port (when not 0) as the
/// atom `port` (ports are ephemeral).
pub fn addr_term(a: &SockAddr) -> Term {
    match a {
        SockAddr::Inet(sa) => {
            let ip = match sa.ip() {
                IpAddr::V4(v4) => {
                    Term::Tuple(v4.octets().iter().map(|&o| Term::Int(o as i64)).collect())
                }
                IpAddr::V6(v6) => {
                    Term::Tuple(v6.segments().iter().map(|&o| Term::Int(o as i64)).collect())
                }
            };
            Term::tuple([ip, port_term(sa)])
        }
        SockAddr::Local(p) => Term::tuple([
            Term::atom("local"),
            Term::Bin(p.to_string_lossy().as_bytes().to_vec()),
        ]),
    }
}

fn port_term(sa: &SocketAddr) -> Term {
    if sa.port() == 0 {
        Term::Int(0)
    } else {
        Term::atom("port")
    }
}

/// An active-mode message; `name` names sockets by role.
pub fn message_term(m: &Message, name: &dyn Fn(&gen_tcp::Socket) -> Term) -> Term {
    match m {
        Message::Tcp(s, d) => Term::tuple([Term::atom("tcp"), name(s), data_term(d)]),
        Message::TcpClosed(s) => Term::tuple([Term::atom("tcp_closed"), name(s)]),
        Message::TcpError(s, e) => Term::tuple([Term::atom("tcp_error"), name(s), error_term(e)]),
        Message::TcpPassive(s) => Term::tuple([Term::atom("tcp_passive"), name(s)]),
        Message::User(_) => Term::atom("user"),
        // (Message is non_exhaustive: a kind added later prints as itself.)
        other => Term::atom(&format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Term {
        Term::parse(s).unwrap()
    }

    #[test]
    fn options_round_trip() {
        for s in [
            "{active,once}",
            "{active,-3}",
            "{packet,2}",
            "{packet,line}",
            "{linger,{true,5}}",
            "{send_timeout,infinity}",
            "{send_timeout,200}",
            "{raw,6,1,<<1,0,0,0>>}",
            "{line_delimiter,59}",
            "{bind_to_device,<<\"lo\">>}",
            "{mode,binary}",
        ] {
            let o = opt_of(&t(s)).unwrap();
            assert_eq!(opt_term(&o), t(s), "{s}");
        }
        assert_eq!(
            opt_term(&opt_of(&t("{packet,raw}")).unwrap()),
            t("{packet,0}")
        );
        assert!(opt_of(&t("{buffer,-1}")).is_err());
        assert!(opt_of(&t("{packet,3}")).is_err());
    }

    #[test]
    fn names_and_stats() {
        assert_eq!(
            opt_names_of(&t("[active,{raw,6,1,4}]")).unwrap(),
            vec![
                OptName::Active,
                OptName::Raw {
                    level: 6,
                    name: 1,
                    size: 4
                }
            ]
        );
        assert!(opt_names_of(&t("[netns]")).is_err());
        assert_eq!(stats_of(&t("[send_pend]")).unwrap(), vec![Stat::SendPend]);
        assert_eq!(stat_term(Stat::RecvCnt, 3).to_string(), "{recv_cnt,pos}");
        assert_eq!(stat_term(Stat::RecvOct, 3).to_string(), "{recv_oct,3}");
    }
}
