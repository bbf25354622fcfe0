//! The option table: every gen_tcp option on one line, with everything
//! the code needs to know about it. `generate.rs` turns the rows into
//! [`Opt`], [`OptName`], [`SockOpts`], the kernel `setsockopt` calls, the
//! `setopts`/`getopts` rules, the typed accessors ([`TypedOpts`], and
//! `opts.buffer()`/`opts.set_buffer(n)` on `SockOpts`) and the rows of
//! [`super::spec`] the conformance suite runs on both backends.
//!
//! Adding an option: one row here, the value OTP 25 gives for each column
//! (`conformance/otp/probe.escript`, recorded in `docs/otp-answers.md`),
//! and a test for whatever it changes beyond a round trip.
//!
//! Columns. `erlang` is the Erlang name (also the `SockOpts` field and the
//! getter); `setter` the setter's name; `Variant(type)` the [`Opt`]
//! variant. A per-backend column is `x` (both) or `[inet, socket]`.
//!
//! - `default`: the value of a new socket (Q1). For kernel options, what
//!   OTP reports on a new IPv4 socket: `omitted`, `positive` (a size the
//!   kernel picks) or a value; the kernel, not gen_tcp, sets them.
//! - `check`: the values `setopts` accepts (else `einval`; `listen` and
//!   `connect` raise `badarg` for the same values, Q2).
//! - `getopts`: `Report`, `Omit` (`{ok, []}`) or `Refuse(e)` (Q1).
//! - `then`: what else changes when it is set (the watermark pairs).
//! - `at level number`: the kernel option.
//! - `local set get`: the rules on a unix socket, where they differ (Q11).
//! - `setopts` (create-only options): `setopts` of an option only `listen`
//!   and `connect` take: `Refuse(e)` or `Ignore` (Q2).
//! - `trip sample => answer`: `setopts` of the sample then `getopts` (Q17),
//!   answered as in [`Answer`](super::spec::Answer).

use super::generate::{answers, ix, option_table, per_backend, reported};
use super::policy::{GetRule, SetRule};
use super::sock_opts::{
    active_n, any, buffer_at_least_one, high_follows_low, low_follows_high, msgq_high_follows_low,
    msgq_low_follows_high, nonzero,
};
use super::{spec, Deliver, Fd, Ifaddr, Mode, PACKET_SIZE_MAX};
use crate::active::Active;
use crate::backend::InetBackend;
use crate::error::{Error, Result};
use crate::packet::PacketType;
use crate::sockopt::KernelValue;
use std::net::IpAddr;
use std::os::fd::BorrowedFd;
use std::path::PathBuf;
use std::time::Duration;

// Reasons, short so that the rows stay on one line.
const EINVAL: Error = Error::Einval;
const ENOTSUP: Error = Error::Enotsup;
const ENOPROTOOPT: Error = Error::Posix(libc::ENOPROTOOPT);
const EPERM: Error = Error::Posix(libc::EPERM);

