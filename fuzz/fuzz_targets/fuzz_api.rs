//! The whole API on a connected pair, both backends: the input is a
//! sequence of calls (`setopts` of any option with any value, `send`,
//! `recv` and `Read` with small timeouts, active messages, `shutdown`,
//! `close`, `controlling_process`, `getopts`, `getstat`) and of the peer's
//! actions (send bytes, read, half-close, reset, stop reading). No panic,
//! no hang, every error an Erlang reason, the peer's bytes received in
//! order or an error reported (`gen_tcp_stress::api`, which the stress
//! suite also runs on seeded inputs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| gen_tcp_stress::api::run(data));
