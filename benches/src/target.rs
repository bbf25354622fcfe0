//! What a row runs on: the `std::net` baseline, a gen_tcp backend, or
//! Erlang/OTP's own gen_tcp on one of its backends.

use gen_tcp::{InetBackend, Opt};
use std::fmt;

/// The implementation a row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Blocking `std::net::TcpStream`, a thread per side: the baseline.
    Std,
    /// The same work on non-blocking mio sockets, each side an event loop
    /// (`epoll`): the floor an event loop has, beside std's.
    Mio,
    /// gen_tcp on one of its backends.
    GenTcp(InetBackend),
    /// Erlang/OTP's gen_tcp with `{inet_backend, B}`, in a BEAM started
    /// by [`crate::otp`].
    Otp(InetBackend),
}

impl Target {
    /// Every target, baseline first.
    pub const ALL: [Target; 3] = [
        Target::Std,
        Target::GenTcp(InetBackend::Socket),
        Target::GenTcp(InetBackend::Inet),
    ];

    /// [`Target::ALL`], then OTP's two backends in the same order.
    pub const WITH_OTP: [Target; 5] = [
        Target::Std,
        Target::GenTcp(InetBackend::Socket),
        Target::GenTcp(InetBackend::Inet),
        Target::Otp(InetBackend::Socket),
        Target::Otp(InetBackend::Inet),
    ];

    /// [`Target::WITH_OTP`] with the mio row after std's.
    pub const WITH_MIO_AND_OTP: [Target; 6] = [
        Target::Std,
        Target::Mio,
        Target::GenTcp(InetBackend::Socket),
        Target::GenTcp(InetBackend::Inet),
        Target::Otp(InetBackend::Socket),
        Target::Otp(InetBackend::Inet),
    ];

    /// `std`, `mio`, `socket`, `inet`, `otp socket` or `otp inet`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Std => "std",
            Target::Mio => "mio",
            Target::GenTcp(b) => b.name(),
            Target::Otp(InetBackend::Socket) => "otp socket",
            Target::Otp(InetBackend::Inet) => "otp inet",
        }
    }

    /// Parses what [`Target::name`] gives.
    pub fn from_name(name: &str) -> Option<Target> {
        match name.strip_prefix("otp ") {
            Some(b) => InetBackend::from_name(b).map(Target::Otp),
            None if name == "std" => Some(Target::Std),
            None if name == "mio" => Some(Target::Mio),
            None => InetBackend::from_name(name).map(Target::GenTcp),
        }
    }

    /// Why a section has no row for this target.
    pub fn not_measured(self, section: &str) -> String {
        format!("{section} has no {self} row")
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `[{inet_backend, B} | rest]`: the backend option must come first.
pub fn with_backend(backend: InetBackend, rest: &[Opt]) -> Vec<Opt> {
    let mut opts = Vec::with_capacity(rest.len() + 1);
    opts.push(Opt::InetBackend(backend));
    opts.extend_from_slice(rest);
    opts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for t in Target::WITH_MIO_AND_OTP {
            assert_eq!(Target::from_name(t.name()), Some(t));
        }
        assert_eq!(Target::from_name("otp std"), None);
        assert_eq!(Target::from_name("otp"), None);
        assert_eq!(Target::from_name("otp mio"), None);
    }
}
