//! The shared core of gen_tcp: what both backends use, written once.
//!
//! Applications use the `gen_tcp` crate, which re-exports the types of
//! this crate that a user sees. This crate is for the backends: [`port`]
//! is what a backend implements and how it hands sockets to users; the
//! other modules are the pieces both backends share.
//!
//! Linux only: it uses Linux system calls and socket options throughout
//! (`accept4`, `SO_BINDTODEVICE`, `setns`, abstract `local` addresses).
//!
//! - [`process`]: processes (threads) with mailboxes, `self_pid`, `spawn`,
//!   selective `receive`, a mailbox read as a channel: the ownership
//!   model of gen_tcp.
//! - [`error`]: [`Error`], reasons with Erlang's names.
//! - [`options`]: [`Opt`], one variant per gen_tcp option, generated with
//!   everything else about options from one table ([`options::table`]).
//! - [`active`]: `{active, N}` counting.
//! - [`packet`]: `{packet, Type}` framing, pure decoders.
//! - [`inbound`]: received bytes waiting to make a packet.
//! - [`socket`]: the [`Socket`] handle users hold.
//! - [`interop`]: giving a socket's descriptor back to std
//!   ([`Socket::into_std`]).
//! - [`port`]: the extension API: the [`port::Port`] trait backends
//!   implement, the [`port::Owner`] of a socket, making a [`Socket`].
//! - [`open`]: creating, binding, listening and connecting descriptors.
//! - [`acceptors`]: the processes waiting in `accept` on a listen socket,
//!   served in arrival order.
//! - [`sockopt`]: kernel socket options.
//! - [`observe`]: every live socket (`inet:i()`), `{debug, true}` traces
//!   and the drivers' own figures.
//! - [`descriptor`]: the [`Descriptor`] that owns a socket's descriptor,
//!   and the system calls made on it.
//! - [`reactor`]: the event loop threads both backends share.
//! - [`sys`]: deadlines and the raw system calls, private to this crate.
#![deny(missing_docs)]
// `syscall!` is the one unsafe boundary for libc calls, as mio's macro is;
// its callers pass plain values, not unsafe code.
#![allow(clippy::macro_metavars_in_unsafe)]

#[cfg(not(target_os = "linux"))]
compile_error!(
    "gen_tcp supports Linux only: it is built on Linux system calls and socket options \
     (accept4, SO_BINDTODEVICE, setns, abstract unix addresses)"
);

/// Compiles the items only on Linux, so that elsewhere the one error is
/// the `compile_error!` above, not a page of missing `libc` names.
macro_rules! linux_only {
    ($($item:item)*) => { $( #[cfg(target_os = "linux")] $item )* };
}

#[cfg(target_os = "linux")]
pub mod sys;

// The crate's one way to call libc, for the crate only.
#[cfg(target_os = "linux")]
pub(crate) use sys::syscall;

linux_only! {
    pub mod acceptors;
    pub mod active;
    pub mod addr;
    pub mod backend;
    pub mod data;
    pub mod deliver;
    pub mod descriptor;
    pub mod error;
    pub mod inbound;
    pub mod interop;
    pub mod observe;
    pub mod open;
    pub mod options;
    pub mod packet;
    pub mod port;
    pub mod process;
    pub mod reactor;
    pub mod socket;
    pub mod sockopt;
    pub mod stats;

    pub use active::Active;
    pub use addr::{Address, Family, SockAddr};
    pub use backend::{default_backend, set_default_backend, InetBackend, BACKEND_ENV};
    pub use data::{Data, IoData};
    pub use descriptor::{Block, Descriptor};
    pub use error::{Error, Result};
    pub use interop::{IntoStdError, StdSocket};
    pub use observe::{driver_stats, sockets, Column, DriverStats, SocketInfo, Sockets, Status};
    pub use options::{
        CreateOpts, Deliver, Fd, Ifaddr, Mode, Opening, Opt, OptName, SockOpts, TypedOpts,
    };
    pub use packet::{HttpPacket, PacketType};
    pub use process::{mailbox_channel, Message, Pid};
    pub use socket::{Shutdown, Socket, SocketId};
    pub use stats::{Counters, Stat};
}
