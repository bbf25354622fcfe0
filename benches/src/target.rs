//! What a row runs on: the `std::net` baseline or a gen_tcp backend.

use gen_tcp::{InetBackend, Opt};
use std::fmt;

/// The implementation a row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Blocking `std::net::TcpStream`, a thread per side: the baseline.
    Std,
    /// gen_tcp on one of its backends.
    GenTcp(InetBackend),
}

impl Target {
    /// Every target, baseline first.
    pub const ALL: [Target; 3] = [
        Target::Std,
        Target::GenTcp(InetBackend::Socket),
        Target::GenTcp(InetBackend::Inet),
    ];

    /// `std`, `socket` or `inet`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Std => "std",
            Target::GenTcp(b) => b.name(),
        }
    }

    /// Parses what [`Target::name`] gives.
    pub fn from_name(name: &str) -> Option<Target> {
        match name {
            "std" => Some(Target::Std),
            other => InetBackend::from_name(other).map(Target::GenTcp),
        }
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