option_table! {
    // gen_tcp's own options, kept per socket in `SockOpts`.
    fields {
    //  erlang               setter                   Variant(type)                  default                    check                 getopts                        then                        trip sample => answer
        active               set_active               Active(Active)                 default (Active::True)     check active_n        getopts Report                                             trip (Active::Once) => Same;
        /// The size of the user-level receive buffer.
        buffer               set_buffer               Buffer(u32)                    default [1460, 8192]       check [any, nonzero]  getopts Report                 then buffer_at_least_one    trip 4096 => Same;
        debug                set_debug                Debug(bool)                    default false              check any             getopts Report                                             trip true => Same;
        /// `inet`: queue small sends instead of writing at once.
        delay_send           set_delay_send           DelaySend(bool)                default false              check any             getopts Report                                             trip true => Same;
        /// The shape of active messages in Erlang; both are kept and reported.
        deliver              set_deliver              Deliver(Deliver)               default (Deliver::Term)    check any             getopts Report                                             trip (Deliver::Port) => Same;
        exit_on_close        set_exit_on_close        ExitOnClose(bool)              default true               check any             getopts Report                                             trip false => Same;
        /// Windows only (OTP 26, the reference page's release): accepted and
        /// kept elsewhere. OTP 25 answers `einval`.
        exclusiveaddruse     set_exclusiveaddruse     Exclusiveaddruse(bool)         default false              check any             getopts Report                                             trip true => Accepted;
        /// Deliver the first N bytes of a packet as a list.
        header               set_header               Header(u32)                    default 0                  check any             getopts Report                                             trip 3 => Same;
        high_msgq_watermark  set_high_msgq_watermark  HighMsgqWatermark(u32)         default 8192               check [nonzero, any]  getopts [Report, Omit]         then msgq_low_follows_high  trip 100_000 => [Same, Omitted];
        low_msgq_watermark   set_low_msgq_watermark   LowMsgqWatermark(u32)          default 4096               check [nonzero, any]  getopts [Report, Omit]         then msgq_high_follows_low  trip 100 => [Same, Omitted];
        /// The output queue size at which a sender waits (`inet`).
        high_watermark       set_high_watermark       HighWatermark(u32)             default 8192               check any             getopts [Report, Omit]         then low_follows_high       trip 100_000 => [Same, Omitted];
        /// The output queue size at which a waiting sender resumes.
        low_watermark        set_low_watermark        LowWatermark(u32)              default [4096, 1]          check any             getopts Report                 then high_follows_low       trip 100 => Same;
        /// `list` and `binary` are the same as `{mode, list | binary}`. (The
        /// round trip runs on a binary socket: `list` is the change.)
        mode                 set_mode                 Mode(Mode)                     default (Mode::List)       check any             getopts Report                                             trip (Mode::List) => Same;
        packet               set_packet               Packet(PacketType)             default (PacketType::Raw)  check any             getopts Report                                             trip (PacketType::Two) => Same;
        /// The largest packet accepted (0 = no limit).
        packet_size          set_packet_size          PacketSize(u32)                default [0, PACKET_SIZE_MAX] check any             getopts Report                                             trip 1000 => Same;
        /// The delimiter of `{packet, line}`.
        line_delimiter       set_line_delimiter       LineDelimiter(u8)              default b'\n'              check any             getopts [Refuse(EINVAL), Report]                             trip b';' => [GetFails(EINVAL), Same];
        /// `None` is `infinity`.
        send_timeout         set_send_timeout         SendTimeout(Option<Duration>)  default None               check any             getopts Report                                             trip (Some(Duration::from_millis(1500))) => Same;
        send_timeout_close   set_send_timeout_close   SendTimeoutClose(bool)         default false              check any             getopts Report                                             trip true => Same;
        show_econnreset      set_show_econnreset      ShowEconnreset(bool)           default false              check any             getopts Report                                             trip true => Same;
    }

    // Kernel options: set on and read from the descriptor.
    kernel {
    //  erlang               setter                   Variant(type)          kernel level, option             on a unix socket: setopts getopts    default              trip sample => answer
        dontroute            set_dontroute            Dontroute(bool)        at SOL_SOCKET   SO_DONTROUTE                                          default false        trip true => Same;
        keepalive            set_keepalive            Keepalive(bool)        at SOL_SOCKET   SO_KEEPALIVE                                          default false        trip true => Same;
        /// `{OnOff, Seconds}`, as the kernel keeps them: Linux ignores the
        /// seconds of an "off" (`{false, 5}` on a new socket reads `{false, 0}`).
        linger               set_linger               Linger((bool, u32))    at SOL_SOCKET   SO_LINGER                                             default (false, 0)   trip (true, 5) => Same;
        /// The documented difference on a unix socket: `inet` ignores it,
        /// `socket` answers `enotsup`; both leave it out of `getopts`.
        nodelay              set_nodelay              Nodelay(bool)          at IPPROTO_TCP  TCP_NODELAY      local [Ignore, Refuse(ENOTSUP)] Omit default false        trip true => Same;
        priority             set_priority             Priority(u32)          at SOL_SOCKET   SO_PRIORITY                                           default 0            trip 3 => Same;
        recbuf               set_recbuf               Recbuf(u32)            at SOL_SOCKET   SO_RCVBUF                                             default positive     trip 65536 => AtLeast;
        reuseaddr            set_reuseaddr            Reuseaddr(bool)        at SOL_SOCKET   SO_REUSEADDR                                          default false        trip true => Same;
        /// OTP 26 (the reference page's release); OTP 25 answers `einval`.
        reuseport            set_reuseport            Reuseport(bool)        at SOL_SOCKET   SO_REUSEPORT                                          default false        trip true => Same;
        /// OTP 26: `SO_REUSEPORT` on Linux; OTP 25 answers `einval`.
        reuseport_lb         set_reuseport_lb         ReuseportLb(bool)      at SOL_SOCKET   SO_REUSEPORT                                          default false        trip true => Same;
        sndbuf               set_sndbuf               Sndbuf(u32)            at SOL_SOCKET   SO_SNDBUF                                             default positive     trip 65536 => AtLeast;
        /// The kernel keeps 8 bits: `{tos, 256}` reads back 0.
        tos                  set_tos                  Tos(u32)               at IPPROTO_IP   IP_TOS                                                default 0            trip 16 => Same;
        /// IPv6 only: on IPv4, `inet` answers `einval`, `socket` the kernel's `enoprotoopt`.
        tclass               set_tclass               Tclass(u32)            at IPPROTO_IPV6 IPV6_TCLASS                                           default omitted      trip 16 => [SetFails(EINVAL), SetFails(ENOPROTOOPT)];
        ttl                  set_ttl                  Ttl(u32)               at IPPROTO_IP   IP_TTL                                                default 64           trip 12 => Same;
        recvtos              set_recvtos              Recvtos(bool)          at IPPROTO_IP   IP_RECVTOS                                            default false        trip true => Same;
        /// IPv6 only, as `tclass`.
        recvtclass           set_recvtclass           Recvtclass(bool)       at IPPROTO_IPV6 IPV6_RECVTCLASS                                       default omitted      trip true => [SetFails(EINVAL), SetFails(ENOPROTOOPT)];
        recvttl              set_recvttl              Recvttl(bool)          at IPPROTO_IP   IP_RECVTTL                                            default false        trip true => Same;
        /// IPv6 only, as `tclass`.
        ipv6_v6only          set_ipv6_v6only          Ipv6V6only(bool)       at IPPROTO_IPV6 IPV6_V6ONLY                                           default omitted      trip true => [SetFails(EINVAL), SetFails(ENOPROTOOPT)];
        /// An interface name; empty unbinds. Needs `CAP_NET_RAW`.
        bind_to_device       set_bind_to_device       BindToDevice(Vec<u8>)  at SOL_SOCKET   SO_BINDTODEVICE                                       default (Vec::new()) trip (b"lo".to_vec()) => (SameUnless(EPERM));
    }

    // Options only `listen` and `connect` take: `setopts` refuses them, or
    // (`socket`) ignores some. `CreateOpts::parse` reads them.
    create {
    //  erlang               Variant(type)                  setopts
        /// `{inet_backend, B}`: honoured only as the first option.
        inet_backend         InetBackend(InetBackend)       setopts (Refuse(EINVAL));
        /// `{fd, Fd}`: adopt a socket opened elsewhere, whose descriptor [`Fd`] owns.
        fd                   Fd(Fd)                         setopts (Refuse(EINVAL));
        /// `inet`: IPv4.
        inet                 Inet                           setopts [Refuse(EINVAL), Ignore];
        /// `inet6`: IPv6.
        inet6                Inet6                          setopts [Refuse(EINVAL), Ignore];
        /// `local`: unix domain.
        local                Local                          setopts [Refuse(EINVAL), Ignore];
        /// `{ifaddr, Address}`: the local address to bind.
        ifaddr               Ifaddr(Ifaddr)                 setopts (Refuse(EINVAL));
        /// `{ip, Address}`: the local address to bind.
        ip                   Ip(IpAddr)                     setopts [Refuse(EINVAL), Ignore];
        /// `{port, Port}`: the local port to bind.
        port                 Port(u16)                      setopts (Refuse(EINVAL));
        /// `{backlog, B}`: the listen queue length, default 5 (`listen` only).
        backlog              Backlog(u32)                   setopts [Refuse(EINVAL), Ignore];
        /// `{tcp_module, Module}`: accepted for compatibility; the modules
        /// that exist are `inet_tcp`, `inet6_tcp` and `local_tcp`.
        tcp_module           TcpModule(String)              setopts [Refuse(EINVAL), Ignore];
        /// `{netns, Path}`: open the socket in that network namespace.
        netns                Netns(PathBuf)                 setopts (Refuse(EINVAL));
    }

    // Written by hand around the table: the `mode` aliases, `raw` and
    // `pktoptions` (`policy.rs`, `sockopt.rs`).
    special_opts {
        /// `list`: the same as `{mode, list}`.
        List,
        /// `binary`: the same as `{mode, binary}`.
        Binary,
        /// `{raw, Protocol, OptionNum, ValueBin}`: a raw `setsockopt`.
        Raw {
            /// The protocol level (`SOL_SOCKET`, `IPPROTO_TCP`, ...).
            level: i32,
            /// The option number.
            name: i32,
            /// The option value as bytes.
            value: Vec<u8>,
        },
        /// `{pktoptions, List}`: only ever returned by `getopts`: the
        /// control data the kernel keeps for the socket, decoded
        /// ([`super::pktoptions`]).
        Pktoptions(Vec<super::pktoptions::PktOption>),
    }
    special_names {
        /// `{raw, Protocol, OptionNum, ValueSize}`: read at most `size` bytes.
        Raw {
            /// The protocol level.
            level: i32,
            /// The option number.
            name: i32,
            /// The most bytes to read.
            size: usize,
        },
        /// `pktoptions`.
        Pktoptions,
    }
}
