//! The shared core of gen_tcp: what both backends use, written once.
//!
//! - [`process`]: processes (threads) with mailboxes, `self_pid`, `spawn`,
//!   selective `receive`: the ownership model of gen_tcp.
//! - [`error`]: [`Error`], reasons with Erlang's names.
//! - [`options`]: [`Opt`], one variant per gen_tcp option, and their state.
//! - [`active`]: `{active, N}` counting.
//! - [`packet`]: `{packet, Type}` framing, pure decoders.
//! - [`inbound`]: received bytes waiting to make a packet.
//! - [`socket`]: the [`Socket`] handle and the [`Port`] trait backends implement.
//! - [`open`]: creating, binding, listening and connecting descriptors.
//! - [`sockopt`]: kernel socket options.
//! - [`descriptor`]: the [`Descriptor`] that owns a socket's descriptor,
//!   and the system calls made on it.
//! - [`reactor`]: the event loop threads both backends share.
//! - [`sys`]: deadlines and the raw system calls, private to this crate.
#![warn(missing_docs)]
// `syscall!` is the one unsafe boundary for libc calls, as mio's macro is;
// its callers pass plain values, not unsafe code.
#![allow(clippy::macro_metavars_in_unsafe)]

pub mod active;
pub mod addr;
pub mod backend;
pub mod data;
pub mod deliver;
pub mod descriptor;
pub mod error;
pub mod inbound;
pub mod open;
pub mod options;
pub mod packet;
pub mod process;
pub mod reactor;
pub mod socket;
pub mod sockopt;
pub mod stats;
pub mod sys;

// The crate's one way to call libc, at the root as before, for the crate only.
pub(crate) use sys::syscall;

pub use active::Active;
pub use addr::{Address, Family, SockAddr};
pub use backend::{default_backend, set_default_backend, InetBackend, BACKEND_ENV};
pub use data::{Data, IoData};
pub use descriptor::{Block, Descriptor};
pub use error::{Error, Result};
pub use options::{CreateOpts, Deliver, Ifaddr, Mode, Opt, OptName, SockOpts};
pub use packet::{HttpPacket, PacketType};
pub use process::{Message, Pid};
pub use socket::{Owner, Port, Shutdown, Socket, SocketId};
pub use stats::{Counters, Stat};
