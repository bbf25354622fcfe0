//! `setopts` and `getopts` for both backends: the rules of the option
//! table (`table.rs`: its `check`, `getopts`, `local` and `setopts`
//! columns) and the one loop that applies them.
//!
//! Differences (all measured on OTP 25, `docs/otp-answers.md` Q1, Q2, Q11,
//! Q17, Q18):
//!
//! | case | `inet` | `socket` |
//! |---|---|---|
//! | `nodelay` on a `local` socket | ignored | `enotsup` |
//! | create-only options in `setopts` (`{port, _}`, `{fd, _}`, `{inet_backend, _}`, ...) | `einval` | `einval`, except `{ip, _}`, `{backlog, _}`, `inet`, `inet6`, `local`, `{tcp_module, _}`: ignored |
//! | a bad option in a `setopts` list | nothing applied | the options before it stay applied |
//! | `getopts(line_delimiter)` | `einval` | the value |
//! | `getopts` of `high_watermark`, `high_msgq_watermark`, `low_msgq_watermark` | the value | left out |
//! | `setopts` of an IPv6 option (`tclass`, ...) on IPv4 | `einval` | `enoprotoopt` (the kernel's) |
//! | `getopts` of `{raw, _, _, Size}` | `einval` over 65522 bytes | left out for 0 or over 2^31 - 1 |
//! | an option given twice in one `setopts` | the first value stays (applied from the end) | the last |
//! | an option given twice to `listen`/`connect` | the last (applied from the end) | the last (in order) |
//! | `{recbuf, N}` | raises `buffer` to N until `buffer` is set | `buffer` apart |
//! | `low_watermark` | the output queue's | `SO_RCVLOWAT`; `high_watermark` does nothing |
//! | `getopts(pktoptions)` on IPv6 | `[{tclass, T}]` | left out |
//!
//! Both leave out of `getopts` what the kernel cannot report for this
//! socket (`tclass` on IPv4, `nodelay` on a `local` socket).

use super::table;
use super::{Opening, Opt, OptName, SockOpts};
use crate::active::Active;
use crate::addr::Family;
use crate::backend::InetBackend;
use crate::error::{Error, Result};
use crate::sockopt;
use std::os::fd::BorrowedFd;

/// What `setopts` does with one option on a backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetRule {
    /// Set it (gen_tcp-level state or kernel option).
    Apply,
    /// Accept it and do nothing.
    Ignore,
    /// Refuse it with this reason.
    Refuse(Error),
}

/// What `getopts` does with one option on a backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetRule {
    /// Answer its value.
    Report,
    /// Leave it out of the answer (`{ok, []}` for it alone).
    Omit,
    /// Fail the whole call with this reason.
    Refuse(Error),
}

/// The largest `Size` of `{raw, Level, Opt, Size}` that OTP 25's `inet`
/// answers; over it, `einval` (inet_drv's reply buffer, Q18).
pub const RAW_SIZE_MAX_INET: usize = 65522;

/// The rule for `opt` in `setopts` on `backend`; `local` for a unix socket.
pub fn set_rule(backend: InetBackend, opt: &Opt, local: bool) -> SetRule {
    match opt {
        Opt::Pktoptions(_) => SetRule::Refuse(Error::Einval),
        _ => table::set_rule(backend, opt, local),
    }
}

/// The rule for `name` in `getopts` on `backend`; `local` for a unix socket.
pub fn get_rule(backend: InetBackend, name: &OptName, local: bool) -> GetRule {
    match (backend, name) {
        (InetBackend::Inet, OptName::Raw { size, .. }) if *size > RAW_SIZE_MAX_INET => {
            GetRule::Refuse(Error::Einval)
        }
        // The socket NIF reads nothing for 0 and refuses what is not a C int.
        (InetBackend::Socket, OptName::Raw { size, .. })
            if *size == 0 || *size > i32::MAX as usize =>
        {
            GetRule::Omit
        }
        _ => {
            let on_local = table::local_get_rule(name);
            if local && on_local != GetRule::Report {
                on_local
            } else {
                SockOpts::get_rule(backend, name)
            }
        }
    }
}

