//! The names OTP turns into atoms: request methods and well-known headers.

use bytes::Bytes;

/// The method of a request line: one of the methods OTP knows (an atom in
/// Erlang, matched case-sensitively), else the method as sent (a string).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `'OPTIONS'`.
    Options,
    /// `'GET'`.
    Get,
    /// `'HEAD'`.
    Head,
    /// `'POST'`.
    Post,
    /// `'PUT'`.
    Put,
    /// `'DELETE'`.
    Delete,
    /// `'TRACE'`.
    Trace,
    /// Any other token (`"PATCH"`, `"get"`, ...), as sent.
    Other(Bytes),
}

impl HttpMethod {
    /// The method for the token `name`.
    pub fn from_token(name: &[u8]) -> HttpMethod {
        match name {
            b"OPTIONS" => HttpMethod::Options,
            b"GET" => HttpMethod::Get,
            b"HEAD" => HttpMethod::Head,
            b"POST" => HttpMethod::Post,
            b"PUT" => HttpMethod::Put,
            b"DELETE" => HttpMethod::Delete,
            b"TRACE" => HttpMethod::Trace,
            other => HttpMethod::Other(Bytes::copy_from_slice(other)),
        }
    }

    /// The method as it appears on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            HttpMethod::Options => b"OPTIONS",
            HttpMethod::Get => b"GET",
            HttpMethod::Head => b"HEAD",
            HttpMethod::Post => b"POST",
            HttpMethod::Put => b"PUT",
            HttpMethod::Delete => b"DELETE",
            HttpMethod::Trace => b"TRACE",
            HttpMethod::Other(name) => name,
        }
    }
}

macro_rules! headers {
    ($($variant:ident = $name:literal,)*) => {
        /// A header name OTP knows (an atom in Erlang), in OTP's table order:
        /// the header's `Bit` in `{http_header, Bit, ...}` is its position
        /// plus one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum HttpHeader {
            $(
                #[doc = concat!("`'", $name, "'`.")]
                $variant,
            )*
        }

        impl HttpHeader {
            /// Every known header, in OTP's order.
            pub const ALL: &'static [HttpHeader] = &[$(HttpHeader::$variant,)*];

            /// The atom's text, which is also the name's canonical case.
            pub fn name(self) -> &'static str {
                match self {
                    $(HttpHeader::$variant => $name,)*
                }
            }
        }
    };
}

headers! {
    CacheControl = "Cache-Control",
    Connection = "Connection",
    Date = "Date",
    Pragma = "Pragma",
    TransferEncoding = "Transfer-Encoding",
    Upgrade = "Upgrade",
    Via = "Via",
    Accept = "Accept",
    AcceptCharset = "Accept-Charset",
    AcceptEncoding = "Accept-Encoding",
    AcceptLanguage = "Accept-Language",
    Authorization = "Authorization",
    From = "From",
    Host = "Host",
    IfModifiedSince = "If-Modified-Since",
    IfMatch = "If-Match",
    IfNoneMatch = "If-None-Match",
    IfRange = "If-Range",
    IfUnmodifiedSince = "If-Unmodified-Since",
    MaxForwards = "Max-Forwards",
    ProxyAuthorization = "Proxy-Authorization",
    Range = "Range",
    Referer = "Referer",
    UserAgent = "User-Agent",
    Age = "Age",
    Location = "Location",
    ProxyAuthenticate = "Proxy-Authenticate",
    Public = "Public",
    RetryAfter = "Retry-After",
    Server = "Server",
    Vary = "Vary",
    Warning = "Warning",
    WwwAuthenticate = "Www-Authenticate",
    Allow = "Allow",
    ContentBase = "Content-Base",
    ContentEncoding = "Content-Encoding",
    ContentLanguage = "Content-Language",
    ContentLength = "Content-Length",
    ContentLocation = "Content-Location",
    ContentMd5 = "Content-Md5",
    ContentRange = "Content-Range",
    ContentType = "Content-Type",
    Etag = "Etag",
    Expires = "Expires",
    LastModified = "Last-Modified",
    AcceptRanges = "Accept-Ranges",
    SetCookie = "Set-Cookie",
    SetCookie2 = "Set-Cookie2",
    XForwardedFor = "X-Forwarded-For",
    Cookie = "Cookie",
    KeepAlive = "Keep-Alive",
    ProxyConnection = "Proxy-Connection",
}

impl HttpHeader {
    /// OTP's `Bit`: the position in [`HttpHeader::ALL`] plus one.
    pub fn bit(self) -> u8 {
        // The table has 52 entries; the position always fits.
        self as u8 + 1
    }

    /// The known header whose canonical name is exactly `name`.
    pub fn lookup(name: &[u8]) -> Option<HttpHeader> {
        HttpHeader::ALL
            .iter()
            .copied()
            .find(|h| h.name().as_bytes() == name)
    }
}

/// The field of a header line: a known header, else the name as a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HttpField {
    /// A name OTP knows (an atom in Erlang).
    Known(HttpHeader),
    /// Any other name, in OTP's canonical case when it is at most 50 bytes
    /// long (`x-foo-BAR` becomes `X-Foo-Bar`), as sent when longer.
    Other(Bytes),
}

impl HttpField {
    /// OTP's `Bit`: the known header's position plus one, 0 for others.
    pub fn bit(&self) -> u8 {
        match self {
            HttpField::Known(h) => h.bit(),
            HttpField::Other(_) => 0,
        }
    }

    /// The field's name (canonical case for known headers).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            HttpField::Known(h) => h.name().as_bytes(),
            HttpField::Other(name) => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_follow_otps_table() {
        assert_eq!(HttpHeader::ALL.len(), 52);
        assert_eq!(HttpHeader::CacheControl.bit(), 1);
        assert_eq!(HttpHeader::Host.bit(), 14);
        assert_eq!(HttpHeader::ContentLength.bit(), 38);
        assert_eq!(HttpHeader::ProxyConnection.bit(), 52);
        for (i, h) in HttpHeader::ALL.iter().enumerate() {
            assert_eq!(usize::from(h.bit()), i + 1);
            assert_eq!(HttpHeader::lookup(h.name().as_bytes()), Some(*h));
        }
        assert_eq!(HttpHeader::lookup(b"content-length"), None);
    }

    #[test]
    fn methods_are_case_sensitive() {
        assert_eq!(HttpMethod::from_token(b"GET"), HttpMethod::Get);
        assert_eq!(
            HttpMethod::from_token(b"get"),
            HttpMethod::Other(Bytes::from_static(b"get"))
        );
        assert_eq!(HttpMethod::from_token(b"PATCH").as_bytes(), b"PATCH");
    }
}
