//! A socket's state, as OTP names it: the flags of
//! `prim_inet:getstatus/1` (`[connected, open]`, `[accepting, listen,
//! open]`, ...) and the `State` column `inet:i()` makes of them
//! (`CONNECTED(O)`, `ACCEPTING`, `LN:O`, ...).

use std::fmt;
use std::ops::BitOr;

/// The state flags of a socket, the atoms `prim_inet:getstatus/1`
/// answers; printed (`Display`) as the `State` column of `inet:i()`.
///
/// A backend says which flags hold ([`crate::port::Port::status`]); core
/// adds `accepting` while a thread waits in `accept`. A closed socket has
/// none.
///
/// ```
/// use gen_tcp_core::observe::Status;
/// let s = Status::CONNECTED | Status::OPEN;
/// assert_eq!(s.to_string(), "CONNECTED(O)"); // what inet:i() prints
/// assert_eq!(format!("{s:?}"), "[connected,open]"); // what getstatus answers
/// assert_eq!((Status::LISTEN | Status::OPEN).to_string(), "LN:O");
/// assert_eq!((Status::ACCEPTING | Status::LISTEN | Status::OPEN).to_string(), "ACCEPTING");
/// assert_eq!(Status::CLOSED.to_string(), "CLOSED");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Status(u16);

/// The flags, in the order Erlang sorts their atoms (`inet:i()` matches
/// on the sorted list), with the abbreviation it prints for each.
const FLAGS: [(Status, &str, &str); 9] = [
    (Status::ACCEPTING, "accepting", "A"),
    (Status::BOUND, "bound", "BD"),
    (Status::BUSY, "busy", "BY"),
    (Status::CONNECTED, "connected", "CD"),
    (Status::CONNECTING, "connecting", "CG"),
    (Status::LISTEN, "listen", "LN"),
    (Status::LISTENING, "listening", "LG"),
    (Status::OPEN, "open", "O"),
    (Status::SELECTED, "selected", "SD"),
];

impl Status {
    /// No flag: the socket is closed.
    pub const CLOSED: Status = Status(0);
    /// `accepting`: a thread waits in `accept` on this listen socket.
    pub const ACCEPTING: Status = Status(1);
    /// `bound`: bound to a local address.
    pub const BOUND: Status = Status(1 << 1);
    /// `busy`: the output queue is over `high_watermark` (`inet`).
    pub const BUSY: Status = Status(1 << 2);
    /// `connected`.
    pub const CONNECTED: Status = Status(1 << 3);
    /// `connecting`: a connect is in progress.
    pub const CONNECTING: Status = Status(1 << 4);
    /// `listen`: a listen socket.
    pub const LISTEN: Status = Status(1 << 5);
    /// `listening`: as OTP's `socket` backend names a listen socket.
    pub const LISTENING: Status = Status(1 << 6);
    /// `open`: not closed.
    pub const OPEN: Status = Status(1 << 7);
    /// `selected`: waiting for readiness (OTP's `socket` backend).
    pub const SELECTED: Status = Status(1 << 8);

    /// True when every flag of `other` is set here.
    ///
    /// ```
    /// use gen_tcp_core::observe::Status;
    /// assert!((Status::LISTEN | Status::OPEN).contains(Status::LISTEN));
    /// assert!(!Status::OPEN.contains(Status::LISTEN));
    /// ```
    pub fn contains(self, other: Status) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when no flag is set: the socket is closed.
    ///
    /// ```
    /// assert!(gen_tcp_core::observe::Status::CLOSED.is_closed());
    /// ```
    pub fn is_closed(self) -> bool {
        self.0 == 0
    }

    /// The flags' Erlang names, sorted as Erlang sorts them.
    ///
    /// ```
    /// use gen_tcp_core::observe::Status;
    /// let names: Vec<_> = (Status::OPEN | Status::LISTEN).names().collect();
    /// assert_eq!(names, ["listen", "open"]);
    /// ```
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        FLAGS
            .into_iter()
            .filter(move |(f, _, _)| self.contains(*f))
            .map(|(_, name, _)| name)
    }
}

impl BitOr for Status {
    type Output = Status;
    fn bitor(self, other: Status) -> Status {
        Status(self.0 | other.0)
    }
}

/// `[connected,open]`, as `prim_inet:getstatus/1` answers.
impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        f.write_str("]")
    }
}

/// What `inet:i()` prints in its `State` column (`fmt_status/1` in
/// OTP's `inet.erl`): a name for the common sets of flags, else the
/// flags' abbreviations joined by `:`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        let starts = |prefix: &[&str]| names.starts_with(prefix);
        let name = match names.as_slice() {
            _ if starts(&["accepting"]) => "ACCEPTING",
            _ if starts(&["bound", "busy", "connected"]) => "CONNECTED(BB)",
            _ if starts(&["bound", "connected"]) => "CONNECTED(B)",
            _ if starts(&["bound", "listen", "listening"]) => "LISTENING",
            _ if starts(&["bound", "listen"]) => "LISTEN",
            _ if starts(&["bound", "connecting"]) => "CONNECTING",
            ["bound", "open"] => "BOUND",
            ["connected", "open"] => "CONNECTED(O)",
            ["open"] => "IDLE",
            [] => "CLOSED",
            _ => {
                let abbreviations = FLAGS
                    .iter()
                    .filter(|(flag, _, _)| self.contains(*flag))
                    .map(|(_, _, short)| *short);
                for (i, short) in abbreviations.enumerate() {
                    if i > 0 {
                        f.write_str(":")?;
                    }
                    f.write_str(short)?;
                }
                return Ok(());
            }
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The states OTP 25 showed in `inet:i()` (inet backend: listening,
    /// accepting, connected; socket backend: `CD:SD` for an active
    /// connection) and the named cases of `fmt_status/1`.
    #[test]
    fn states_print_as_inet_i_prints_them() {
        use Status as S;
        let cases = [
            (S::LISTEN | S::OPEN, "LN:O"),
            (S::ACCEPTING | S::LISTEN | S::OPEN, "ACCEPTING"),
            (S::CONNECTED | S::OPEN, "CONNECTED(O)"),
            (S::CONNECTED | S::SELECTED, "CD:SD"),
            (S::BOUND | S::LISTENING, "BD:LG"),
            (S::BOUND | S::BUSY | S::CONNECTED | S::OPEN, "CONNECTED(BB)"),
            (S::BOUND | S::CONNECTED | S::OPEN, "CONNECTED(B)"),
            (S::BOUND | S::LISTEN | S::LISTENING, "LISTENING"),
            (S::BOUND | S::LISTEN | S::OPEN, "LISTEN"),
            (S::BOUND | S::CONNECTING | S::OPEN, "CONNECTING"),
            (S::BOUND | S::OPEN, "BOUND"),
            (S::OPEN, "IDLE"),
            (S::CLOSED, "CLOSED"),
            (S::BUSY | S::OPEN, "BY:O"),
        ];
        for (status, shown) in cases {
            assert_eq!(status.to_string(), shown, "{status:?}");
        }
    }
}
