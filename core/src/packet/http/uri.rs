//! The Request-URI of a request line, classified as OTP does
//! (`http_parse_uri` in `packet_parser.c`).

use bytes::Bytes;

use super::cursor::c_int;
use super::share::{copy, pieces};

/// The scheme of an `absoluteURI`: only `http` and `https` are split up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpScheme {
    /// `http://` (any case).
    Http,
    /// `https://` (any case).
    Https,
}

/// A Request-URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HttpUri {
    /// `'*'`.
    Star,
    /// `{abs_path, Path}`: starts with `/`, or is a single byte.
    AbsPath(Bytes),
    /// `{absoluteURI, Scheme, Host, Port, Path}` for `http://` and `https://`.
    AbsoluteUri {
        /// `http` or `https`.
        scheme: HttpScheme,
        /// Everything up to the first `:` before the path.
        host: Bytes,
        /// The port when it is all digits and not 0, else `undefined`.
        /// OTP 25 reads `[::1]:80` as host `[` with no port, and so do we.
        /// An `int` in OTP: past 2^31 - 1 it wraps round (see
        /// `HttpPacket::Response`).
        port: Option<i32>,
        /// From the first `/` on, `/` when there is none.
        path: Bytes,
    },
    /// `{scheme, Scheme, Rest}`: anything else with a `:`.
    Scheme {
        /// Up to the first `:`.
        scheme: Bytes,
        /// After the first `:`.
        rest: Bytes,
    },
    /// A string: anything else.
    String(Bytes),
}

impl HttpUri {
    /// Classifies a (non-empty) Request-URI.
    pub fn parse(uri: &[u8]) -> HttpUri {
        if uri == b"*" {
            HttpUri::Star
        } else if uri.len() <= 1 || uri[0] == b'/' {
            HttpUri::AbsPath(Bytes::copy_from_slice(uri))
        } else if let Some(rest) = strip_prefix_ignore_case(uri, b"http://") {
            absolute(HttpScheme::Http, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(uri, b"https://") {
            absolute(HttpScheme::Https, rest)
        } else if let Some(colon) = uri.iter().position(|&b| b == b':') {
            let [scheme, rest] = pieces(uri, [0..colon, colon + 1..uri.len()]);
            HttpUri::Scheme { scheme, rest }
        } else {
            HttpUri::String(Bytes::copy_from_slice(uri))
        }
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `host [":" port] [abs_path]`.
fn absolute(scheme: HttpScheme, rest: &[u8]) -> HttpUri {
    let slash = rest.iter().position(|&b| b == b'/');
    let authority = &rest[..slash.unwrap_or(rest.len())];
    let (host_len, port) = match authority.iter().position(|&b| b == b':') {
        None => (authority.len(), None),
        Some(colon) => (colon, port(&authority[colon + 1..])),
    };
    let [host, path] = match slash {
        Some(slash) => pieces(rest, [0..host_len, slash..rest.len()]),
        None => [copy(rest, 0..host_len), Bytes::from_static(b"/")],
    };
    HttpUri::AbsoluteUri {
        scheme,
        host,
        port,
        path,
    }
}

/// All digits and not 0, else undefined. OTP reads it into a C `int`, so
/// a port past `i32::MAX` wraps round, to a negative number or to 0
/// (undefined), as [`c_int`] does.
fn port(digits: &[u8]) -> Option<i32> {
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let port = c_int(digits);
    (port != 0).then_some(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    // Expected values produced by erlang:decode_packet/3 of OTP 25 on
    // `GET <uri> HTTP/1.1\r\n`.
    #[test]
    fn uris_are_classified_as_otp_does() {
        let abs = |scheme, host, port, path| HttpUri::AbsoluteUri {
            scheme,
            host: b(host),
            port,
            path: b(path),
        };
        let cases = [
            ("*", HttpUri::Star),
            ("/", HttpUri::AbsPath(b("/"))),
            ("/a/b?c", HttpUri::AbsPath(b("/a/b?c"))),
            ("x", HttpUri::AbsPath(b("x"))),
            ("**", HttpUri::String(b("**"))),
            ("http://h", abs(HttpScheme::Http, "h", None, "/")),
            (
                "HTTP://h:80/p?q",
                abs(HttpScheme::Http, "h", Some(80), "/p?q"),
            ),
            ("https://h:0/", abs(HttpScheme::Https, "h", None, "/")),
            ("http://h:8a/", abs(HttpScheme::Http, "h", None, "/")),
            ("http://h:/x", abs(HttpScheme::Http, "h", None, "/x")),
            (
                "http://[::1]:4000/x",
                abs(HttpScheme::Http, "[", None, "/x"),
            ),
            ("http://a/b:1", abs(HttpScheme::Http, "a", None, "/b:1")),
            (
                "ftp://x/y",
                HttpUri::Scheme {
                    scheme: b("ftp"),
                    rest: b("//x/y"),
                },
            ),
            (
                "foo:bar",
                HttpUri::Scheme {
                    scheme: b("foo"),
                    rest: b("bar"),
                },
            ),
            ("something_else", HttpUri::String(b("something_else"))),
            (
                "http://h:2147483647/",
                abs(HttpScheme::Http, "h", Some(i32::MAX), "/"),
            ),
            (
                "http://h:2147483648/",
                abs(HttpScheme::Http, "h", Some(i32::MIN), "/"),
            ),
            (
                "https://h:3000000000",
                abs(HttpScheme::Https, "h", Some(-1294967296), "/"),
            ),
            (
                "http://h:4294967296/",
                abs(HttpScheme::Http, "h", None, "/"),
            ),
            (
                "http://h:4294967376/",
                abs(HttpScheme::Http, "h", Some(80), "/"),
            ),
        ];
        for (uri, want) in cases {
            assert_eq!(HttpUri::parse(uri.as_bytes()), want, "{uri}");
        }
    }
}
