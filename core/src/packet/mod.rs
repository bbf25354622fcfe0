//! Packet framing: the `{packet, Type}` option, shared by both backends.
//!
//! This is the counterpart of OTP's `erts/emulator/beam/packet_parser.c`:
//! pure functions over a byte buffer, no I/O. A backend keeps the bytes it
//! has read in a buffer and asks [`decode`] whether a whole packet is there,
//! or [`decode_resume`] to go on from where the last call on the same bytes
//! stopped (`crate::inbound` does this, and sets the limits of a stream).
//!
//! One file per family, each a pure function from bytes to [`Decoded`]:
//! `length_prefixed` (`1 | 2 | 4`), `line`, `sunrm`, `asn1`, `cdr`, `fcgi`,
//! `tpkt` and `http/` (request/status line, headers, URIs, header names).
//! `decode` picks one by [`PacketType`]; `scan` holds the byte search they
//! share; `send` builds the header that `{packet, 1 | 2 | 4}` puts in front
//! of outgoing data. With the `testkit` feature, `testkit` holds the
//! guarantee below as code.
//!
//! # Guarantee
//! For any bytes, any [`FrameConfig`] and any [`Resume`] hint:
//! * [`decode`] and [`decode_resume`] never panic and never read past the
//!   buffer they are given.
//! * They never ask for more than `packet_size` bytes of body (when
//!   `packet_size` is not 0): a header announcing a larger packet is an
//!   error at once, so a peer cannot make a backend buffer without bound.
//!   Precisely, for `Decoded::More(Some(n))`, `n > buf.len()` and
//!   `n - h <= packet_size` where `h` is the header length of the type (1,
//!   2 or 4 for `1 | 2 | 4`, 4 for `sunrm` and `tpkt`, 12 for `cdr`, 8 for
//!   `fcgi`, and for `asn1` the tag and length bytes, which are all already
//!   in the buffer). This is OTP's rule: `packet_size` limits the body, not
//!   the header.
//! * `Decoded::Packet` and `Decoded::Http` have `0 < consumed <= buf.len()`
//!   and `body` within `0..consumed`.
//! * A line waits (`More(None)`) holding at most `packet_size` bytes, an
//!   HTTP line at most `packet_size`, or `trunc_len` when that is 0.
//! * An answer, once given, is final: when a buffer of at most
//!   `max(packet_size, trunc_len)` bytes (any length when both are 0) gives
//!   a packet or an error, every buffer that begins with it gives the same
//!   (`raw` aside: it takes whatever is there). A receiver may so decide on
//!   the bytes it has, whatever the reads brought. For this we depart from
//!   `erlang:decode_packet/3` in one corner: an empty HTTP line is whole
//!   whatever the limit (`http/frame.rs`).
//! * [`decode_resume`] answers what [`decode`] answers, and a packet fed
//!   over any number of reads, each call resuming with the hint of the last,
//!   costs work linear in its bytes: each byte is examined by the search for
//!   the end once, plus one byte per call (counted by
//!   `testkit::bytes_examined`).
//!
//! The unit tests beside each decoder are tables, many of them produced by
//! `erlang:decode_packet/3` of OTP 25; `core/tests/decode_smoke.rs` and the
//! fuzz targets under `fuzz/` hold every decoder to the guarantee, every
//! prefix of their inputs resumed and from the start; `fuzz_stream` and
//! `core/tests/peer_limits.rs` hold `crate::inbound` to its limits.

mod asn1;
mod cdr;
mod decode;
mod fcgi;
pub mod http;
mod length_prefixed;
mod line;
mod scan;
mod send;
mod sized;
mod sunrm;
#[cfg(test)]
mod test_tables;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
mod tpkt;

pub(crate) use decode::decode_resuming;
pub use decode::{decode, decode_resume, Resume};
pub use http::{next_packet_type, HttpPacket};
pub use send::{send_header, Frame};

