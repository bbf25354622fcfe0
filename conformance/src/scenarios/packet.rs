//! `{packet, Type}` framing on real sockets, `{packet_size, N}`,
//! `{header, N}` and `{line_delimiter, C}`. Expected packets are what
//! OTP 25 delivers (`erlang:decode_packet/3` and probe questions 14, 16).

use crate::ctx::{
    bytes, drain_msgs, eq, posix, recv_exactly, step, wait_read, Check, Ctx, Seen, WAIT,
};
use bytes::Bytes;
use gen_tcp::packet::http::{HttpField, HttpHeader, HttpMethod, HttpUri};
use gen_tcp::{Active, Data, Error, HttpPacket, Opt, OptName, PacketType};

crate::scenarios! {
    "packet/length_prefixed_1_2_4_round_trip" => length_prefixed_round_trip;
    "packet/length_prefixed_frame_split_across_sends_is_one_packet" => frame_split_across_sends;
    "packet/line_split_across_sends" => line_split_across_sends;
    "packet/line_delimiter" => line_delimiter;
    "packet/packet_size_exceeded_passive" => packet_size_exceeded_passive;
    "packet/packet_size_exceeded_active" => packet_size_exceeded_active;
    "packet/header_in_list_and_binary_mode" => header_in_list_and_binary_mode;
    "packet/sunrm" => sunrm;
    "packet/asn1" => asn1;
    "packet/cdr" => cdr;
    "packet/fcgi_strips_padding" => fcgi;
    "packet/tpkt" => tpkt;
    "packet/http_request_headers_and_eoh" => http_request;
    "packet/http_bin_response_as_messages" => http_bin_response;
    "packet/httph_headers_only" => httph;
    "packet/httph_bin_headers_only" => httph_bin;
    "packet/http_numbers_wrap_as_a_c_int" => http_numbers_wrap;
    "packet/http_headers_state_after_setopts_packet" => http_state_after_setopts;
}

/// Sends `pieces` one by one to `s`, where `reader` is already receiving:
/// each piece is read by `s` before the next is sent, so that the reads
/// see the pieces apart. Returns what the reader got.
fn send_apart<T: Send + 'static>(
    c: &gen_tcp::Socket,
    s: &gen_tcp::Socket,
    pieces: &[&[u8]],
    reader: impl FnOnce(gen_tcp::Socket) -> T + Send + 'static,
) -> Result<T, String> {
    let reader = {
        let s = s.clone();
        std::thread::spawn(move || reader(s))
    };
    let mut sent = 0;
    for piece in pieces {
        step("send", gen_tcp::send(c, *piece))?;
        sent += piece.len();
        wait_read(s, sent)?;
    }
    reader.join().map_err(|_| "the reader panicked".to_string())
}

fn recv(s: &gen_tcp::Socket) -> Result<Vec<u8>, Error> {
    bytes(gen_tcp::recv(s, 0, Some(WAIT)))
}

/// `{packet, 1 | 2 | 4}` on both sides: the sender adds a big-endian
/// length header, the receiver strips it. The wire shows the header.
fn length_prefixed_round_trip(ctx: &Ctx) -> Check {
    for (p, header) in [
        (PacketType::One, &b"\x05"[..]),
        (PacketType::Two, b"\x00\x05"),
        (PacketType::Four, b"\x00\x00\x00\x05"),
    ] {
        let (c, s) = ctx.pair(&[Opt::Packet(p)], &[Opt::Packet(p)])?;
        step("send", gen_tcp::send(&c, "hello"))?;
        step("send", gen_tcp::send(&c, "again"))?;
        eq(&format!("{p:?} #1"), recv(&s), Ok(b"hello".to_vec()))?;
        eq(&format!("{p:?} #2"), recv(&s), Ok(b"again".to_vec()))?;
        // The same send seen raw.
        let (c, s) = ctx.pair(&[Opt::Packet(p)], &[])?;
        step("send", gen_tcp::send(&c, "hello"))?;
        let mut want = header.to_vec();
        want.extend_from_slice(b"hello");
        eq(
            &format!("{p:?} on the wire"),
            recv_exactly(&s, want.len())?,
            want,
        )?;
    }
    Ok(())
}

/// A `{packet, 2}` receiver gets one packet when the sender (raw) writes
/// the frame in three pieces: half the header, the rest of the header
/// with part of the body, the rest of the body.
fn frame_split_across_sends(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Two)])?;
    let got = send_apart(&c, &s, &[b"\x00", b"\x05he", b"llo"], |s| recv(&s))?;
    eq("packet", got, Ok(b"hello".to_vec()))
}

