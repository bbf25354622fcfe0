//! Watching sockets: what OTP shows with `inet:i()` and `{debug, true}`,
//! and the drivers' own figures.
//!
//! - `registry`: every live socket, registered where a socket is made
//!   ([`crate::port::SocketExt::new`]) and removed when it is dropped.
//! - [`status`]: a socket's state flags, as `prim_inet:getstatus/1` names
//!   them, and the `State` column `inet:i()` makes of them.
//! - [`info`]: [`sockets`], one [`SocketInfo`] per live socket, and the
//!   table `inet:i()` prints ([`Sockets`], [`Column`]).
//! - [`trace`]: `{debug, true}`: one line per call on the socket, through
//!   the `log` facade.
//! - [`driver`]: [`DriverStats`], figures an event loop reports about
//!   itself (registered sockets, queued bytes, wake-ups).
//!
//! What core keeps per socket for these (the debug flag, the number of
//! threads in `accept`, the registry entry) lives in the socket's
//! [`Owner`](crate::port::Owner), the one piece of core every port holds,
//! so that no backend has to keep it.

pub mod driver;
pub mod info;
pub(crate) mod registry;
pub mod status;
pub mod trace;
mod watch;

pub use driver::{driver_stats, DriverStats};
pub use info::{sockets, Column, SocketInfo, Sockets};
pub use status::Status;
pub(crate) use watch::Watch;
