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

            /// Every known header's name, in OTP's order.
            const NAMES: &'static [&'static str] = &[$($name,)*];

            /// The atom's text, which is also the name's canonical case.
            #[inline]
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
        HttpHeader::lookup_ignore_case(name).filter(|h| h.name().as_bytes() == name)
    }

    /// The known header whose name is `name` in any case: the header OTP
    /// finds for `name` after re-casing it, since every known name is in
    /// canonical case and re-casing sees only the lower-case bytes.
    pub(super) fn lookup_ignore_case(name: &[u8]) -> Option<HttpHeader> {
        HttpHeader::lookup_spelled(name).map(|(h, _)| h)
    }

    /// As [`HttpHeader::lookup_ignore_case`], with `name` itself as a
    /// static when it is the canonical name or the name in lower case: the
    /// usual spellings, shared rather than copied.
    pub(super) fn lookup_spelled(name: &[u8]) -> Option<(HttpHeader, Option<&'static [u8]>)> {
        let mut words = None;
        for &slot in &BUCKETS[bucket(name)] {
            let Some((i, s)) = usize::from(slot)
                .checked_sub(1)
                .and_then(|i| Some((i, SPELLINGS.get(i)?)))
            else {
                continue;
            };
            if usize::from(s.len) != name.len() {
                continue;
            }
            let words = *words.get_or_insert_with(|| padded(name));
            let lower = s.lower.map(u64::from_le_bytes);
            let letters = s.letters.map(u64::from_le_bytes);
            if (0..WORDS).any(|w| words[w] | letters[w] != lower[w]) {
                continue;
            }
            let spelled = if words == lower {
                s.lower.as_flattened().get(..name.len())
            } else if words == s.canonical.map(u64::from_le_bytes) {
                s.canonical.as_flattened().get(..name.len())
            } else {
                None
            };
            return Some((*HttpHeader::ALL.get(i)?, spelled));
        }
        None
    }
}

/// Slots per bucket of [`BUCKETS`]; the table is checked at compile time.
const SLOTS: usize = 2;

/// The known headers by [`bucket`] of their name: positions in
/// [`HttpHeader::ALL`] plus one, 0 for an empty slot. A lookup compares at
/// most [`SLOTS`] names instead of all 52.
static BUCKETS: [[u8; SLOTS]; 64] = {
    let mut table = [[0; SLOTS]; 64];
    let mut i = 0;
    while i < HttpHeader::NAMES.len() {
        let b = bucket(HttpHeader::NAMES[i].as_bytes());
        let mut slot = 0;
        while table[b][slot] != 0 {
            slot += 1;
            assert!(slot < SLOTS, "a bucket of known headers overflows");
        }
        table[b][slot] = i as u8 + 1;
        i += 1;
    }
    table
};

/// A case-blind hash of a header name: its length, first and last bytes.
/// `| 0x20` lower-cases letters; other bytes must match exactly anyway.
const fn bucket(name: &[u8]) -> usize {
    match name {
        [first, .., last] => {
            (name.len() + 7 * (*first | 0x20) as usize + (*last | 0x20) as usize) % 64
        }
        _ => 0,
    }
}

/// `name` padded with zeros, as little-endian words; a name longer than
/// `8 * WORDS` bytes is cut. Loads overlap rather than copy: a word that
/// `name` fills only in part is read ending at its last byte and shifted.
fn padded(name: &[u8]) -> [u64; WORDS] {
    let n = name.len();
    let mut words = [0u64; WORDS];
    for (w, word) in words.iter_mut().enumerate() {
        let start = 8 * w;
        *word = if let Some(full) = name.get(start..start + 8) {
            load(full)
        } else if start >= n {
            0
        } else if n >= 8 {
            // The 8 bytes ending at the name's end, shifted down so that
            // the name's last byte lands at byte `n - start - 1`.
            load(&name[n - 8..]) >> (8 * (start + 8 - n))
        } else {
            // Shorter than a word: byte by byte.
            name.iter()
                .rev()
                .fold(0, |word, &b| word << 8 | u64::from(b))
        };
    }
    words
}

