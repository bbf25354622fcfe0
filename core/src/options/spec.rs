//! The option table as data: for each option, what OTP 25 answers on
//! Linux (`docs/otp-answers.md`, Q1 for defaults, Q17 for round trips),
//! per backend. The conformance suite runs one scenario per row on both
//! backends from [`all`]; the values come from the table in
//! [`super::table`], the same rows that drive the code.

use super::policy::GetRule;
use super::{Opt, OptName};
use crate::error::Error;

/// Where an option lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptKind {
    /// gen_tcp keeps it per socket ([`SockOpts`](super::SockOpts)).
    Field,
    /// A kernel socket option: `setsockopt(fd, level, option, ...)`.
    Kernel {
        /// `SOL_SOCKET`, `IPPROTO_TCP`, ...
        level: i32,
        /// `SO_KEEPALIVE`, `TCP_NODELAY`, ...
        option: i32,
    },
}

/// What `getopts(S, [Name])` answers on a new socket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reported {
    /// `{ok, [Value]}`.
    Value(Opt),
    /// `{ok, []}`: the backend (or the kernel, for this family) does not report it.
    Omitted,
    /// `{error, Reason}`.
    Refused(Error),
    /// `{ok, [N]}` with N > 0 chosen by the kernel (`recbuf`, `sndbuf`).
    Positive,
}

impl Reported {
    /// The answer for a value kept by gen_tcp, under a `getopts` rule.
    pub(crate) fn of(rule: &GetRule, value: Opt) -> Reported {
        match rule {
            GetRule::Report => Reported::Value(value),
            GetRule::Omit => Reported::Omitted,
            GetRule::Refuse(e) => Reported::Refused(e.clone()),
        }
    }
}

/// What OTP answers to `setopts(S, [Sample])` then `getopts(S, [Name])`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// `ok`, then `{ok, [Sample]}`.
    Same,
    /// `ok`, then `{ok, [This]}`.
    Reads(Opt),
    /// `ok`, then `{ok, []}`: the backend does not report it.
    Omitted,
    /// `ok`, then `{error, Reason}`.
    GetFails(Error),
    /// `{error, Reason}`.
    SetFails(Error),
    /// `ok`, then a kernel size at least the one set (Linux doubles it).
    AtLeast,
    /// `ok`; the value read back is the platform's (Windows-only options).
    Accepted,
    /// As `Same`, or `setopts` answers this reason without the privilege
    /// the option needs (`bind_to_device` needs `CAP_NET_RAW`).
    SameUnless(Error),
}

/// One row of the option table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptSpec {
    /// The option.
    pub name: OptName,
    /// gen_tcp-level or kernel.
    pub kind: OptKind,
    /// What `getopts` answers on a new IPv4 socket, `[inet, socket]`.
    pub default: [Reported; 2],
    /// The value the round trip sets.
    pub sample: Opt,
    /// What OTP answers to the round trip, `[inet, socket]`.
    pub round_trip: [Answer; 2],
}

/// Every row of the table, in its order.
///
/// ```
/// use gen_tcp_core::options::spec::{self, Reported};
/// use gen_tcp_core::{Opt, OptName};
/// let buffer = spec::all().into_iter().find(|s| s.name == OptName::Buffer).unwrap();
/// assert_eq!(
///     buffer.default,
///     [Reported::Value(Opt::Buffer(1460)), Reported::Value(Opt::Buffer(8192))]
/// );
/// ```
pub fn all() -> Vec<OptSpec> {
    super::table::specs()
}
