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
//!
//! Both leave out of `getopts` what the kernel cannot report for this
//! socket (`tclass` on IPv4, `nodelay` on a `local` socket).

use super::table;
use super::{Opt, OptName, SockOpts};
use crate::active::Active;
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
    /// An `{active, N}` counter reached 0: the owner is owed `{tcp_passive, S}`.
    pub passive_message: bool,
}

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
                let change = opts.active.set(*a)?;
                opts.active = change.now;
                Ok(change.passive_message)
            }
            o => {
                if !opts.apply(o)? {
                    if let Some(fd) = fd {
                        sockopt::set(fd, o).map_err(|e| kernel_refusal(opts.backend, o, e))?;
                    }
                }
                Ok(false)
            }
        },
    }
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

/// `inet:setopts/2` on a socket whose gen_tcp-level options are `opts` and
/// whose descriptor is `fd`, in order, each checked before it changes
/// anything. On error, `inet` keeps `opts` as they were; `socket` keeps
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
    let mut work = opts.clone();
    let mut outcome = SetOutcome::default();
    let mut committed = SetOutcome::default();
    for opt in list {
        match apply_one(fd, local, &mut work, opt) {
            Ok(passive) => {
                outcome.passive_message |= passive;
                if opts.backend == InetBackend::Socket {
                    *opts = work.clone();
                    committed = outcome;
                }
            }
            Err(e) => return (committed, Err(e)),
        }
    }
    *opts = work;
    (outcome, Ok(()))
}

/// The gen_tcp-level options a new socket of `backend` starts with, from
/// the options given to `listen`/`connect` (kernel options are set by
/// [`crate::open`] before the descriptor is bound or connected).
pub fn initial(backend: InetBackend, list: &[Opt]) -> Result<SockOpts> {
    let mut o = SockOpts::defaults(backend);
    for opt in list {
        match opt {
            Opt::Active(a) => o.active = Active::False.set(*a)?.now,
            other => {
                o.apply(other)?;
            }
        }
    }
    Ok(o)
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
        if let Some(o) = opts.get(name) {
            out.push(o);
            continue;
        }
        match (name, fd) {
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
