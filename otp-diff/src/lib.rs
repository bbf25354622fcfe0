//! otp-diff: random gen_tcp programs run on the BEAM and on this crate,
//! their traces compared.
//!
//! - [`program`]: the step language (`LANGUAGE.md`), one text format both
//!   interpreters parse.
//! - [`term`]: Erlang terms: the arguments of steps, and the printer of the
//!   normalised traces both interpreters share.
//! - [`run`]: the Rust interpreter over the public `gen_tcp` API
//!   ([`convert`] maps terms to options and results back to terms,
//!   [`peer`] is the plain TCP peer). `otp/run.escript` is the OTP one.
//! - [`otp`]: drives the escript (many programs per BEAM start).
//! - [`gen`]: the seeded generator, which favours where two things meet.
//! - [`diff`]: comparing traces, signatures, and the minimiser.
//! - [`corpus`]: recorded programs with OTP's traces, replayed by `cargo test`.
#![warn(missing_docs)]

pub mod convert;
pub mod corpus;
pub mod diff;
pub mod gen;
pub mod otp;
pub mod peer;
pub mod program;
pub mod rng;
pub mod run;
pub mod term;