/// The `{packet, Type}` option: how a byte stream is cut into packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    /// `0` / `raw`: no framing; a packet is whatever bytes are there.
    Raw,
    /// `1`: a 1-byte big-endian length header, stripped on receive.
    One,
    /// `2`: a 2-byte big-endian length header, stripped on receive.
    Two,
    /// `4`: a 4-byte big-endian length header, stripped on receive.
    Four,
    /// `line`: a packet ends with the line delimiter (default `\n`), kept.
    Line,
    /// `sunrm`: Sun RPC record marking (4-byte header, kept).
    Sunrm,
    /// `asn1`: one ASN.1 BER TLV (kept whole).
    Asn1,
    /// `cdr`: a CORBA GIOP message (12-byte header, kept).
    Cdr,
    /// `fcgi`: a FastCGI record (8-byte header plus padding, kept).
    Fcgi,
    /// `tpkt`: a TPKT packet, RFC 1006 (4-byte header, kept).
    Tpkt,
    /// `http`: HTTP request or status line, then headers (switches to `httph`).
    Http,
    /// `httph`: HTTP headers only.
    Httph,
    /// `http_bin`: as `http`, strings as binaries.
    HttpBin,
    /// `httph_bin`: as `httph`, strings as binaries.
    HttphBin,
}

impl PacketType {
    /// The Erlang name of this packet type, as `getopts` shows it.
    pub fn erlang_name(self) -> &'static str {
        match self {
            PacketType::Raw => "0",
            PacketType::One => "1",
            PacketType::Two => "2",
            PacketType::Four => "4",
            PacketType::Line => "line",
            PacketType::Sunrm => "sunrm",
            PacketType::Asn1 => "asn1",
            PacketType::Cdr => "cdr",
            PacketType::Fcgi => "fcgi",
            PacketType::Tpkt => "tpkt",
            PacketType::Http => "http",
            PacketType::Httph => "httph",
            PacketType::HttpBin => "http_bin",
            PacketType::HttphBin => "httph_bin",
        }
    }

    /// True for the four HTTP modes, whose packets are parsed terms.
    pub fn is_http(self) -> bool {
        matches!(
            self,
            PacketType::Http | PacketType::Httph | PacketType::HttpBin | PacketType::HttphBin
        )
    }

    /// True for `http_bin` and `httph_bin`, whose strings Erlang delivers as
    /// binaries rather than lists. The Rust packets carry bytes either way.
    pub fn is_http_bin(self) -> bool {
        matches!(self, PacketType::HttpBin | PacketType::HttphBin)
    }

    /// The length of the header that `{packet, 1 | 2 | 4}` adds on send, 0 for others.
    pub fn send_header_len(self) -> usize {
        match self {
            PacketType::One => 1,
            PacketType::Two => 2,
            PacketType::Four => 4,
            _ => 0,
        }
    }
}

/// What framing a decoder needs to know besides the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameConfig {
    /// The packet type.
    pub packet: PacketType,
    /// `{packet_size, N}`: largest packet accepted, 0 = no limit.
    pub packet_size: u32,
    /// `{line_delimiter, C}` for `line` mode (default `b'\n'`).
    pub line_delimiter: u8,
    /// Length past which a `line` packet is cut without a delimiter, as OTP
    /// does with the socket's `buffer` size (0 = never cut).
    pub trunc_len: u32,
}

impl Default for FrameConfig {
    fn default() -> Self {
        FrameConfig {
            packet: PacketType::Raw,
            packet_size: 0,
            line_delimiter: b'\n',
            trunc_len: 0,
        }
    }
}

/// Why a buffer cannot be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The packet is larger than `packet_size` (Erlang `emsgsize`).
    TooLarge,
    /// The bytes do not form a packet of this type (Erlang `einval` from
    /// `decode_packet`; a socket reports `emsgsize`, as `inet_drv` does).
    Invalid,
}

/// The answer of [`decode`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A whole packet: `consumed` bytes of the buffer make it, of which
    /// `body` is what the receiver gets (the header stripped for `1|2|4`,
    /// everything for the other non-HTTP types).
    Packet {
        /// Bytes of the buffer taken by this packet, header included.
        consumed: usize,
        /// The delivered part of the buffer.
        body: std::ops::Range<usize>,
    },
    /// A whole HTTP packet, parsed.
    Http {
        /// Bytes of the buffer taken by this packet.
        consumed: usize,
        /// The parsed packet.
        packet: HttpPacket,
    },
    /// Not a whole packet yet: more bytes are needed, and when the decoder
    /// knows it, how many bytes the whole packet has (header included).
    More(Option<usize>),
    /// The buffer cannot start a valid packet.
    Error(DecodeError),
}
