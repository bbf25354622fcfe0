//! `shutdown/2`. Expected values are OTP 25's (`docs/otp-answers.md`,
//! probe questions 8 and 15).

use crate::ctx::{bytes, eq, posix, step, Check, Ctx, WAIT};
use gen_tcp::{Error, Opt, Shutdown};

crate::scenarios! {
    "shutdown/write_peer_reads_all_then_closed_and_can_reply" => write_then_peer_replies;
    "shutdown/send_after_shutdown_write_is_closed" => send_after_shutdown_write;
    "shutdown/peer_half_close_with_default_exit_on_close" => peer_half_close_default_exit_on_close;
    "shutdown/read_stops_reading_but_not_sending" => read_keeps_sending;
    "shutdown/on_closed_socket_is_closed" => on_closed_socket;
    "shutdown/on_listen_socket_is_enotconn" => on_listen_socket;
}

/// "`How == write` means closing the socket for writing, reading from it
/// is still possible": the peer (with `{exit_on_close, false}`, so that
/// its end of stream does not close it) reads `hello`, then `closed`, then
/// replies, and we read the reply.
fn write_then_peer_replies(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::ExitOnClose(false)])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    step("shutdown write", gen_tcp::shutdown(&c, Shutdown::Write))?;
    eq(
        "peer recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Ok(b"hello".to_vec()),
    )?;
    eq(
        "peer recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(Error::Closed),
    )?;
    step("peer replies", gen_tcp::send(&s, "back"))?;
    eq(
        "we recv",
        bytes(gen_tcp::recv(&c, 0, Some(WAIT))),
        Ok(b"back".to_vec()),
    )
}

/// After `shutdown(write)`, `send` is `closed`; a second `send` is
/// `enotconn` on `inet` (the failed send closed the port) and `closed`
/// on `socket`.
fn send_after_shutdown_write(ctx: &Ctx) -> Check {
    let (c, _s) = ctx.pair(&[], &[])?;
    step("shutdown write", gen_tcp::shutdown(&c, Shutdown::Write))?;
    eq("send #1", gen_tcp::send(&c, "x"), Err(Error::Closed))?;
    eq(
        "send #2",
        gen_tcp::send(&c, "x"),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )
}

/// The peer half-closes and we keep the default `{exit_on_close, true}`:
/// we read `abc` then `closed`. On `inet` that end of stream closes our
/// socket, so our reply is `closed` and never arrives; on `socket` the
/// reply is sent and the peer reads it.
fn peer_half_close_default_exit_on_close(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("peer send", gen_tcp::send(&c, "abc"))?;
    step(
        "peer shutdown write",
        gen_tcp::shutdown(&c, Shutdown::Write),
    )?;
    eq(
        "recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Ok(b"abc".to_vec()),
    )?;
    eq(
        "recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(Error::Closed),
    )?;
    eq(
        "reply",
        gen_tcp::send(&s, "reply"),
        ctx.per_backend(Err(Error::Closed), Ok(())),
    )?;
    eq(
        "peer recv",
        bytes(gen_tcp::recv(&c, 0, Some(WAIT))),
        ctx.per_backend(Err(Error::Closed), Ok(b"reply".to_vec())),
    )
}

/// `shutdown(read)`: we can still send (the peer reads it) and our `recv`
/// is `closed`.
fn read_keeps_sending(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("shutdown read", gen_tcp::shutdown(&s, Shutdown::Read))?;
    step("send", gen_tcp::send(&s, "out"))?;
    eq(
        "peer recv",
        bytes(gen_tcp::recv(&c, 0, Some(WAIT))),
        Ok(b"out".to_vec()),
    )?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(Error::Closed),
    )
}

/// `shutdown` on a socket we closed: `closed`, for every `How`.
fn on_closed_socket(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    step("close", gen_tcp::close(&s))?;
    eq(
        "write",
        gen_tcp::shutdown(&s, Shutdown::Write),
        Err(Error::Closed),
    )?;
    eq(
        "read",
        gen_tcp::shutdown(&s, Shutdown::Read),
        Err(Error::Closed),
    )
}

/// `shutdown` on a listen socket: `enotconn` (the kernel's answer), and
/// the socket still listens (`accept` times out rather than failing).
fn on_listen_socket(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary])?;
    for how in [Shutdown::Write, Shutdown::Read, Shutdown::ReadWrite] {
        eq(
            &format!("{how:?}"),
            gen_tcp::shutdown(&l, how),
            Err(posix("enotconn")),
        )?;
    }
    eq(
        "accept",
        gen_tcp::accept(&l, Some(crate::ctx::SHORT)).map(|_| ()),
        Err(Error::Timeout),
    )
}
