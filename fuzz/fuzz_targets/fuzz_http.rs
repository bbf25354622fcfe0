//! `{packet, _}` decoders of this family against their guarantee.
#![no_main]

use gen_tcp_core::packet::PacketType::*;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| common::run(&[Http, Httph, HttpBin, HttphBin], data));