/// The first 8 bytes of `bytes` (fewer are zero-padded) as a little-endian
/// word.
fn load(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    for (w, &b) in word.iter_mut().zip(bytes) {
        *w = b;
    }
    u64::from_le_bytes(word)
}

/// Eight-byte words per padded name: known names are at most 24 bytes
/// (checked at compile time), so a name compares in three steps.
const WORDS: usize = 3;

/// A known name padded with zeros, as words to compare at once.
struct Spelling {
    /// The name's length.
    len: u8,
    /// As OTP spells it.
    canonical: [[u8; 8]; WORDS],
    /// In lower case.
    lower: [[u8; 8]; WORDS],
    /// `0x20` (the case bit) at each letter, 0 elsewhere: a name with
    /// this or-ed in equals `lower` exactly when it is this name in any
    /// case, as bytes other than letters are kept as they are.
    letters: [[u8; 8]; WORDS],
}

/// [`Spelling`]s in the order of [`HttpHeader::ALL`].
static SPELLINGS: [Spelling; HttpHeader::NAMES.len()] = {
    const EMPTY: Spelling = Spelling {
        len: 0,
        canonical: [[0; 8]; WORDS],
        lower: [[0; 8]; WORDS],
        letters: [[0; 8]; WORDS],
    };
    let mut table = [EMPTY; HttpHeader::NAMES.len()];
    let mut i = 0;
    while i < HttpHeader::NAMES.len() {
        let name = HttpHeader::NAMES[i].as_bytes();
        assert!(name.len() <= 8 * WORDS, "a known header name is too long");
        table[i].len = name.len() as u8;
        let mut j = 0;
        while j < name.len() {
            let (w, b) = (j / 8, j % 8);
            table[i].canonical[w][b] = name[j];
            table[i].lower[w][b] = name[j].to_ascii_lowercase();
            table[i].letters[w][b] = if name[j].is_ascii_alphabetic() {
                0x20
            } else {
                0
            };
            j += 1;
        }
        i += 1;
    }
    table
};

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
    fn lookup_ignore_case_finds_every_spelling_and_nothing_else() {
        for &h in HttpHeader::ALL {
            let name = h.name().as_bytes();
            let lower = name.to_ascii_lowercase();
            let upper = name.to_ascii_uppercase();
            for spelling in [name, &lower, &upper] {
                assert_eq!(HttpHeader::lookup_ignore_case(spelling), Some(h));
            }
            assert_eq!(HttpHeader::lookup_spelled(name), Some((h, Some(name))));
            assert_eq!(
                HttpHeader::lookup_spelled(&lower),
                Some((h, Some(&lower[..])))
            );
            assert_eq!(HttpHeader::lookup_spelled(&upper), Some((h, None)));
            // Only letters fold: a byte that is a letter's other case
            // elsewhere does not match a `-` or a digit.
            for (j, &b) in name.iter().enumerate() {
                if !b.is_ascii_alphabetic() {
                    let mut bent = name.to_vec();
                    bent[j] = b ^ 0x20;
                    assert_eq!(HttpHeader::lookup_ignore_case(&bent), None);
                }
            }
            assert_eq!(HttpHeader::lookup_ignore_case(&name[1..]), None);
            assert_eq!(HttpHeader::lookup_ignore_case(&[name, b"x"].concat()), None);
        }
        for other in [
            &b""[..],
            b"x",
            b"X-Request-Id",
            b"Hos",
            b"Hostt",
            b"Content_Length",
        ] {
            assert_eq!(HttpHeader::lookup_ignore_case(other), None);
        }
    }

    #[test]
    fn padded_names_are_their_bytes_then_zeros() {
        let text: Vec<u8> = (1..=30).collect();
        for n in 0..=30 {
            let mut want = [0u8; 8 * WORDS];
            let kept = n.min(8 * WORDS);
            want[..kept].copy_from_slice(&text[..kept]);
            let want: Vec<u64> = want
                .chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect();
            assert_eq!(padded(&text[..n]).to_vec(), want, "{n}");
        }
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
