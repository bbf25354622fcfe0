//! OTP's spellings where Rust's types merged two of them.
//!
//! `getopts` answers one Rust value where OTP's backends print different
//! terms for it: OTP's `socket` backend answers `{packet, raw}` where
//! `inet` answers `{packet, 0}` (both [`PacketType::Raw`]), and reads
//! `tos` back as `socket:getopt/2` names it (`{tos, lowdelay}` for 16)
//! where `inet` answers the number. [`Opt::otp_atom`] gives the atom a
//! backend prints, so that a caller that shows options to Erlang users
//! (a log, a shell, a differential test) can print OTP's term.

use super::Opt;
use crate::backend::InetBackend;
use crate::packet::PacketType;

/// The names `socket:getopt(S, {ip, tos})` gives (`IPTOS_LOWDELAY`, ...).
const TOS_NAMES: [(u32, &str); 4] = [
    (0x10, "lowdelay"),
    (0x08, "throughput"),
    (0x04, "reliability"),
    (0x02, "mincost"),
];

impl Opt {
    /// The atom OTP 25's `backend` prints for this option's value in
    /// `getopts`' answer where the Rust value is a number or a variant
    /// that stands for two spellings; `None` where OTP prints the value
    /// as the Rust value says.
    ///
    /// - `{packet, raw}` for [`PacketType::Raw`] on `socket`, its default
    ///   spelling. (After an explicit `{packet, 0}` OTP's `socket` backend
    ///   answers `0`; a Rust caller cannot say which spelling it set.)
    /// - `{tos, lowdelay | throughput | reliability | mincost}` for 16,
    ///   8, 4 and 2 on `socket`.
    ///
    /// ```
    /// use gen_tcp_core::{InetBackend, Opt, PacketType};
    /// assert_eq!(Opt::Tos(16).otp_atom(InetBackend::Socket), Some("lowdelay"));
    /// assert_eq!(Opt::Tos(16).otp_atom(InetBackend::Inet), None);
    /// assert_eq!(Opt::Tos(32).otp_atom(InetBackend::Socket), None);
    /// assert_eq!(Opt::Packet(PacketType::Raw).otp_atom(InetBackend::Socket), Some("raw"));
    /// ```
    pub fn otp_atom(&self, backend: InetBackend) -> Option<&'static str> {
        match (backend, self) {
            (InetBackend::Inet, _) => None,
            (InetBackend::Socket, Opt::Packet(PacketType::Raw)) => Some("raw"),
            (InetBackend::Socket, Opt::Tos(n)) => TOS_NAMES
                .iter()
                .find(|(v, _)| v == n)
                .map(|(_, name)| *name),
            _ => None,
        }
    }
}