/// What a `setopts` call did, besides its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetOutcome {
    /// How many `{tcp_passive, S}` the owner is owed: one each time an
    /// `{active, N}` counter reached 0 or below, and on `socket` each time
    /// `{active, false}` ended an `{active, N}`.
    pub passive_messages: usize,
}

/// Applies one option (to the kernel too when there is a descriptor);
/// `true` when the owner is owed `{tcp_passive, S}`.
fn apply_one(
    fd: Option<BorrowedFd<'_>>,
    local: bool,
    opts: &mut SockOpts,
    opt: &Opt,
) -> Result<bool> {
    match set_rule(opts.backend, opt, local) {
        SetRule::Refuse(e) => Err(e),
        SetRule::Ignore => Ok(false),
        SetRule::Apply => match opt {
            Opt::Active(a) => {
                let was = opts.active;
                let change = was.set(*a)?;
                opts.active = change.now;
                // `gen_tcp_socket` also tells the owner when `{active,
                // false}` ends an `{active, N}`; `inet_drv` does not.
                let n_ended = opts.backend == InetBackend::Socket
                    && *a == Active::False
                    && matches!(was, Active::N(_));
                Ok(change.passive_message || n_ended)
            }
            o => {
                if !opts.apply(o)? {
                    if let Some(fd) = fd {
                        sockopt::set(fd, o).map_err(|e| kernel_refusal(opts.backend, o, e))?;
                    }
                } else if let Some(fd) = fd {
                    set_kernel_twin(fd, opts.backend, o)?;
                }
                Ok(false)
            }
        },
    }
}

/// Sets the kernel option a gen_tcp-level option also is on `backend`
/// (`low_watermark` on `socket`: `SO_RCVLOWAT`), if any.
pub(crate) fn set_kernel_twin(fd: BorrowedFd<'_>, backend: InetBackend, opt: &Opt) -> Result<()> {
    if let (Some(name), Opt::LowWatermark(n)) = (opt.name(), opt) {
        if let Some((level, option)) = super::sock_opts::kernel_twin(backend, &name) {
            let n = i32::try_from(*n).unwrap_or(i32::MAX);
            sockopt::set_raw(fd, level, option, &n.to_ne_bytes())?;
        }
    }
    Ok(())
}

/// `inet` answers `einval` where the kernel has no such option for the
/// socket's family (`tclass` on IPv4: `enoprotoopt`), in `setopts` as in
/// `listen`; `socket` passes the kernel's reason on. A `raw` option always
/// gets the kernel's reason.
pub(crate) fn kernel_refusal(backend: InetBackend, opt: &Opt, e: Error) -> Error {
    match (backend, opt, &e) {
        (_, Opt::Raw { .. }, _) => e,
        (InetBackend::Inet, _, Error::Posix(libc::ENOPROTOOPT)) => Error::Einval,
        _ => e,
    }
}

/// The order in which a backend applies a `setopts` list: `socket` in
/// order; OTP 25's `inet` from the last element to the first, so that of
/// an option given twice the FIRST value stays (`[{packet, 2}, {packet,
/// tpkt}]` reads back 2) and couplings run backwards (`[{low_watermark,
/// 9000}, {high_watermark, 100}]` leaves both at 9000).
/// (No allocation: `setopts(S, [{active, once}])` is on a hot path.)
fn in_setopts_order(backend: InetBackend, list: &[Opt]) -> impl Iterator<Item = &Opt> + '_ {
    let n = list.len();
    (0..n).map(move |i| match backend {
        InetBackend::Inet => &list[n - 1 - i],
        InetBackend::Socket => &list[i],
    })
}

