//! A real HTTP/1.1 keep-alive server on `{packet, http_bin}`: the socket
//! parses each request's head into packets, the server only decides.
//!
//! Per connection, one process reads a request as gen_tcp delivers it in
//! `{packet, http_bin}` mode: `{http_request, Method, Uri, Version}`, then
//! `{http_header, ...}` packets until `http_eoh`. A body announced by
//! `Content-Length` is read with the socket switched to `{packet, raw}`
//! for exactly that many bytes, then back to `http_bin` for the next
//! request (bytes the socket already holds stay in its buffer across the
//! switch). Every request gets the same small text; `HEAD` gets its head
//! only. The connection is kept for the next request unless the client
//! says `Connection: close` (or speaks HTTP/1.0 without
//! `Connection: keep-alive`). A line that does not parse (`http_error`)
//! gets 400 and the connection closes, as do a body over 1 MiB (413),
//! chunked bodies (501) and other HTTP versions (505).
//!
//! Connections are accepted as Erlang servers often do it: one acceptor
//! at a time, which spawns the next acceptor as soon as it has a
//! connection, then serves that connection itself (so the process that
//! accepted a socket, its controlling process, is the one that uses it).
//!
//! ```erlang
//! acceptor(L) ->
//!     {ok, S} = gen_tcp:accept(L),
//!     spawn(fun() -> acceptor(L) end),
//!     request(S).
//!
//! request(S) ->
//!     case gen_tcp:recv(S, 0, ?IDLE) of
//!         {ok, {http_request, Method, _Uri, Version}} -> headers(S, ...);
//!         {ok, {http_error, _Line}} -> refuse(S, "400 Bad Request");
//!         {error, _} -> gen_tcp:close(S)
//!     end.
//! ```
//!
//! `benches/` drives this server with `wrk` beside the same server on
//! `std::net` and on OTP's gen_tcp (`just bench`, section f).
//!
//! ```text
//! cargo run --release -p gen_tcp --example http_server -- [inet|socket] [PORT]
//! cargo run -p gen_tcp --example http_server -- --self-test [inet|socket]
//! ```
//! It listens on 127.0.0.1 (PORT 0, the default, lets the OS pick) and
//! prints `listening on http://127.0.0.1:PORT/`. `--self-test` starts it
//! on an ephemeral port, sends it requests from a plain `std::net`
//! client, checks every answer and exits (0 when all were right).

use gen_tcp::packet::http::{HttpField, HttpHeader, HttpMethod};
use gen_tcp::{Active, Data, Error, HttpPacket, InetBackend, Opt, PacketType, Socket};
use std::io::{BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::Duration;

/// What every request gets.
const BODY: &[u8] = b"Hello, world!\n";
/// A connection idle this long between or inside requests is closed.
const IDLE: Duration = Duration::from_secs(60);
/// The largest request body read.
const MAX_BODY: usize = 1 << 20;
/// The most headers in one request.
const MAX_HEADERS: usize = 100;
/// The longest request or header line (`packet_size`); longer is an error.
const MAX_LINE: u32 = 8 * 1024;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: http_server [--self-test] [inet|socket] [PORT]";
    let mut self_test = false;
    let mut port = 0;
    for arg in std::env::args().skip(1) {
        if arg == "--self-test" {
            self_test = true;
        } else if let Some(b) = InetBackend::from_name(&arg) {
            // As the kernel's `inet_backend` parameter: the default for all.
            gen_tcp::set_default_backend(b);
        } else {
            port = arg.parse().map_err(|_| usage)?;
        }
    }
    let backend = gen_tcp::default_backend().name();
    let listen = gen_tcp::listen(
        if self_test { 0 } else { port },
        &[
            Opt::Ip(Ipv4Addr::LOCALHOST.into()),
            Opt::Binary,
            Opt::Packet(PacketType::HttpBin),
            Opt::PacketSize(MAX_LINE),
            Opt::Active(Active::False),
            Opt::Reuseaddr(true),
            Opt::Backlog(1024),
            Opt::Nodelay(true),
        ],
    )?;
    let port = gen_tcp::port(&listen)?;
    let first = listen.clone();
    gen_tcp::spawn(move || acceptor(first));
    if self_test {
        self_test_against(port)?;
        println!("http_server --self-test: {backend} backend, all answers right");
        return Ok(());
    }
    println!("http_server: {backend} backend, listening on http://127.0.0.1:{port}/");
    std::io::stdout().flush()?;
    // This process owns the listen socket: it lives as long as the server.
    loop {
        std::thread::park();
    }
}

