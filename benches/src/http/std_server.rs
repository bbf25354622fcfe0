//! The `std` row of section f: the example `http_server`'s HTTP/1.1 on
//! `std::net`, a thread per connection, run as `bench --serve http std`.
//!
//! Minimal but correct for what it serves: the request line and headers
//! are read line by line from a buffered reader (each line at most
//! [`MAX_LINE`] bytes, at most [`MAX_HEADERS`] headers), a body by
//! `Content-Length` (at most [`MAX_BODY`]) is read and dropped, and the
//! reply is the example's, byte for byte. HTTP/1.1 keeps the connection
//! unless `Connection: close`; HTTP/1.0 closes it unless
//! `Connection: keep-alive`. A line that does not parse is 400 and
//! closes; chunked bodies are 501.

use crate::spawned::Spawned;
use crate::{trace, Context, Section};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

/// Longest request or header line.
pub const MAX_LINE: u64 = 8 * 1024;
/// Most headers in one request.
pub const MAX_HEADERS: usize = 100;
/// Largest body.
pub const MAX_BODY: u64 = 1 << 20;
/// A connection idle this long is closed.
const IDLE: Duration = Duration::from_secs(60);
/// What every request gets.
pub const BODY: &[u8] = b"Hello, world!\n";

/// Starts `bench --serve http std` (under `strace` when the row counts
/// the server's syscalls).
pub fn start() -> Result<Spawned, String> {
    let exe = std::env::current_exe().ctx("current_exe")?;
    let mut command = Command::new(exe);
    command.args(["--serve", Section::Http.name(), "std"]);
    let deadline = Instant::now() + Section::Http.timeout();
    Spawned::start(trace::wrap(command), "std http server", deadline)
}

/// In the server's process: listens on an ephemeral loopback port, says
/// where, and serves until killed.
pub fn serve() -> Result<(), String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let port = listener.local_addr().ctx("local_addr")?.port();
    println!("std http server listening on http://127.0.0.1:{port}/");
    std::io::stdout().flush().ctx("stdout")?;
    loop {
        let (s, _) = listener.accept().ctx("accept")?;
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                // A connection's failure ends that connection only.
                let _ = connection(s);
            })
            .ctx("spawn")?;
    }
}

/// A request's head, as far as the server cares.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    head_only: bool,
    keep_alive: bool,
    content_length: u64,
}

/// Why a request is refused: the status line to answer with.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    BadRequest,
    PayloadTooLarge,
    NotImplemented,
    VersionNotSupported,
}

impl Refusal {
    fn status(&self) -> &'static str {
        match self {
            Refusal::BadRequest => "400 Bad Request",
            Refusal::PayloadTooLarge => "413 Payload Too Large",
            Refusal::NotImplemented => "501 Not Implemented",
            Refusal::VersionNotSupported => "505 HTTP Version Not Supported",
        }
    }
}

fn connection(s: TcpStream) -> std::io::Result<()> {
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(IDLE))?;
    let mut reader = BufReader::with_capacity(MAX_LINE as usize, s.try_clone()?);
    let mut writer = s;
    let mut line = Vec::with_capacity(256);
    loop {
        let head = match read_head(&mut reader, &mut line)? {
            None => return Ok(()),
            Some(Ok(head)) => head,
            Some(Err(refusal)) => {
                let reply = format!(
                    "HTTP/1.1 {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    refusal.status()
                );
                return writer.write_all(reply.as_bytes());
            }
        };
        if head.content_length > 0 {
            let n = std::io::copy(
                &mut (&mut reader).take(head.content_length),
                &mut std::io::sink(),
            )?;
            if n < head.content_length {
                return Ok(()); // the client left mid-body
            }
        }
        writer.write_all(&reply(&head))?;
        if !head.keep_alive {
            return Ok(());
        }
    }
}