/// `{packet, line}`: lines split across sends and two lines in one send
/// come out one line per packet, delimiter kept.
fn line_split_across_sends(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Line)])?;
    let (one, two) = send_apart(&c, &s, &[b"hel", b"lo\nwor", b"ld\n"], |s| {
        (recv(&s), recv(&s))
    })?;
    eq("line 1", one, Ok(b"hello\n".to_vec()))?;
    eq("line 2", two, Ok(b"world\n".to_vec()))
}

/// `{line_delimiter, $;}` ends lines at `;`; a newline is then data.
fn line_delimiter(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Line)])?;
    step("setopts", gen_tcp::setopts(&s, &[Opt::LineDelimiter(b';')]))?;
    step("send", gen_tcp::send(&c, "ab;cd\nef;"))?;
    eq("line 1", recv(&s), Ok(b"ab;".to_vec()))?;
    eq("line 2", recv(&s), Ok(b"cd\nef;".to_vec()))
}

/// `{packet, 2}` with `{packet_size, 10}` and a 20-byte frame: `recv` is
/// `emsgsize`. Then `inet` has closed the socket (`enotconn`, and the
/// peer reads `closed`) while `socket` answers `emsgsize` again.
fn packet_size_exceeded_passive(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Two), Opt::PacketSize(10)])?;
    let mut frame = vec![0u8, 20];
    frame.extend_from_slice(&[b'x'; 20]);
    step("send", gen_tcp::send(&c, &frame[..]))?;
    eq("recv #1", recv(&s), Err(Error::Emsgsize))?;
    eq(
        "recv #2",
        recv(&s),
        Err(ctx.per_backend(posix("enotconn"), Error::Emsgsize)),
    )?;
    if ctx.backend == gen_tcp::InetBackend::Inet {
        eq("peer recv", recv(&c), Err(Error::Closed))?;
    }
    Ok(())
}

/// The same in active mode: `inet` sends `{tcp_error, S, emsgsize}` then
/// `{tcp_closed, S}`; `socket` sends only the `tcp_error`.
fn packet_size_exceeded_active(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Two), Opt::PacketSize(10)])?;
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::True)]),
    )?;
    let mut frame = vec![0u8, 20];
    frame.extend_from_slice(&[b'x'; 20]);
    step("send", gen_tcp::send(&c, &frame[..]))?;
    let want = ctx.per_backend(
        vec![Seen::Error(Error::Emsgsize), Seen::Closed],
        vec![Seen::Error(Error::Emsgsize)],
    );
    eq("messages", drain_msgs(&s, want.len()), want)
}

/// `{header, 2}`: in list mode a packet is a list; in binary mode the
/// first 2 bytes come as a list before the binary (`[97, 98 | <<"cde">>]`),
/// for `recv` and for messages alike; `getopts` reports the header.
fn header_in_list_and_binary_mode(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Header(2)])?;
    eq(
        "getopts",
        gen_tcp::getopts(&s, &[OptName::Header]),
        Ok(vec![Opt::Header(2)]),
    )?;
    step("send", gen_tcp::send(&c, "abcde"))?;
    let headed = Data::Headed(b"ab".to_vec(), Bytes::from_static(b"cde"));
    eq(
        "binary recv",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(headed.clone()),
    )?;
    step(
        "setopts active once",
        gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]),
    )?;
    step("send", gen_tcp::send(&c, "abcde"))?;
    eq("binary message", drain_msgs(&s, 1), vec![Seen::Tcp(headed)])?;
    step("setopts list", gen_tcp::setopts(&s, &[Opt::List]))?;
    step("send", gen_tcp::send(&c, "abcde"))?;
    eq(
        "list recv",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(Data::List(b"abcde".to_vec())),
    )
}

/// Sends `wire` (one packet followed by the first byte of another) to a
/// receiver in `{packet, p}` and checks it gets exactly `want`.
fn one_packet(ctx: &Ctx, p: PacketType, wire: &[u8], want: &[u8]) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(p)])?;
    step("send", gen_tcp::send(&c, wire))?;
    eq(&format!("{p:?} packet"), recv(&s), Ok(want.to_vec()))?;
    eq(
        "rest is an incomplete packet",
        recv_short(&s),
        Err(Error::Timeout),
    )
}