/// The order in which a backend applies the options of `listen` and
/// `connect`: `socket` in order; OTP 25's `inet` keeps the LAST value of
/// an option given twice (`[{high_watermark, 1}, {high_watermark, 100}]`
/// is 100, coupled once) and applies them from the last to the first.
pub fn in_create_order(backend: InetBackend, list: &[Opt]) -> Vec<&Opt> {
    match backend {
        InetBackend::Socket => list.iter().collect(),
        InetBackend::Inet => {
            let mut seen = Vec::new();
            let mut out = Vec::new();
            for opt in list.iter().rev() {
                match opt.name() {
                    Some(name) if !matches!(name, OptName::Raw { .. }) => {
                        if !seen.contains(&name) {
                            seen.push(name);
                            out.push(opt);
                        }
                    }
                    _ => out.push(opt),
                }
            }
            out
        }
    }
}

/// The reason `listen`/`connect` answer when the kernel refuses `opt`
/// (`e`) on a new socket: as `setopts` ([`kernel_refusal`]), except that
/// OTP 25's `gen_tcp:connect` on `inet` turns `einval` into
/// `exit(badarg)` (`tclass` on IPv4), and its `socket` backend refuses
/// `ipv6_v6only` on IPv4 with `badarg` in `connect` (found by otp-diff,
/// `options-ipv6-options-on-ipv4`).
pub(crate) fn create_refusal(backend: InetBackend, opening: Opening, opt: &Opt, e: Error) -> Error {
    let e = kernel_refusal(backend, opt, e);
    match (backend, opening, opt, &e) {
        (InetBackend::Inet, Opening::Connect, _, Error::Einval) => Error::Badarg,
        (InetBackend::Socket, Opening::Connect, Opt::Ipv6V6only(_), Error::Posix(libc::ENOPROTOOPT)) => {
            Error::Badarg
        }
        _ => e,
    }
}

/// `inet:setopts/2` on a socket whose gen_tcp-level options are `opts` and
/// whose descriptor is `fd`, in the backend's order
/// (`in_setopts_order`), each checked before it changes anything. On error, `inet` keeps `opts` as they were; `socket` keeps
/// the options applied before the bad one, as OTP does. The outcome
/// counts what was applied either way.
pub fn setopts(
    fd: BorrowedFd<'_>,
    local: bool,
    opts: &mut SockOpts,
    list: &[Opt],
) -> (SetOutcome, Result<()>) {
    setopts_on(Some(fd), local, opts, list)
}

/// [`setopts`] on a socket whose descriptor is gone (the connection died,
/// the port lives): kernel options are accepted and not set, as OTP 25's
/// `inet_drv` ignores the failing `setsockopt` on a closed descriptor.
pub fn setopts_without_descriptor(
    local: bool,
    opts: &mut SockOpts,
    list: &[Opt],
) -> (SetOutcome, Result<()>) {
    setopts_on(None, local, opts, list)
}

fn setopts_on(
    fd: Option<BorrowedFd<'_>>,
    local: bool,
    opts: &mut SockOpts,
    list: &[Opt],
) -> (SetOutcome, Result<()>) {
    // Both OTP 25 backends stop at the first option refused and keep what
    // was set before it (inet in its order, from the end of the list):
    // `[{ipv6_v6only, false}, {header, 1}]` on an IPv4 inet socket answers
    // `einval` with `header` 1 (otp-diff, seed 2001).
    let mut outcome = SetOutcome::default();
    for opt in in_setopts_order(opts.backend, list) {
        match apply_one(fd, local, opts, opt) {
            Ok(passive) => outcome.passive_messages += usize::from(passive),
            Err(e) => return (outcome, Err(e)),
        }
    }
    (outcome, Ok(()))
}

/// The gen_tcp-level options a new socket of `backend` starts with, from
/// the options given to `listen`/`connect` (kernel options are set by
/// [`crate::open`] before the descriptor is bound or connected).
pub fn initial(backend: InetBackend, list: &[Opt]) -> Result<SockOpts> {
    let mut o = SockOpts::defaults(backend);
    for opt in in_create_order(backend, list) {
        match opt {
            Opt::Active(a) => o.active = Active::False.set(*a)?.now,
            other => {
                o.apply(other)?;
            }
        }
    }
    Ok(o)
}