/// Accepts one connection, starts the next acceptor, serves the
/// connection. Ends when the listen socket is closed.
fn acceptor(listen: Socket) {
    loop {
        match gen_tcp::accept(&listen, None) {
            Ok(s) => {
                let next = listen.clone();
                gen_tcp::spawn(move || acceptor(next));
                // The connection's end is the client's or an error's:
                // either way this process is done with it.
                let _ = serve(&s);
                let _ = gen_tcp::close(&s);
                return;
            }
            Err(Error::Closed) => return,
            Err(e) => {
                // Out of descriptors (system_limit) and the like: say so,
                // give the system a moment, accept again.
                eprintln!("http_server: accept: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// What the server needs of a request's head.
#[derive(Debug)]
struct Head {
    head_only: bool,
    keep_alive: bool,
    content_length: usize,
}

/// A request the server will not serve: the status line of its answer.
#[derive(Debug)]
struct Refusal(&'static str);

const BAD_REQUEST: Refusal = Refusal("400 Bad Request");

/// Serves requests on `s` until the client closes, asks to close, or
/// sends what cannot be served.
fn serve(s: &Socket) -> gen_tcp::Result<()> {
    loop {
        let head = match read_head(s)? {
            Ok(head) => head,
            Err(Refusal(status)) => {
                let answer =
                    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return gen_tcp::send(s, answer);
            }
        };
        if head.content_length > 0 {
            // The body is bytes, not HTTP packets: read it raw.
            gen_tcp::setopts(s, &[Opt::Packet(PacketType::Raw)])?;
            gen_tcp::recv(s, head.content_length, Some(IDLE))?;
            gen_tcp::setopts(s, &[Opt::Packet(PacketType::HttpBin)])?;
        }
        gen_tcp::send(s, reply(&head))?;
        if !head.keep_alive {
            return Ok(());
        }
    }
}

/// The answer to a request read whole: the same bytes as the std and OTP
/// servers of `benches/` send.
fn reply(head: &Head) -> Vec<u8> {
    let connection = if head.keep_alive {
        ""
    } else {
        "Connection: close\r\n"
    };
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{connection}\r\n",
        BODY.len()
    )
    .into_bytes();
    if !head.head_only {
        r.extend_from_slice(BODY);
    }
    r
}

/// The next request's head, packet by packet. `Err` from the socket
/// (`closed`, `timeout`, ...) ends the connection without an answer.
fn read_head(s: &Socket) -> gen_tcp::Result<Result<Head, Refusal>> {
    let (method, version) = match http_packet(s)? {
        HttpPacket::Request {
            method, version, ..
        } => (method, version),
        // `{http_error, Line}`, or a header or `http_eoh` where the
        // request line belongs.
        _ => return Ok(Err(BAD_REQUEST)),
    };
    let mut keep_alive = match version {
        (1, 1) => true,
        (1, 0) => false,
        _ => return Ok(Err(Refusal("505 HTTP Version Not Supported"))),
    };
    let mut content_length = 0;
    for _ in 0..=MAX_HEADERS {
        let (field, value) = match http_packet(s)? {
            HttpPacket::Eoh => {
                return Ok(Ok(Head {
                    head_only: method == HttpMethod::Head,
                    keep_alive,
                    content_length,
                }))
            }
            HttpPacket::Header { field, value, .. } => (field, value),
            _ => return Ok(Err(BAD_REQUEST)),
        };
        match field {
            HttpField::Known(HttpHeader::ContentLength) => {
                match std::str::from_utf8(&value)
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                {
                    Some(n) if n <= MAX_BODY => content_length = n,
                    Some(_) => return Ok(Err(Refusal("413 Payload Too Large"))),
                    None => return Ok(Err(BAD_REQUEST)),
                }
            }
            HttpField::Known(HttpHeader::TransferEncoding) => {
                return Ok(Err(Refusal("501 Not Implemented")))
            }
            HttpField::Known(HttpHeader::Connection) => {
                for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                    if token.eq_ignore_ascii_case(b"close") {
                        keep_alive = false;
                    } else if token.eq_ignore_ascii_case(b"keep-alive") {
                        keep_alive = true;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Err(BAD_REQUEST)) // too many headers
}

/// The next HTTP packet of a passive `{packet, http_bin}` socket.
fn http_packet(s: &Socket) -> gen_tcp::Result<HttpPacket> {
    match gen_tcp::recv(s, 0, Some(IDLE))? {
        Data::Http(p) => Ok(p),
        // Only a socket not in an http mode delivers bytes.
        _ => Err(Error::Einval),
    }
}

/// `--self-test`: requests from a plain `std::net` client, each answer
/// checked byte for byte.
fn self_test_against(port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let ok_keep = reply(&Head {
        head_only: false,
        keep_alive: true,
        content_length: 0,
    });
    let ok_close = reply(&Head {
        head_only: false,
        keep_alive: false,
        content_length: 0,
    });
    let head_only = reply(&Head {
        head_only: true,
        keep_alive: true,
        content_length: 0,
    });
    let bad = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    // Keep-alive: several requests, one at a time, on one connection,
    // then a body, HEAD, two pipelined requests, and `Connection: close`.
    let mut c = Client::connect(port)?;
    for _ in 0..3 {
        c.ask(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", &ok_keep)?;
    }
    c.ask(
        b"POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world",
        &ok_keep,
    )?;
    c.ask(b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n", &head_only)?;
    let two = [&ok_keep[..], &ok_keep[..]].concat();
    c.ask(
        b"GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: localhost\r\n\r\n",
        &two,
    )?;
    // A body and the next request in one write: the switch back from raw
    // must find the next request already in the socket's buffer.
    let two = [&ok_keep[..], &ok_close[..]].concat();
    c.ask(
        b"PUT /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        &two,
    )?;
    c.expect_closed()?;

    // HTTP/1.0 closes unless asked to keep the connection.
    let mut c = Client::connect(port)?;
    c.ask(
        b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        &ok_keep,
    )?;
    c.ask(b"GET / HTTP/1.0\r\n\r\n", &ok_close)?;
    c.expect_closed()?;

    // A line that does not parse is http_error: 400, and closed.
    let mut c = Client::connect(port)?;
    c.ask(b"this is not http\r\n\r\n", bad)?;
    c.expect_closed()?;
    let mut c = Client::connect(port)?;
    c.ask(b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", bad)?;
    c.expect_closed()?;
    Ok(())
}

/// A blocking std client with a bounded wait for every answer.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Client {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    /// Sends `request` and checks that exactly `answer` comes back.
    fn ask(&mut self, request: &[u8], answer: &[u8]) -> Result<(), String> {
        self.writer
            .write_all(request)
            .map_err(|e| format!("send: {e}"))?;
        let mut got = vec![0u8; answer.len()];
        self.reader.read_exact(&mut got).map_err(|e| {
            let first = request.split(|&b| b == b'\r').next().unwrap_or(request);
            format!("answer to {:?}: {e}", String::from_utf8_lossy(first))
        })?;
        if got != answer {
            return Err(format!(
                "to {:?} the server answered {:?}, not {:?}",
                String::from_utf8_lossy(request),
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(answer)
            ));
        }
        Ok(())
    }

    /// Checks that the server closed the connection, with nothing more.
    fn expect_closed(&mut self) -> Result<(), String> {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) if rest.is_empty() => Ok(()),
            Ok(_) => Err(format!(
                "after the last answer: {:?}",
                String::from_utf8_lossy(&rest)
            )),
            Err(e) => Err(format!("the server did not close: {e}")),
        }
    }
}
