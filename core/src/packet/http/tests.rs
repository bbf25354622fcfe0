//! Tables for the HTTP decoder, most produced by OTP 25.

use bytes::Bytes;

use super::*;
use crate::packet::{decode, DecodeError, Decoded, FrameConfig, PacketType};

/// An expected answer: a packet and its length, more, or an error.
#[derive(Debug)]
enum Exp {
    H(usize, HttpPacket),
    M(Option<usize>),
    E,
}
use Exp::{E, H, M};

fn by(s: &[u8]) -> Bytes {
    Bytes::copy_from_slice(s)
}

fn req(method: &[u8], uri: HttpUri, version: (i32, i32)) -> HttpPacket {
    HttpPacket::Request {
        method: HttpMethod::from_token(method),
        uri,
        version,
    }
}

fn resp(version: (i32, i32), status: i32, reason: &[u8]) -> HttpPacket {
    HttpPacket::Response {
        version,
        status,
        reason: by(reason),
    }
}

fn abs(scheme: HttpScheme, host: &[u8], port: Option<i32>, path: &[u8]) -> HttpUri {
    HttpUri::AbsoluteUri {
        scheme,
        host: by(host),
        port,
        path: by(path),
    }
}

/// `{http_header, Bit, Field, UnmodifiedField, Value}` as OTP prints it.
fn hdr(bit: u8, field: &[u8], raw: &[u8], value: &[u8]) -> HttpPacket {
    let field = if bit == 0 {
        HttpField::Other(by(field))
    } else {
        let known = HttpHeader::ALL[usize::from(bit) - 1];
        assert_eq!(known.name().as_bytes(), field);
        HttpField::Known(known)
    };
    HttpPacket::Header {
        field,
        raw_field: by(raw),
        value: by(value),
    }
}

fn cfg(in_headers: bool, packet_size: u32, trunc_len: u32) -> FrameConfig {
    FrameConfig {
        packet: if in_headers {
            PacketType::HttphBin
        } else {
            PacketType::HttpBin
        },
        packet_size,
        trunc_len,
        ..FrameConfig::default()
    }
}

