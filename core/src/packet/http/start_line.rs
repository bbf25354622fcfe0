//! The first line of a message: a Request-Line or a Status-Line, read as
//! OTP's `packet_parse_http` reads them.

use bytes::Bytes;

use super::cursor::Cursor;
use super::{HttpMethod, HttpPacket, HttpUri};

/// Parses a start line (without its line end); `None` is `http_error`.
pub(super) fn parse(line: &[u8]) -> Option<HttpPacket> {
    if line.starts_with(b"HTTP/") {
        status_line(line)
    } else {
        request_line(line)
    }
}

/// `HTTP/major.minor SP+ status [SP+ reason]`. The status may be empty
/// (0), and the reason may be empty.
fn status_line(line: &[u8]) -> Option<HttpPacket> {
    let mut c = Cursor::new(&line[5..]);
    let version = c.version()?;
    if c.spaces() == 0 {
        return None;
    }
    let status = c.number().unwrap_or(0);
    if c.spaces() == 0 && !c.is_empty() {
        return None;
    }
    Some(HttpPacket::Response {
        version,
        status,
        reason: Bytes::copy_from_slice(c.rest()),
    })
}

/// `method SP+ uri [SP+ HTTP/major.minor...]`; without a version the
/// request is HTTP/0.9, and OTP ignores whatever follows the minor version.
fn request_line(line: &[u8]) -> Option<HttpPacket> {
    let mut c = Cursor::new(line);
    let method = c.token();
    if method.is_empty() || !c.at_space() {
        return None;
    }
    c.spaces();
    let uri = c.until_space();
    if uri.is_empty() {
        return None;
    }
    c.spaces();
    let version = if c.is_empty() {
        (0, 9)
    } else {
        if c.rest().len() < 8 || !c.rest().starts_with(b"HTTP/") {
            return None;
        }
        c.skip(5);
        c.version()?
    };
    Some(HttpPacket::Request {
        method: HttpMethod::from_token(method),
        uri: HttpUri::parse(uri),
        version,
    })
}
