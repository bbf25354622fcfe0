//! `{debug, true}`: a trace of every call on the socket, as OTP prints
//! one (the `inet` driver per driver command, `INET-DRV-DBG[..][Port,
//! Owner] ...`; the `socket` backend per NIF call, `SOCKET [..] ...`).
//!
//! Here each call on a socket whose `debug` option is true makes one
//! record through the [`log`] facade, at level `debug`, with target
//! [`TARGET`] (`gen_tcp`): the socket's owner, the call as Erlang writes
//! it, with sizes in place of data, and its result:
//!
//! ```text
//! <0.1.0> gen_tcp:send(#Port<0.7>, <<5 bytes>>) -> ok
//! <0.1.0> gen_tcp:recv(#Port<0.7>, 0, 5000) -> {ok, <<5 bytes>>}
//! <0.1.0> inet:setopts(#Port<0.7>, [Active(Once)]) -> ok
//! <0.1.0> gen_tcp:accept(#Socket<3>, infinity) -> {ok, #Socket<9>}
//! ```
//!
//! With the `tracing` feature, the records are `tracing` events instead
//! (same target and level, the line in the message, the socket and owner
//! as fields).
//!
//! A socket with `debug` false pays one relaxed atomic load per call.
//! The flag follows the option: `{debug, true}` given to `listen` or
//! `connect`, or set with `setopts`; an accepted socket inherits it on
//! the `socket` backend and not on `inet`, as in OTP 25.

use crate::data::Data;
use crate::error::{Error, Result};
use crate::options::Opt;
use crate::socket::Socket;
use crate::stats::Stat;
use crate::SockAddr;
use std::fmt;
use std::time::Duration;

/// The target of the trace records: `gen_tcp`.
///
/// ```
/// assert_eq!(gen_tcp_core::observe::trace::TARGET, "gen_tcp");
/// ```
pub const TARGET: &str = "gen_tcp";

/// Records a call on `socket` (which traces): `call` as Erlang writes
/// it, then its result.
pub(crate) fn call<T: Shown + ?Sized>(
    socket: &Socket,
    call: fmt::Arguments<'_>,
    result: Result<&T, &Error>,
) {
    emit(socket, call, &Outcome(result));
}

/// Records the call that made `socket` (`gen_tcp:listen(..)`,
/// `gen_tcp:connect(..)`), if the socket traces: for a front end, which
/// makes sockets through a backend and knows the call.
///
/// ```
/// # use gen_tcp_core::{Socket, observe::trace};
/// # fn f(s: &Socket) {
/// trace::opened(s, format_args!("gen_tcp:listen({}, {} options)", 0, 2));
/// # }
/// ```
pub fn opened(socket: &Socket, call: fmt::Arguments<'_>) {
    if socket.tracing() {
        emit(socket, call, &Outcome(Ok::<_, &Error>(socket)));
    }
}

#[cold]
fn emit(socket: &Socket, call: fmt::Arguments<'_>, result: &dyn fmt::Display) {
    let owner = socket.owner();
    #[cfg(not(feature = "tracing"))]
    log::debug!(target: TARGET, "{owner} {call} -> {result}");
    #[cfg(feature = "tracing")]
    tracing::debug!(
        target: TARGET,
        socket = socket.id().get(),
        owner = %owner,
        "{owner} {call} -> {result}"
    );
}

/// A call's timeout as Erlang writes it: milliseconds or `infinity`.
pub(crate) struct Timeout(pub(crate) Option<Duration>);

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("infinity"),
            Some(t) => write!(f, "{}", t.as_millis()),
        }
    }
}

/// A size in place of the data: `<<5 bytes>>`.
pub(crate) struct Size(pub(crate) usize);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<<{} bytes>>", self.0)
    }
}

/// How a successful result shows in a trace (no payload, only sizes).
pub(crate) trait Shown {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// `ok` alone rather than `{ok, Value}`.
    fn bare_ok(&self) -> bool {
        false
    }
}

impl Shown for () {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ok")
    }
    fn bare_ok(&self) -> bool {
        true
    }
}

impl Shown for Data {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Data::Http(_) => f.write_str("{http, ..}"),
            d => fmt::Display::fmt(&Size(d.len()), f),
        }
    }
}

impl Shown for Socket {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Shown for SockAddr {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Shown for usize {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Shown for Vec<Opt> {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Shown for Vec<(Stat, u64)> {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, (stat, n)) in self.iter().enumerate() {
            let sep = if i > 0 { "," } else { "" };
            write!(f, "{sep}{{{},{n}}}", stat.erlang_name())?;
        }
        f.write_str("]")
    }
}

/// `ok`, `{ok, Value}` or `{error, Reason}`.
struct Outcome<'a, T: ?Sized>(Result<&'a T, &'a Error>);

impl<T: Shown + ?Sized> fmt::Display for Outcome<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(v) if v.bare_ok() => v.show(f),
            Ok(v) => {
                f.write_str("{ok, ")?;
                v.show(f)?;
                f.write_str("}")
            }
            // `Error`'s `Display` is the Erlang reason, with only the size
            // of `{timeout, RestData}`'s data.
            Err(e) => write!(f, "{{error, {e}}}"),
        }
    }
}
