//! Helpers shared by the decoders' table-driven tests.

use std::ops::Range;

use super::{decode, DecodeError, Decoded, FrameConfig, PacketType};

/// An expected answer, written compactly so that tables stay one row a case.
#[derive(Debug, Clone)]
pub(super) enum Exp {
    /// `Packet { consumed, body }`.
    P(usize, Range<usize>),
    /// `More(..)`.
    M(Option<usize>),
    /// Any `Error(..)`: `erlang:decode_packet/3` says `{error, invalid}` for
    /// every kind, so tables copied from OTP do not tell them apart.
    E,
}

pub(super) use Exp::{E, M, P};

/// A row: input, `packet_size`, `line_length` (our `trunc_len`), expected.
pub(super) type Row = (&'static [u8], u32, u32, Exp);

/// The configuration of a row.
pub(super) fn cfg(packet: PacketType, packet_size: u32, trunc_len: u32) -> FrameConfig {
    FrameConfig {
        packet,
        packet_size,
        trunc_len,
        ..FrameConfig::default()
    }
}

/// Checks every row of a table against [`decode`].
pub(super) fn check_table(packet: PacketType, rows: &[Row]) {
    for (i, (input, ps, tl, exp)) in rows.iter().enumerate() {
        let got = decode(&cfg(packet, *ps, *tl), input);
        let ok = match (exp, &got) {
            (P(c, b), Decoded::Packet { consumed, body }) => c == consumed && b == body,
            (M(n), Decoded::More(m)) => n == m,
            (E, Decoded::Error(_)) => true,
            _ => false,
        };
        assert!(
            ok,
            "{packet:?} row {i}: {input:?} (packet_size {ps}, line_length {tl}): \
             expected {exp:?}, got {got:?}"
        );
    }
}

/// Feeds `packet` one byte at a time: every proper prefix must ask for more
/// (with the right total when the decoder knows it) and the whole must be
/// one packet delivering `body`.
pub(super) fn check_split_delivery(cfg: &FrameConfig, packet: &[u8], body: &[u8]) {
    for k in 0..packet.len() {
        match decode(cfg, &packet[..k]) {
            Decoded::More(None) => {}
            Decoded::More(Some(n)) => assert_eq!(n, packet.len(), "prefix of {k} bytes"),
            other => panic!("prefix of {k} bytes of {packet:?}: {other:?}"),
        }
    }
    match decode(cfg, packet) {
        Decoded::Packet { consumed, body: b } => {
            assert_eq!(consumed, packet.len());
            assert_eq!(&packet[b], body);
        }
        other => panic!("{packet:?}: {other:?}"),
    }
}

/// Decodes `stream` packet after packet: the bodies must be `bodies`, and
/// what is left must ask for more.
pub(super) fn check_many(cfg: &FrameConfig, stream: &[u8], bodies: &[&[u8]]) {
    let mut rest = stream;
    for (i, want) in bodies.iter().enumerate() {
        match decode(cfg, rest) {
            Decoded::Packet { consumed, body } => {
                assert_eq!(&rest[body], *want, "packet {i}");
                rest = &rest[consumed..];
            }
            other => panic!("packet {i}: {other:?}"),
        }
    }
    assert!(
        matches!(decode(cfg, rest), Decoded::More(_)),
        "left over: {rest:?}"
    );
}

/// Asserts the kind of error a configuration gives for `input`.
pub(super) fn check_error(cfg: &FrameConfig, input: &[u8], want: DecodeError) {
    assert_eq!(decode(cfg, input), Decoded::Error(want), "{input:?}");
}
