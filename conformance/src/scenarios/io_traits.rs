//! The Rust traits a `Socket` implements: `std::io::Read` and `Write` on
//! `&Socket` (bytes as `recv(S, 0)` and `send` move them) and `AsRawFd`.

use crate::ctx::{ensure, eq, step, Check, Ctx};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;

crate::scenarios! {
    "io_traits/write_then_read_through_std_io" => write_then_read;
    "io_traits/read_returns_zero_at_end_of_stream" => read_zero_at_eof;
    "io_traits/as_raw_fd_names_the_descriptor" => as_raw_fd;
}

/// `write_all` on `&Socket` sends; `read_exact` on the peer's `&Socket`
/// reads the same bytes, across writes.
fn write_then_read(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    (&c).write_all(b"hello, ")
        .map_err(|e| format!("write: {e}"))?;
    (&c).write_all(b"world")
        .map_err(|e| format!("write: {e}"))?;
    (&c).flush().map_err(|e| format!("flush: {e}"))?;
    let mut buf = [0u8; 12];
    (&s).read_exact(&mut buf)
        .map_err(|e| format!("read_exact: {e}"))?;
    eq("read", &buf, b"hello, world")
}

/// After the peer closes, `read` gives its bytes and then `Ok(0)`, as
/// `std::io::Read` requires, where `recv` would say `closed`.
fn read_zero_at_eof(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "bye"))?;
    step("close", gen_tcp::close(&c))?;
    let mut all = Vec::new();
    (&s).read_to_end(&mut all)
        .map_err(|e| format!("read_to_end: {e}"))?;
    eq("read", all, b"bye".to_vec())?;
    let mut buf = [0u8; 4];
    eq(
        "read again",
        (&s).read(&mut buf).map_err(|e| e.to_string()),
        Ok(0),
    )
}

/// `as_raw_fd` is a valid, distinct descriptor for each end, and the same
/// for every clone of a socket.
fn as_raw_fd(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let (cf, sf) = (c.as_raw_fd(), s.as_raw_fd());
    ensure("descriptors are valid", cf >= 0 && sf >= 0)?;
    ensure("ends differ", cf != sf)?;
    eq("clone", c.clone().as_raw_fd(), cf)?;
    // The descriptor is the socket: a std stream borrowed from it sees
    // the same local address as `sockname`.
    let borrowed = unsafe_free_local_addr(&c)?;
    eq(
        "local address",
        Some(borrowed),
        gen_tcp::sockname(&c).ok().and_then(|a| a.as_inet()),
    )
}

/// The local address of the socket's descriptor, read through a duplicate
/// of it (so the socket's own descriptor is never taken over).
fn unsafe_free_local_addr(s: &gen_tcp::Socket) -> Result<std::net::SocketAddr, String> {
    use std::os::fd::AsFd;
    let dup = s
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| format!("dup: {e}"))?;
    let stream = std::net::TcpStream::from(dup);
    stream.local_addr().map_err(|e| format!("local_addr: {e}"))
}