fn recv_short(s: &gen_tcp::Socket) -> Result<Vec<u8>, Error> {
    bytes(gen_tcp::recv(s, 0, Some(crate::ctx::SHORT)))
}

/// `sunrm`: a 4-byte record mark (last-fragment bit, 31-bit length); the
/// packet is delivered with its header.
fn sunrm(ctx: &Ctx) -> Check {
    one_packet(
        ctx,
        PacketType::Sunrm,
        b"\x80\x00\x00\x03abc\x80",
        b"\x80\x00\x00\x03abc",
    )
}

/// `asn1`: one BER TLV (an OCTET STRING of 3 bytes), delivered whole.
fn asn1(ctx: &Ctx) -> Check {
    one_packet(ctx, PacketType::Asn1, b"\x04\x03abc\x04", b"\x04\x03abc")
}

/// `cdr`: a GIOP 1.0 big-endian header (12 bytes, body size 3) and body.
fn cdr(ctx: &Ctx) -> Check {
    let pkt = b"GIOP\x01\x00\x00\x00\x00\x00\x00\x03abc";
    let mut wire = pkt.to_vec();
    wire.push(b'G');
    one_packet(ctx, PacketType::Cdr, &wire, pkt)
}

/// `fcgi`: an 8-byte record header (content 3, padding 2); the padding is
/// consumed but not delivered, as `erlang:decode_packet(fcgi, ...)` does.
fn fcgi(ctx: &Ctx) -> Check {
    one_packet(
        ctx,
        PacketType::Fcgi,
        b"\x01\x01\x00\x01\x00\x03\x02\x00abc\x00\x00\x01",
        b"\x01\x01\x00\x01\x00\x03\x02\x00abc",
    )
}

/// `tpkt`: RFC 1006 header (version 3, length 7 including the header).
fn tpkt(ctx: &Ctx) -> Check {
    one_packet(
        ctx,
        PacketType::Tpkt,
        b"\x03\x00\x00\x07abc\x03",
        b"\x03\x00\x00\x07abc",
    )
}

fn b(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

fn header(field: HttpField, raw: &'static str, value: &'static str) -> Data {
    Data::Http(HttpPacket::Header {
        field,
        raw_field: b(raw),
        value: b(value),
    })
}

/// `{packet, http}`: a request line, headers (a known one, `'Host'`, and
/// an unknown one, `"X-Custom"`), `http_eoh`; then the next request line
/// is read as a request line again (the socket switched to `httph` after
/// the request line and back after `http_eoh`), while `getopts` keeps
/// saying `http`.
fn http_request(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Http)])?;
    step(
        "send",
        gen_tcp::send(
            &c,
            "GET /index.html HTTP/1.1\r\nHost: example.com\r\nX-Custom: v\r\n\r\nPOST / HTTP/1.0\r\n\r\n",
        ),
    )?;
    let next = || gen_tcp::recv(&s, 0, Some(WAIT));
    let request = |method, path, version| {
        Data::Http(HttpPacket::Request {
            method,
            uri: HttpUri::AbsPath(b(path)),
            version,
        })
    };
    eq(
        "request line",
        next(),
        Ok(request(HttpMethod::Get, "/index.html", (1, 1))),
    )?;
    eq(
        "Host",
        next(),
        Ok(header(
            HttpField::Known(HttpHeader::Host),
            "Host",
            "example.com",
        )),
    )?;
    eq(
        "X-Custom",
        next(),
        Ok(header(HttpField::Other(b("X-Custom")), "X-Custom", "v")),
    )?;
    eq("eoh", next(), Ok(Data::Http(HttpPacket::Eoh)))?;
    eq(
        "second request line",
        next(),
        Ok(request(HttpMethod::Post, "/", (1, 0))),
    )?;
    eq("second eoh", next(), Ok(Data::Http(HttpPacket::Eoh)))?;
    eq(
        "getopts packet",
        gen_tcp::getopts(&s, &[OptName::Packet]),
        Ok(vec![Opt::Packet(PacketType::Http)]),
    )
}