/// (in header state, input, packet_size, line_length, expected)
type Row = (bool, &'static [u8], u32, u32, Exp);

// Rows produced by erlang:decode_packet/3 of OTP 25 (http_bin and
// httph_bin) on the same inputs.
fn otp_rows() -> Vec<Row> {
    vec![
        (false, b"", 0, 0, M(None)),
        (false, b"GET / HTTP/1.1", 0, 0, M(None)),
        (
            false,
            b"GET / HTTP/1.1\x0d\x0a",
            0,
            0,
            H(16, req(b"GET", HttpUri::AbsPath(by(b"/")), (1, 1))),
        ),
        (
            false,
            b"GET / HTTP/1.1\x0aHost",
            0,
            0,
            H(15, req(b"GET", HttpUri::AbsPath(by(b"/")), (1, 1))),
        ),
        (
            false,
            b"GET /index.html HTTP/1.0\x0d\x0aHost: x\x0d\x0a",
            0,
            0,
            H(
                26,
                req(b"GET", HttpUri::AbsPath(by(b"/index.html")), (1, 0)),
            ),
        ),
        (
            false,
            b"POST * HTTP/1.1\x0d\x0a",
            0,
            0,
            H(17, req(b"POST", HttpUri::Star, (1, 1))),
        ),
        (
            false,
            b"OPTIONS * HTTP/1.1\x0d\x0a",
            0,
            0,
            H(20, req(b"OPTIONS", HttpUri::Star, (1, 1))),
        ),
        (
            false,
            b"HEAD http://example.com:8080/p?q=1 HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                45,
                req(
                    b"HEAD",
                    abs(HttpScheme::Http, b"example.com", Some(8080), b"/p?q=1"),
                    (1, 1),
                ),
            ),
        ),
        (
            false,
            b"PUT https://example.com HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                34,
                req(
                    b"PUT",
                    abs(HttpScheme::Https, b"example.com", None, b"/"),
                    (1, 1),
                ),
            ),
        ),
        (
            false,
            b"DELETE hTTpS://a:0/b HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                31,
                req(b"DELETE", abs(HttpScheme::Https, b"a", None, b"/b"), (1, 1)),
            ),
        ),
        (
            false,
            b"TRACE ftp://x/y HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                26,
                req(
                    b"TRACE",
                    HttpUri::Scheme {
                        scheme: by(b"ftp"),
                        rest: by(b"//x/y"),
                    },
                    (1, 1),
                ),
            ),
        ),
        (
            false,
            b"PATCH /x HTTP/1.1\x0d\x0a",
            0,
            0,
            H(19, req(b"PATCH", HttpUri::AbsPath(by(b"/x")), (1, 1))),
        ),
        (
            false,
            b"get /x HTTP/1.1\x0d\x0a",
            0,
            0,
            H(17, req(b"get", HttpUri::AbsPath(by(b"/x")), (1, 1))),
        ),
        (
            false,
            b"CONNECT host:443 HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                27,
                req(
                    b"CONNECT",
                    HttpUri::Scheme {
                        scheme: by(b"host"),
                        rest: by(b"443"),
                    },
                    (1, 1),
                ),
            ),
        ),
        (
            false,
            b"GET something_else HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                29,
                req(b"GET", HttpUri::String(by(b"something_else")), (1, 1)),
            ),
        ),
        (
            false,
            b"GET http://[::1]:4000/x HTTP/1.1\x0d\x0a",
            0,
            0,
            H(
                34,
                req(b"GET", abs(HttpScheme::Http, b"[", None, b"/x"), (1, 1)),
            ),
        ),
        (
            false,
            b"GET /x\x0d\x0a",
            0,
            0,
            H(8, req(b"GET", HttpUri::AbsPath(by(b"/x")), (0, 9))),
        ),
        (
            false,
            b"GET /x   \x0d\x0a",
            0,
            0,
            H(11, req(b"GET", HttpUri::AbsPath(by(b"/x")), (0, 9))),
        ),
        (
            false,
            b"GET\x09/x\x09HTTP/1.1\x0d\x0a",
            0,
            0,
            H(17, req(b"GET", HttpUri::AbsPath(by(b"/x")), (1, 1))),
        ),
        (
            false,
            b"GET  /x  HTTP/1.1\x0d\x0a",
            0,
            0,
            H(19, req(b"GET", HttpUri::AbsPath(by(b"/x")), (1, 1))),
        ),
        (
            false,
            b"GET /x HTTP/1.1xyz\x0d\x0a",
            0,
            0,
            H(20, req(b"GET", HttpUri::AbsPath(by(b"/x")), (1, 1))),
        ),
        (
            false,
            b"GET /x HTTP/12.34\x0d\x0a",
            0,
            0,
            H(19, req(b"GET", HttpUri::AbsPath(by(b"/x")), (12, 34))),
        ),
        (
            false,
            b"GET /x HTTP/1\x0d\x0a",
            0,
            0,
            H(15, HttpPacket::Error(by(b"GET /x HTTP/1\x0d\x0a"))),
        ),
        (
            false,
            b"GET /x HTTP/1.\x0d\x0a",
            0,
            0,
            H(16, HttpPacket::Error(by(b"GET /x HTTP/1.\x0d\x0a"))),
        ),
        (
            false,
            b"GET /x HTTQ/1.1\x0d\x0a",
            0,
            0,
            H(17, HttpPacket::Error(by(b"GET /x HTTQ/1.1\x0d\x0a"))),
        ),
        (
            false,
            b"GET /x HTTP/\x0d\x0a",
            0,
            0,
            H(14, HttpPacket::Error(by(b"GET /x HTTP/\x0d\x0a"))),
        ),
        (
            false,
            b"GET /x H\x0d\x0a",
            0,
            0,
            H(10, HttpPacket::Error(by(b"GET /x H\x0d\x0a"))),
        ),
        (
            false,
            b"GET\x0d\x0a",
            0,
            0,
            H(5, HttpPacket::Error(by(b"GET\x0d\x0a"))),
        ),
        (
            false,
            b"GET \x0d\x0a",
            0,
            0,
            H(6, HttpPacket::Error(by(b"GET \x0d\x0a"))),
        ),
        (
            false,
            b" GET / HTTP/1.1\x0d\x0a",
            0,
            0,
            H(17, HttpPacket::Error(by(b" GET / HTTP/1.1\x0d\x0a"))),
        ),
        (
            false,
            b"G(T / HTTP/1.1\x0d\x0a",
            0,
            0,
            H(16, HttpPacket::Error(by(b"G(T / HTTP/1.1\x0d\x0a"))),
        ),
        (
            false,
            b"G\x7fT / HTTP/1.1\x0d\x0a",
            0,
            0,
            H(16, req(b"G\x7fT", HttpUri::AbsPath(by(b"/")), (1, 1))),
        ),
        (
            false,
            b"G\xc8T / HTTP/1.1\x0d\x0a",
            0,
            0,
            H(16, HttpPacket::Error(by(b"G\xc8T / HTTP/1.1\x0d\x0a"))),
        ),
        (
            false,
            b"\x0d\x0a",
            0,
            0,
            H(2, HttpPacket::Error(by(b"\x0d\x0a"))),
        ),
        (false, b"\x0a", 0, 0, H(1, HttpPacket::Error(by(b"\x0a")))),
        (
            false,
            b"\x0d\x0aGET",
            0,
            0,
            H(2, HttpPacket::Error(by(b"\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/1.1 200 OK\x0d\x0a",
            0,
            0,
            H(17, resp((1, 1), 200, b"OK")),
        ),
        (
            false,
            b"HTTP/1.0 404 Object Not Found\x0d\x0a",
            0,
            0,
            H(31, resp((1, 0), 404, b"Object Not Found")),
        ),
        (
            false,
            b"HTTP/1.1 200\x0d\x0a",
            0,
            0,
            H(14, resp((1, 1), 200, b"")),
        ),
        (
            false,
            b"HTTP/1.1 200 \x0d\x0a",
            0,
            0,
            H(15, resp((1, 1), 200, b"")),
        ),
        (
            false,
            b"HTTP/1.1 200OK\x0d\x0a",
            0,
            0,
            H(16, HttpPacket::Error(by(b"HTTP/1.1 200OK\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/1.1  99999  Very  OK \x0d\x0a",
            0,
            0,
            H(28, resp((1, 1), 99999, b"Very  OK ")),
        ),
        (
            false,
            b"HTTP/1.1 OK\x0d\x0a",
            0,
            0,
            H(13, HttpPacket::Error(by(b"HTTP/1.1 OK\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/1.1 \x0d\x0a",
            0,
            0,
            H(11, resp((1, 1), 0, b"")),
        ),
        (
            false,
            b"HTTP/1.1\x0d\x0a",
            0,
            0,
            H(10, HttpPacket::Error(by(b"HTTP/1.1\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/11 200 OK\x0d\x0a",
            0,
            0,
            H(16, HttpPacket::Error(by(b"HTTP/11 200 OK\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/.1 200 OK\x0d\x0a",
            0,
            0,
            H(16, HttpPacket::Error(by(b"HTTP/.1 200 OK\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/\x0d\x0a",
            0,
            0,
            H(7, HttpPacket::Error(by(b"HTTP/\x0d\x0a"))),
        ),
        (
            false,
            b"HTTP/1.1 200 OK\x0a",
            0,
            0,
            H(16, resp((1, 1), 200, b"OK")),
        ),
        (
            false,
            b"HTTP/1.1 200 O\x0dK\x0d\x0a",
            0,
            0,
            H(18, resp((1, 1), 200, b"O\x0dK")),
        ),
        (false, b"GET / HTTP/1.1\x0d\x0a", 15, 0, E),
        (
            false,
            b"GET / HTTP/1.1\x0d\x0a",
            16,
            0,
            H(16, req(b"GET", HttpUri::AbsPath(by(b"/")), (1, 1))),
        ),
        (false, b"GET / HTTP/1.1\x0d\x0a", 0, 15, E),
        (false, b"GET / HTTP/1.1", 14, 0, E),
        (false, b"GET / HTTP/1.", 14, 0, M(None)),
        (false, b"GET / HTTP/1.1\x0d\x0a", 15, 100, E),
        (true, b"", 0, 0, M(None)),
        (true, b"Host: x\x0d\x0a", 0, 0, M(None)),
        (
            true,
            b"Host: x\x0d\x0aA",
            0,
            0,
            H(9, hdr(14, b"Host", b"Host", b"x")),
        ),
        (
            true,
            b"host:x\x0d\x0a\x0d\x0a",
            0,
            0,
            H(8, hdr(14, b"Host", b"host", b"x")),
        ),
        (
            true,
            b"HOST:   \x09 x y \x0d\x0a\x0d\x0a",
            0,
            0,
            H(16, hdr(14, b"Host", b"HOST", b"x y ")),
        ),
        (
            true,
            b"Host: x\x0d\x0a\x09cont\x0d\x0aA",
            0,
            0,
            H(16, hdr(14, b"Host", b"Host", b"x\x0d\x0a\x09cont")),
        ),
        (
            true,
            b"Host: x\x0d\x0a cont\x0d\x0a more\x0d\x0a\x0d\x0a",
            0,
            0,
            H(
                23,
                hdr(14, b"Host", b"Host", b"x\x0d\x0a cont\x0d\x0a more"),
            ),
        ),
        (
            true,
            b"Host: x\x0a cont\x0aA",
            0,
            0,
            H(14, hdr(14, b"Host", b"Host", b"x\x0a cont")),
        ),
        (
            true,
            b"content-length: 5\x0d\x0aA",
            0,
            0,
            H(19, hdr(38, b"Content-Length", b"content-length", b"5")),
        ),
        (
            true,
            b"x-foo-BAR: 5\x0d\x0aA",
            0,
            0,
            H(14, hdr(0, b"X-Foo-Bar", b"x-foo-BAR", b"5")),
        ),
        (
            true,
            b"WWW-AUTHENTICATE: a\x0d\x0aA",
            0,
            0,
            H(21, hdr(33, b"Www-Authenticate", b"WWW-AUTHENTICATE", b"a")),
        ),
        (
            true,
            b"content-md5: a\x0d\x0aA",
            0,
            0,
            H(16, hdr(40, b"Content-Md5", b"content-md5", b"a")),
        ),
        (
            true,
            b"set-cookie2: a\x0d\x0aA",
            0,
            0,
            H(16, hdr(48, b"Set-Cookie2", b"set-cookie2", b"a")),
        ),
        (
            true,
            b"x-forwarded-for: a\x0d\x0aA",
            0,
            0,
            H(20, hdr(49, b"X-Forwarded-For", b"x-forwarded-for", b"a")),
        ),
        (
            true,
            b"a--b: c\x0d\x0aA",
            0,
            0,
            H(9, hdr(0, b"A--b", b"a--b", b"c")),
        ),
        (
            true,
            b"-a: c\x0d\x0aA",
            0,
            0,
            H(7, hdr(0, b"-a", b"-a", b"c")),
        ),
        (
            true,
            b"Aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaa: x\x0d\x0aA",
            0,
            0,
            H(
                57,
                hdr(
                    0,
                    b"Aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaa",
                    b"Aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaa",
                    b"x",
                ),
            ),
        ),
        (
            true,
            b"aAaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaa: x\x0d\x0aA",
            0,
            0,
            H(
                58,
                hdr(
                    0,
                    b"aAaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaa",
                    b"aAaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaa",
                    b"x",
                ),
            ),
        ),
        (
            true,
            b"Content-Length-Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: x\x0d\x0aA",
            0,
            0,
            H(
                70,
                hdr(
                    0,
                    b"Content-Length-Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    b"Content-Length-Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    b"x",
                ),
            ),
        ),
        (
            true,
            b": foo\x0d\x0aA",
            0,
            0,
            H(7, hdr(0, b"", b"", b"foo")),
        ),
        (true, b"X:\x0d\x0aA", 0, 0, H(4, hdr(0, b"X", b"X", b""))),
        (
            true,
            b"X :y\x0d\x0aA",
            0,
            0,
            H(6, HttpPacket::Error(by(b"X :y\x0d\x0a"))),
        ),
        (
            true,
            b"bad line\x0d\x0ax",
            0,
            0,
            H(10, HttpPacket::Error(by(b"bad line\x0d\x0a"))),
        ),
        (
            true,
            b"noColon\x0d\x0ax",
            0,
            0,
            H(9, HttpPacket::Error(by(b"noColon\x0d\x0a"))),
        ),
        (
            true,
            b" lead: x\x0d\x0ax",
            0,
            0,
            H(10, HttpPacket::Error(by(b" lead: x\x0d\x0a"))),
        ),
        (
            true,
            b"Host\x0d\x0ax",
            0,
            0,
            H(6, HttpPacket::Error(by(b"Host\x0d\x0a"))),
        ),
        (true, b"\x0d\x0a", 0, 0, H(2, HttpPacket::Eoh)),
        (true, b"\x0a", 0, 0, H(1, HttpPacket::Eoh)),
        (true, b"\x0d\x0aX", 0, 0, H(2, HttpPacket::Eoh)),
        (true, b"\x0aX", 0, 0, H(1, HttpPacket::Eoh)),
        (
            true,
            b"\x0d\x0a Host: x\x0d\x0a",
            0,
            0,
            H(2, HttpPacket::Eoh),
        ),
        (
            true,
            b"GET / HTTP/1.1\x0d\x0aX",
            0,
            0,
            H(16, HttpPacket::Error(by(b"GET / HTTP/1.1\x0d\x0a"))),
        ),
        (
            true,
            b"A: b\x0dc\x0d\x0aX",
            0,
            0,
            H(8, hdr(0, b"A", b"A", b"b\x0dc")),
        ),
        (
            true,
            b"A: b\x0d\x0d\x0aX",
            0,
            0,
            H(7, hdr(0, b"A", b"A", b"b\x0d")),
        ),
        (
            true,
            b"A\x7fB: c\x0d\x0aX",
            0,
            0,
            H(8, hdr(0, b"A\x7fb", b"A\x7fB", b"c")),
        ),
        (
            true,
            b"A\xc8B: c\x0d\x0aX",
            0,
            0,
            H(8, HttpPacket::Error(by(b"A\xc8B: c\x0d\x0a"))),
        ),
        (true, b"Host: x\x0d\x0a", 9, 0, M(None)),
        (true, b"Host: x\x0d\x0a", 8, 0, E),
        (
            true,
            b"Host: x\x0d\x0aX",
            9,
            0,
            H(9, hdr(14, b"Host", b"Host", b"x")),
        ),
        (true, b"Host: x\x0d\x0aX", 8, 0, E),
        (true, b"Host: x", 7, 0, E),
        (true, b"Host: x", 8, 0, M(None)),
        (true, b"Host: x\x0d\x0a y\x0d\x0aZ", 12, 0, E),
        (
            true,
            b"Host: x\x0d\x0a y\x0d\x0aZ",
            13,
            0,
            H(13, hdr(14, b"Host", b"Host", b"x\x0d\x0a y")),
        ),
        (true, b"Host: x\x0d\x0a y\x0d\x0aZ", 0, 12, E),
        // Numbers past 2^31 - 1 wrap round as a C `int` (issue 10).
        (
            false,
            b"HTTP/2147483648.1 200 OK\r\n",
            0,
            0,
            H(26, resp((i32::MIN, 1), 200, b"OK")),
        ),
        (
            false,
            b"HTTP/4294967297.1 200 OK\r\n",
            0,
            0,
            H(26, resp((1, 1), 200, b"OK")),
        ),
        (
            false,
            b"HTTP/1.2147483648 200 OK\r\n",
            0,
            0,
            H(26, resp((1, i32::MIN), 200, b"OK")),
        ),
        (
            false,
            b"HTTP/1.1 2147483648 OK\r\n",
            0,
            0,
            H(24, resp((1, 1), i32::MIN, b"OK")),
        ),
        (
            false,
            b"HTTP/1.1 3000000000 OK\r\n",
            0,
            0,
            H(24, resp((1, 1), -1294967296, b"OK")),
        ),
        (
            false,
            b"HTTP/1.1 99999999999 OK\r\n",
            0,
            0,
            H(25, resp((1, 1), 1215752191, b"OK")),
        ),
        (
            false,
            b"HTTP/1.1 -5 OK\r\n",
            0,
            0,
            H(16, HttpPacket::Error(by(b"HTTP/1.1 -5 OK\r\n"))),
        ),
        (
            false,
            b"GET / HTTP/2147483648.0\r\n",
            0,
            0,
            H(25, req(b"GET", HttpUri::AbsPath(by(b"/")), (i32::MIN, 0))),
        ),
        (
            false,
            b"GET / HTTP/1.4294967297\r\n",
            0,
            0,
            H(25, req(b"GET", HttpUri::AbsPath(by(b"/")), (1, 1))),
        ),
        (
            false,
            b"GET http://h:2147483648/ HTTP/1.1\r\n",
            0,
            0,
            H(
                35,
                req(
                    b"GET",
                    abs(HttpScheme::Http, b"h", Some(i32::MIN), b"/"),
                    (1, 1),
                ),
            ),
        ),
    ]
}

#[test]
fn table_matches_otp() {
    for (i, (in_headers, input, ps, tl, exp)) in otp_rows().into_iter().enumerate() {
        let got = decode(&cfg(in_headers, ps, tl), input);
        let ok = match (&exp, &got) {
            (H(c, p), Decoded::Http { consumed, packet }) => c == consumed && p == packet,
            (M(n), Decoded::More(m)) => n == m,
            (E, Decoded::Error(DecodeError::TooLarge)) => true,
            _ => false,
        };
        assert!(ok, "row {i}: {input:?}: expected {exp:?}, got {got:?}");
    }
}

#[test]
fn bin_and_list_flavours_decode_alike() {
    for (in_headers, input, ps, tl, _) in otp_rows() {
        let bin = cfg(in_headers, ps, tl);
        let list = FrameConfig {
            packet: if in_headers {
                PacketType::Httph
            } else {
                PacketType::Http
            },
            ..bin
        };
        assert_eq!(decode(&bin, input), decode(&list, input));
        assert!(bin.packet.is_http_bin() && !list.packet.is_http_bin());
    }
}

/// Decodes a whole stream as a socket does, following the packet type
/// switches, and returns the packets.
fn decode_stream(configured: PacketType, mut stream: &[u8]) -> Vec<HttpPacket> {
    let mut current = configured;
    let mut out = Vec::new();
    let c = FrameConfig {
        packet: configured,
        ..FrameConfig::default()
    };
    loop {
        match decode(
            &FrameConfig {
                packet: current,
                ..c
            },
            stream,
        ) {
            Decoded::Http { consumed, packet } => {
                current = next_packet_type_for(configured, current, &packet);
                stream = &stream[consumed..];
                out.push(packet);
            }
            Decoded::More(None) => return out,
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_stream_of_two_requests_switches_state_as_a_socket_does() {
    let one: &[u8] = b"GET /a HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n b\r\n\r\n";
    let stream = [one, one, b"GET"].concat();
    let first = vec![
        req(b"GET", HttpUri::AbsPath(by(b"/a")), (1, 1)),
        hdr(14, b"Host", b"Host", b"h"),
        hdr(0, b"X-Long", b"X-Long", b"a\r\n b"),
        HttpPacket::Eoh,
    ];
    assert_eq!(
        decode_stream(PacketType::Http, &stream),
        [first.clone(), first].concat()
    );
}

#[test]
fn a_configured_httph_socket_stays_in_headers() {
    let stream = b"A: 1\r\n\r\nB: 2\r\n\r\n";
    let got = decode_stream(PacketType::HttphBin, stream);
    assert_eq!(
        got,
        vec![
            hdr(0, b"A", b"A", b"1"),
            HttpPacket::Eoh,
            hdr(0, b"B", b"B", b"2"),
            HttpPacket::Eoh
        ]
    );
}

#[test]
fn packet_type_switches() {
    let request = req(b"GET", HttpUri::Star, (1, 1));
    let response = resp((1, 1), 200, b"OK");
    let header = hdr(14, b"Host", b"Host", b"h");
    let error = HttpPacket::Error(by(b"x\r\n"));
    use PacketType::*;
    assert_eq!(next_packet_type(Http, &request), Httph);
    assert_eq!(next_packet_type(Http, &response), Httph);
    assert_eq!(next_packet_type(HttpBin, &request), HttphBin);
    assert_eq!(next_packet_type(Http, &error), Http);
    assert_eq!(next_packet_type(Httph, &header), Httph);
    assert_eq!(next_packet_type(Httph, &error), Httph);
    assert_eq!(next_packet_type(Httph, &HttpPacket::Eoh), Http);
    assert_eq!(next_packet_type(HttphBin, &HttpPacket::Eoh), HttpBin);
    assert_eq!(next_packet_type_for(Httph, Httph, &HttpPacket::Eoh), Httph);
    assert_eq!(next_packet_type_for(Http, Httph, &HttpPacket::Eoh), Http);
}

#[test]
fn split_delivery_one_byte_at_a_time() {
    // A start line is whole at its `\n`.
    let line: &[u8] = b"HTTP/1.1 204 No Content\r\n";
    for k in 0..line.len() {
        assert_eq!(
            decode(&cfg(false, 0, 0), &line[..k]),
            Decoded::More(None),
            "{k}"
        );
    }
    assert!(matches!(
        decode(&cfg(false, 0, 0), line),
        Decoded::Http { consumed: 25, .. }
    ));
    // A header is whole once the byte after its `\n` shows it does not continue.
    let header: &[u8] = b"Host: h\r\n";
    let stream = [header, b"\r\n"].concat();
    for k in 0..=header.len() {
        assert_eq!(
            decode(&cfg(true, 0, 0), &stream[..k]),
            Decoded::More(None),
            "{k}"
        );
    }
    assert_eq!(
        decode(&cfg(true, 0, 0), &stream[..header.len() + 1]),
        Decoded::Http {
            consumed: header.len(),
            packet: hdr(14, b"Host", b"Host", b"h")
        }
    );
}