/// The reply to a request that was read whole.
fn reply(head: &Head) -> Vec<u8> {
    let connection = match head.keep_alive {
        true => "",
        false => "Connection: close\r\n",
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

/// The next request's head: `None` when the client closed between
/// requests (or stayed idle too long).
fn read_head(
    r: &mut impl BufRead,
    line: &mut Vec<u8>,
) -> std::io::Result<Option<Result<Head, Refusal>>> {
    let Some(request) = read_line(r, line)? else {
        return Ok(None);
    };
    let (head_only, version) = match parse_request_line(request) {
        Some((method, Some(minor))) => (method == b"HEAD", minor),
        Some((_, None)) => return Ok(Some(Err(Refusal::VersionNotSupported))),
        None => return Ok(Some(Err(Refusal::BadRequest))),
    };
    let (mut keep_alive, mut content_length) = (version == 1, 0u64);
    for _ in 0..=MAX_HEADERS {
        let Some(header) = read_line(r, line)? else {
            return Ok(None);
        };
        if header.is_empty() {
            return Ok(Some(Ok(Head {
                head_only,
                keep_alive,
                content_length,
            })));
        }
        let Some((name, value)) = parse_header(header) else {
            return Ok(Some(Err(Refusal::BadRequest)));
        };
        if name.eq_ignore_ascii_case(b"content-length") {
            match std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                Some(n) if n <= MAX_BODY => content_length = n,
                Some(_) => return Ok(Some(Err(Refusal::PayloadTooLarge))),
                None => return Ok(Some(Err(Refusal::BadRequest))),
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            return Ok(Some(Err(Refusal::NotImplemented)));
        } else if name.eq_ignore_ascii_case(b"connection") {
            for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                if token.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    keep_alive = true;
                }
            }
        }
    }
    Ok(Some(Err(Refusal::BadRequest))) // too many headers
}

/// `METHOD SP TARGET SP HTTP/x.y`: the method and, for HTTP/1.0 and
/// HTTP/1.1, the minor version.
fn parse_request_line(line: &[u8]) -> Option<(&[u8], Option<u8>)> {
    let mut parts = line.split(|&b| b == b' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || method.is_empty() || target.is_empty() {
        return None;
    }
    match version {
        b"HTTP/1.1" => Some((method, Some(1))),
        b"HTTP/1.0" => Some((method, Some(0))),
        v if v.starts_with(b"HTTP/") => Some((method, None)),
        _ => None,
    }
}

/// `Name: value`, the value without surrounding whitespace.
fn parse_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || name.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    Some((name, value.trim_ascii()))
}

/// One line without its `\r\n` (or `\n`); `None` at end of stream or
/// after an idle timeout. A line longer than [`MAX_LINE`] or cut short
/// by the end of the stream is an error.
fn read_line<'a>(r: &mut impl BufRead, line: &'a mut Vec<u8>) -> std::io::Result<Option<&'a [u8]>> {
    line.clear();
    let n = match r.by_ref().take(MAX_LINE).read_until(b'\n', line) {
        Ok(n) => n,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long or cut short",
        ));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(request: &[u8]) -> Option<Result<Head, Refusal>> {
        read_head(&mut &request[..], &mut Vec::new()).unwrap()
    }

    #[test]
    fn a_get_keeps_the_connection() {
        assert_eq!(
            head(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some(Ok(Head {
                head_only: false,
                keep_alive: true,
                content_length: 0
            }))
        );
    }

    #[test]
    fn close_head_and_bodies_are_seen() {
        let h = head(b"HEAD /x HTTP/1.1\r\nConnection: close\r\nContent-Length: 5\r\n\r\n");
        assert_eq!(
            h,
            Some(Ok(Head {
                head_only: true,
                keep_alive: false,
                content_length: 5
            }))
        );
        let h = head(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").unwrap();
        assert!(h.unwrap().keep_alive);
        assert!(!head(b"GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().keep_alive);
    }

    #[test]
    fn bad_requests_are_refused() {
        assert_eq!(head(b"garbage\r\n\r\n"), Some(Err(Refusal::BadRequest)));
        assert_eq!(
            head(b"GET / HTTP/2.0\r\n\r\n"),
            Some(Err(Refusal::VersionNotSupported))
        );
        assert_eq!(
            head(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            Some(Err(Refusal::BadRequest))
        );
        assert_eq!(
            head(b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"),
            Some(Err(Refusal::PayloadTooLarge))
        );
        assert_eq!(
            head(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(Err(Refusal::NotImplemented))
        );
        assert_eq!(head(b""), None);
    }

    #[test]
    fn replies_are_the_examples() {
        let h = Head {
            head_only: false,
            keep_alive: true,
            content_length: 0,
        };
        assert_eq!(
            reply(&h),
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n"
        );
    }
}