/// `{packet, http_bin}` in active mode: a status line, a header and
/// `http_eoh` arrive as three messages.
fn http_bin_response(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(
        &[],
        &[Opt::Packet(PacketType::HttpBin), Opt::Active(Active::True)],
    )?;
    step(
        "send",
        gen_tcp::send(&c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
    )?;
    let want = vec![
        Seen::Tcp(Data::Http(HttpPacket::Response {
            version: (1, 1),
            status: 200,
            reason: b("OK"),
        })),
        Seen::Tcp(header(
            HttpField::Known(HttpHeader::ContentLength),
            "Content-Length",
            "5",
        )),
        Seen::Tcp(Data::Http(HttpPacket::Eoh)),
    ];
    eq("messages", drain_msgs(&s, 3), want)
}

/// `{packet, httph}`: header lines only, then `http_eoh`.
fn httph(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Httph)])?;
    step("send", gen_tcp::send(&c, "Host: a\r\n\r\n"))?;
    eq(
        "Host",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(header(HttpField::Known(HttpHeader::Host), "Host", "a")),
    )?;
    eq(
        "eoh",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(Data::Http(HttpPacket::Eoh)),
    )
}

/// `{packet, httph_bin}`: a header line is delivered once the next line
/// shows it has no continuation.
fn httph_bin(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::HttphBin)])?;
    step("send", gen_tcp::send(&c, "X-Custom: v\r\n"))?;
    eq(
        "header waits for the next line",
        recv_short(&s).map(|_| ()),
        Err(Error::Timeout),
    )?;
    step("send", gen_tcp::send(&c, "\r\n"))?;
    eq(
        "X-Custom",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(header(HttpField::Other(b("X-Custom")), "X-Custom", "v")),
    )?;
    eq(
        "eoh",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(Data::Http(HttpPacket::Eoh)),
    )
}

/// HTTP version numbers and status codes of 2^31 and more: OTP's
/// `packet_parser.c` keeps them in a C `int`, so a socket of either
/// backend delivers them wrapped (checked on OTP 25, both backends).
fn http_numbers_wrap(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Http)])?;
    step(
        "send",
        gen_tcp::send(
            &c,
            "HTTP/1.1 2147483648 OK\r\n\r\nHTTP/4294967297.2 99999999999 OK\r\n\r\n\
             GET / HTTP/3000000000.1\r\n\r\n",
        ),
    )?;
    let next = || gen_tcp::recv(&s, 0, Some(WAIT));
    let response = |version, status| {
        Ok(Data::Http(HttpPacket::Response {
            version,
            status,
            reason: b("OK"),
        }))
    };
    eq("2^31", next(), response((1, 1), -2147483648))?;
    eq("eoh", next(), Ok(Data::Http(HttpPacket::Eoh)))?;
    eq("2^32 + 1, 10^11 - 1", next(), response((1, 2), 1215752191))?;
    eq("eoh", next(), Ok(Data::Http(HttpPacket::Eoh)))?;
    eq(
        "request version 3 * 10^9",
        next(),
        Ok(Data::Http(HttpPacket::Request {
            method: HttpMethod::Get,
            uri: HttpUri::AbsPath(b("/")),
            version: (-1294967296, 1),
        })),
    )
}

/// After a status line the socket reads headers. `setopts` of `packet`
/// (here to `raw` and back) keeps that state on `inet` (`inet_drv`'s
/// `http_state`), and restarts at a start line on `socket`
/// (`gen_tcp_socket`), where the header line is then an `http_error`
/// (OTP 25, both backends).
fn http_state_after_setopts(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Http)])?;
    step("send", gen_tcp::send(&c, "HTTP/1.1 200 OK\r\n"))?;
    eq(
        "status line",
        gen_tcp::recv(&s, 0, Some(WAIT)),
        Ok(Data::Http(HttpPacket::Response {
            version: (1, 1),
            status: 200,
            reason: b("OK"),
        })),
    )?;
    step("raw", gen_tcp::setopts(&s, &[Opt::Packet(PacketType::Raw)]))?;
    step(
        "http",
        gen_tcp::setopts(&s, &[Opt::Packet(PacketType::Http)]),
    )?;
    step("send", gen_tcp::send(&c, "X-A: b\r\n\r\n"))?;
    let next = || gen_tcp::recv(&s, 0, Some(WAIT));
    let want = ctx.per_backend(
        [
            header(HttpField::Other(b("X-A")), "X-A", "b"),
            Data::Http(HttpPacket::Eoh),
        ],
        [
            Data::Http(HttpPacket::Error(b("X-A: b\r\n"))),
            Data::Http(HttpPacket::Error(b("\r\n"))),
        ],
    );
    eq("header line", next(), Ok(want[0].clone()))?;
    eq("empty line", next(), Ok(want[1].clone()))
}