/// True when a socket opened with the options `list` (`listen`,
/// `connect`) must tell its owner `{tcp_passive, S}` at once: the last
/// `{active, _}` in the list is `{active, N}` with N =< 0. Both OTP 25
/// backends keep only the last value of an option given to `listen` or
/// `connect`, then set it as `setopts` would (`[{active, -1}, {active, 2}]`
/// sends nothing; `[{active, 0}, {active, 0}]` one message).
///
/// ```
/// use gen_tcp_core::{options::policy::passive_at_open, Active, Opt};
/// assert!(passive_at_open(&[Opt::Active(Active::N(0))]));
/// assert!(!passive_at_open(&[Opt::Active(Active::N(-1)), Opt::Active(Active::N(2))]));
/// assert!(!passive_at_open(&[Opt::Active(Active::False)]));
/// ```
pub fn passive_at_open(list: &[Opt]) -> bool {
    let last = list.iter().rev().find_map(|o| match o {
        Opt::Active(a) => Some(*a),
        _ => None,
    });
    matches!(last, Some(Active::N(n)) if n <= 0)
}

/// `inet:getopts/2`: gen_tcp-level options from `opts`, kernel ones from
/// `fd`. What the kernel cannot report for this socket is left out, as
/// both backends do; `fd` is `None` once the descriptor is gone.
pub fn getopts(
    fd: Option<BorrowedFd<'_>>,
    local: bool,
    opts: &SockOpts,
    names: &[OptName],
) -> Result<Vec<Opt>> {
    let mut out = Vec::new();
    for name in names {
        match get_rule(opts.backend, name, local) {
            GetRule::Refuse(e) => return Err(e),
            GetRule::Omit => continue,
            GetRule::Report => {}
        }
        if let (Some(fd), Some((level, option))) =
            (fd, super::sock_opts::kernel_twin(opts.backend, name))
        {
            if let (Ok(n), OptName::LowWatermark) = (sockopt::get_raw_int(fd, level, option), name) {
                out.push(Opt::LowWatermark(n.max(0) as u32));
                continue;
            }
        }
        if let Some(o) = opts.get(name) {
            out.push(o);
            continue;
        }
        match (name, fd) {
            (OptName::Pktoptions, Some(fd)) if !local => match sockopt::pktoptions(fd) {
                // OTP 25's socket backend leaves it out on IPv6.
                Ok(Some((Family::Inet6, _))) if opts.backend == InetBackend::Socket => {}
                Ok(Some((_, list))) => out.push(Opt::Pktoptions(list)),
                Ok(None) | Err(_) => out.push(Opt::Pktoptions(Vec::new())),
            },
            (OptName::Pktoptions, _) => out.push(Opt::Pktoptions(Vec::new())),
            (_, Some(fd)) => {
                // What the kernel cannot report for this socket is left out.
                if let Ok(o) = sockopt::get(fd, name) {
                    out.extend(o);
                }
            }
            (_, None) => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    fn sock() -> socket2::Socket {
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap()
    }

    #[test]
    fn a_bad_option_keeps_earlier_ones_on_socket_only() {
        let s = sock();
        for (backend, mode_after) in [
            (InetBackend::Inet, crate::Mode::List),
            (InetBackend::Socket, crate::Mode::Binary),
        ] {
            let mut o = SockOpts::defaults(backend);
            let (_, r) = setopts(s.as_fd(), false, &mut o, &[Opt::Binary, Opt::Port(1)]);
            assert_eq!(r, Err(Error::Einval));
            assert_eq!(o.mode, mode_after, "{backend:?}");
        }
    }

    /// OTP 25 (both found by otp-diff): inet applies a setopts list from
    /// its end, so the first of two values stays; socket the last.
    #[test]
    fn an_option_given_twice_in_setopts() {
        let s = sock();
        for (backend, packet, size) in [
            (InetBackend::Inet, crate::PacketType::Two, 10),
            (InetBackend::Socket, crate::PacketType::Tpkt, 3),
        ] {
            let mut o = SockOpts::defaults(backend);
            let list = [
                Opt::Packet(crate::PacketType::Two),
                Opt::Packet(crate::PacketType::Tpkt),
                Opt::PacketSize(10),
                Opt::PacketSize(3),
            ];
            setopts(s.as_fd(), false, &mut o, &list).1.unwrap();
            assert_eq!((o.packet, o.packet_size), (packet, size), "{backend:?}");
        }
        let mut o = SockOpts::defaults(InetBackend::Inet);
        let list = [Opt::LowWatermark(9000), Opt::HighWatermark(100)];
        setopts(s.as_fd(), false, &mut o, &list).1.unwrap();
        assert_eq!((o.low_watermark, o.high_watermark), (9000, 9000));
    }

    /// At open, inet keeps the last value of each option, then applies
    /// them from the end: `[{low_watermark, 9000}, {high_watermark, 100}]`
    /// leaves 9000 and 9000, `[{high_watermark, 1}, {high_watermark, 100}]`
    /// low 100, and `[{recbuf, 8192}, {buffer, 1000}]` buffer 1000.
    #[test]
    fn options_at_open_on_inet() {
        let i = |l: &[Opt]| initial(InetBackend::Inet, l).unwrap();
        let o = i(&[Opt::LowWatermark(9000), Opt::HighWatermark(100)]);
        assert_eq!((o.low_watermark, o.high_watermark), (9000, 9000));
        let o = i(&[Opt::HighWatermark(1), Opt::HighWatermark(100)]);
        assert_eq!((o.low_watermark, o.high_watermark), (100, 100));
        let o = i(&[Opt::Recbuf(8192), Opt::Buffer(1000)]);
        assert_eq!(o.buffer, 1000);
        let o = i(&[Opt::Buffer(1000), Opt::Recbuf(8192)]);
        assert_eq!(o.buffer, 1000);
        let o = i(&[Opt::Recbuf(65536)]);
        assert_eq!(o.buffer, 65536);
    }

    /// OTP 25's socket backend: `low_watermark` is `SO_RCVLOWAT` (no
    /// active message until that many bytes wait); inet's is its own.
    #[test]
    fn low_watermark_is_so_rcvlowat_on_socket_only() {
        for (backend, kernel) in [(InetBackend::Inet, 1), (InetBackend::Socket, 65536)] {
            let s = sock();
            let mut o = SockOpts::defaults(backend);
            let (_, r) = setopts(s.as_fd(), false, &mut o, &[Opt::LowWatermark(65536)]);
            r.unwrap();
            let lowat = sockopt::get_raw_int(s.as_fd(), libc::SOL_SOCKET, libc::SO_RCVLOWAT);
            assert_eq!(lowat, Ok(kernel), "{backend:?}");
            let got = getopts(Some(s.as_fd()), false, &o, &[OptName::LowWatermark]);
            assert_eq!(got, Ok(vec![Opt::LowWatermark(65536)]), "{backend:?}");
        }
    }

    #[test]
    fn without_a_descriptor_kernel_options_are_accepted_and_not_set() {
        let mut o = SockOpts::defaults(InetBackend::Inet);
        let (_, r) = setopts_without_descriptor(false, &mut o, &[Opt::Nodelay(true), Opt::Binary]);
        assert_eq!(r, Ok(()));
        assert_eq!(o.mode, crate::Mode::Binary);
        // What would be refused with a descriptor still is.
        let (_, r) = setopts_without_descriptor(false, &mut o, &[Opt::Port(1)]);
        assert_eq!(r, Err(Error::Einval));
    }

    #[test]
    fn nodelay_on_local_is_the_documented_difference() {
        assert_eq!(
            set_rule(InetBackend::Inet, &Opt::Nodelay(true), true),
            SetRule::Ignore
        );
        assert_eq!(
            set_rule(InetBackend::Socket, &Opt::Nodelay(true), true),
            SetRule::Refuse(Error::Enotsup)
        );
        assert_eq!(
            set_rule(InetBackend::Socket, &Opt::Nodelay(true), false),
            SetRule::Apply
        );
    }

    #[test]
    fn create_only_options_in_setopts() {
        for b in [InetBackend::Inet, InetBackend::Socket] {
            assert_eq!(
                set_rule(b, &Opt::Port(1), false),
                SetRule::Refuse(Error::Einval)
            );
        }
        assert_eq!(
            set_rule(InetBackend::Inet, &Opt::Backlog(1), false),
            SetRule::Refuse(Error::Einval)
        );
        assert_eq!(
            set_rule(InetBackend::Socket, &Opt::Backlog(1), false),
            SetRule::Ignore
        );
    }

    #[test]
    fn getopts_leaves_out_what_a_backend_does_not_report() {
        let s = sock();
        let inet = SockOpts::defaults(InetBackend::Inet);
        let socket = SockOpts::defaults(InetBackend::Socket);
        let names = [OptName::HighWatermark, OptName::Pktoptions, OptName::Tclass];
        assert_eq!(
            getopts(Some(s.as_fd()), false, &inet, &names),
            Ok(vec![Opt::HighWatermark(8192), Opt::Pktoptions(vec![])])
        );
        assert_eq!(
            getopts(Some(s.as_fd()), false, &socket, &names),
            Ok(vec![Opt::Pktoptions(vec![])])
        );
        assert_eq!(
            getopts(Some(s.as_fd()), false, &inet, &[OptName::LineDelimiter]),
            Err(Error::Einval)
        );
    }

    /// A `Size` no option has used to reserve that many bytes (a
    /// `usize::MAX` panicked with capacity overflow); each backend now
    /// bounds it as OTP 25 does (Q18).
    #[test]
    fn raw_sizes_are_bounded_as_each_backend_bounds_them() {
        let s = sock();
        let raw = |size| OptName::Raw {
            level: libc::IPPROTO_TCP,
            name: libc::TCP_NODELAY,
            size,
        };
        let value = |v: Vec<u8>| {
            Ok(vec![Opt::Raw {
                level: libc::IPPROTO_TCP,
                name: libc::TCP_NODELAY,
                value: v,
            }])
        };
        let four = || value(0i32.to_ne_bytes().to_vec());
        let get = |o: &SockOpts, size| getopts(Some(s.as_fd()), false, o, &[raw(size)]);
        let inet = SockOpts::defaults(InetBackend::Inet);
        assert_eq!(get(&inet, 0), value(vec![]));
        assert_eq!(get(&inet, RAW_SIZE_MAX_INET), four());
        assert_eq!(get(&inet, RAW_SIZE_MAX_INET + 1), Err(Error::Einval));
        assert_eq!(get(&inet, usize::MAX), Err(Error::Einval));
        let socket = SockOpts::defaults(InetBackend::Socket);
        assert_eq!(get(&socket, 0), Ok(vec![]));
        assert_eq!(get(&socket, i32::MAX as usize), four());
        assert_eq!(get(&socket, i32::MAX as usize + 1), Ok(vec![]));
        assert_eq!(get(&socket, usize::MAX), Ok(vec![]));
    }

    #[test]
    fn ipv6_options_on_ipv4_are_einval_on_inet_only() {
        let s = sock();
        for (backend, want) in [
            (InetBackend::Inet, Error::Einval),
            (InetBackend::Socket, Error::Posix(libc::ENOPROTOOPT)),
        ] {
            let mut o = SockOpts::defaults(backend);
            let (_, r) = setopts(s.as_fd(), false, &mut o, &[Opt::Tclass(16)]);
            assert_eq!(r, Err(want), "{backend:?}");
        }
        // A raw option gets the kernel's reason on both.
        let mut o = SockOpts::defaults(InetBackend::Inet);
        let raw = Opt::Raw {
            level: libc::IPPROTO_IPV6,
            name: libc::IPV6_TCLASS,
            value: 16i32.to_ne_bytes().to_vec(),
        };
        let (_, r) = setopts(s.as_fd(), false, &mut o, &[raw]);
        assert_eq!(r, Err(Error::Posix(libc::ENOPROTOOPT)));
    }
}
