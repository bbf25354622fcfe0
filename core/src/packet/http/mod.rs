//! `{packet, http | httph | http_bin | httph_bin}`: HTTP/1 message heads,
//! delivered as parsed packets (OTP's `packet_parse_http`).
//!
//! In `http` mode the first line is a request or status line, then come
//! header lines until an empty line (`http_eoh`); `httph` reads header lines
//! only. A line that does not parse is not an error of the socket: it is
//! delivered as [`HttpPacket::Error`] with the whole line. Only a line longer
//! than the limit is a [`DecodeError`](super::DecodeError).
//!
//! The `_bin` flavours differ only in how Erlang shows strings (binaries
//! rather than lists); here every string is [`Bytes`] in all four, and
//! [`PacketType::is_http_bin`] tells them apart.
//!
//! Files: `frame` finds where a packet ends, `start_line` reads request and
//! status lines, `header` reads header lines, `uri` classifies URIs, `names`
//! holds OTP's known methods and headers, `cursor` the scans they share,
//! `share` the copies of a line's pieces into [`Bytes`].

mod cursor;
mod frame;
mod header;
mod names;
mod share;
mod start_line;
mod uri;

use bytes::Bytes;

pub use names::{HttpField, HttpHeader, HttpMethod};
pub use uri::{HttpScheme, HttpUri};

use super::decode::Scan;
use super::{Decoded, FrameConfig, PacketType};

/// One parsed HTTP packet, mirroring the Erlang terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HttpPacket {
    /// `{http_request, Method, Uri, {Major, Minor}}`; a request line without
    /// a version is HTTP/0.9.
    Request {
        /// The method.
        method: HttpMethod,
        /// The Request-URI, classified.
        uri: HttpUri,
        /// `(major, minor)`, each a C `int` in OTP (see `Response`).
        version: (i32, i32),
    },
    /// `{http_response, {Major, Minor}, Status, Reason}`.
    ///
    /// OTP's parser keeps the version numbers and the status in a C `int`:
    /// digits past 2^31 - 1 wrap round, and a socket of either backend
    /// delivers `HTTP/1.1 2147483648 OK` with status -2147483648 and
    /// `HTTP/4294967297.1` as version `{1, 1}`. So do we, hence `i32`.
    Response {
        /// `(major, minor)`.
        version: (i32, i32),
        /// The status code (0 when the line has none, as in OTP).
        status: i32,
        /// The reason phrase, possibly empty.
        reason: Bytes,
    },
    /// `{http_header, Bit, Field, UnmodifiedField, Value}`; `Bit` is
    /// [`HttpField::bit`].
    Header {
        /// The name: a known header or the name in canonical case.
        field: HttpField,
        /// The name exactly as sent.
        raw_field: Bytes,
        /// The value, leading spaces skipped; a continued value keeps the
        /// line ends and leading whitespace of its continuation lines.
        value: Bytes,
    },
    /// `http_eoh`: the empty line that ends the headers.
    Eoh,
    /// `{http_error, Line}`: a line that does not parse, line end included.
    Error(Bytes),
}

/// Decodes one HTTP packet: a start line unless `in_headers`. The search
/// for its end resumes at `scan`.
pub(super) fn decode(in_headers: bool, cfg: &FrameConfig, buf: &[u8], scan: &mut Scan) -> Decoded {
    let max = if cfg.packet_size != 0 {
        cfg.packet_size
    } else {
        cfg.trunc_len
    };
    match frame::packet_len(in_headers, max as usize, buf, scan) {
        Err(e) => Decoded::Error(e),
        Ok(None) => Decoded::More(None),
        Ok(Some(len)) => Decoded::Http {
            consumed: len,
            packet: parse(in_headers, &buf[..len]),
        },
    }
}

/// Parses one whole packet as `packet_parse_http` does.
fn parse(in_headers: bool, packet: &[u8]) -> HttpPacket {
    let n = packet.len();
    // OTP strips a `\r` before the last byte, else a final `\n`.
    let line = if n >= 2 && packet[n - 2] == b'\r' {
        &packet[..n - 2]
    } else if packet.last() == Some(&b'\n') {
        &packet[..n - 1]
    } else {
        packet
    };
    let parsed = if in_headers {
        header::parse(line)
    } else {
        start_line::parse(line)
    };
    parsed.unwrap_or_else(|| HttpPacket::Error(Bytes::copy_from_slice(packet)))
}

/// The packet type to decode the next packet with, after `p` was decoded
/// with `current`: OTP's per-socket HTTP state.
///
/// A request or status line moves `http` to `httph` (and `http_bin` to
/// `httph_bin`); `http_eoh` moves back, ready for the next message; header
/// lines and `http_error` change nothing. OTP keeps the `{packet, _}`
/// option itself unchanged (`getopts` still shows `http`) and tracks this in
/// a hidden state, so a backend should keep the configured type for
/// `getopts` and this one for decoding.
///
/// A socket configured `httph` never reads start lines (OTP forces the
/// header state for it), so it must not follow the `http_eoh` rule: use
/// [`next_packet_type_for`], which knows the configured type.
///
/// # Example
/// ```
/// use gen_tcp_core::packet::http::{next_packet_type, HttpPacket};
/// use gen_tcp_core::packet::PacketType;
///
/// assert_eq!(next_packet_type(PacketType::Httph, &HttpPacket::Eoh), PacketType::Http);
/// ```
pub fn next_packet_type(current: PacketType, p: &HttpPacket) -> PacketType {
    match (current, p) {
        (PacketType::Http, HttpPacket::Request { .. } | HttpPacket::Response { .. }) => {
            PacketType::Httph
        }
        (PacketType::HttpBin, HttpPacket::Request { .. } | HttpPacket::Response { .. }) => {
            PacketType::HttphBin
        }
        (PacketType::Httph, HttpPacket::Eoh) => PacketType::Http,
        (PacketType::HttphBin, HttpPacket::Eoh) => PacketType::HttpBin,
        _ => current,
    }
}

/// As [`next_packet_type`], for a socket whose `{packet, _}` option is
/// `configured`: one configured `httph` or `httph_bin` stays in it.
pub fn next_packet_type_for(
    configured: PacketType,
    current: PacketType,
    p: &HttpPacket,
) -> PacketType {
    match configured {
        PacketType::Httph | PacketType::HttphBin => configured,
        _ => next_packet_type(current, p),
    }
}

#[cfg(test)]
mod tests;
