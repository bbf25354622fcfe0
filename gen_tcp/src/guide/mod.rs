//! The guide: gen_tcp for a Rust programmer who knows `std::net`, tokio,
//! mio or socket2, and for an Erlang programmer who knows gen_tcp.
//!
//! 1. [`life_of_a_socket`]: who owns a socket, what `Drop` does, why an
//!    active socket outlives its last handle, why a socket dies with the
//!    thread that controls it and how to hand it over; side by side with
//!    `std::net` and tokio.
//! 2. [`choosing_a_backend`]: `inet` or `socket`, per socket or for the
//!    whole program, and what differs.
//! 3. [`processes`]: processes, mailboxes, active modes and flow
//!    control; a mailbox in a `select!` beside timers and channels;
//!    blocking calls from async code.
//! 4. [`porting_from_erlang`]: an Erlang module ported line by line, and
//!    a table from Erlang terms to Rust values.
//! 5. [`observing_sockets`]: every live socket as `inet:i()` shows it,
//!    `{debug, true}` traces, and the drivers' own figures.
//! 6. [`std_and_fd_interop`]: sockets into gen_tcp from std and out to
//!    std or tokio, nothing lost; clones against `try_clone`.
//!
//! Every example in these pages runs as a test (`cargo test --doc`), on
//! loopback, with every wait bounded.

#[doc = include_str!("life_of_a_socket.md")]
pub mod life_of_a_socket {}

#[doc = include_str!("choosing_a_backend.md")]
pub mod choosing_a_backend {}

#[doc = include_str!("processes.md")]
pub mod processes {}

#[doc = include_str!("porting_from_erlang.md")]
pub mod porting_from_erlang {}

#[doc = include_str!("observing_sockets.md")]
pub mod observing_sockets {}

#[doc = include_str!("std_and_fd_interop.md")]
pub mod std_and_fd_interop {}
