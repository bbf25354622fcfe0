//! `close/1` with data still on its way: the queued bytes, and
//! `{linger, {true, 0}}`. Expected values are OTP 25's
//! (`docs/otp-answers.md`, "Added by the conformance suite", A3).

use crate::ctx::{
    answer, bytes, drain_msgs, ensure, eq, in_process, in_process_blocked, posix, recv_to_end,
    send_to_non_reader, step, wait_arrived, Check, Ctx, Seen, WAIT,
};
use gen_tcp::{Active, Error, InetBackend, Opt};

crate::scenarios! {
    "close/with_queued_data_peer_gets_every_byte_then_eof" => with_queued_data;
    "close/linger_zero_resets_peer_and_drops_the_rest" => linger_zero_drops_rest;
    "close/linger_zero_after_a_completed_send" => linger_zero_after_completed_send;
}

/// Closes `c` in another process without anyone reading its peer: it must
/// return by itself (bounded by [`WAIT`]: a close that waited for a reader
/// would never answer).
fn close_with_no_reader(c: &gen_tcp::Socket) -> Check {
    let c = c.clone();
    let (_, rx) = in_process(move || gen_tcp::close(&c));
    step("close", answer("close with no reader", &rx)?)
}

/// Close with 12 MB still in `inet`'s queue and a peer that does not read
/// yet. OTP's `inet` does **not** return at once: close waits until the
/// queue is written (it returned after 358 ms, once the peer had drained
/// it; with a peer that never reads it was still blocked after 3 s): here
/// the close is seen waiting, unfinished, while the peer reads nothing.
/// Then the peer reads all 16 MB in order, then `closed`, and the close
/// returns. `socket` has nothing queued: close returns with no reader at
/// all, and the peer reads the bytes sent before `Rest`, then `closed`.
fn with_queued_data(ctx: &Ctx) -> Check {
    let (c, s, data, sent) = send_to_non_reader(ctx)?;
    let (got, end) = match ctx.backend {
        InetBackend::Inet => {
            let c2 = c.clone();
            let (_, closed) = in_process_blocked(move || gen_tcp::close(&c2))?;
            ensure(
                "close waits while the queue is not written",
                closed.try_recv().is_err(),
            )?;
            let read = recv_to_end(&s);
            step("close", answer("close", &closed)?)?;
            read
        }
        InetBackend::Socket => {
            close_with_no_reader(&c)?;
            recv_to_end(&s)
        }
    };
    eq("peer read", got.len(), sent)?;
    eq("every byte in order", got == data[..sent], true)?;
    eq("then", end, Error::Closed)
}

/// The same with `{linger, {true, 0}}`: close returns at once on both,
/// the kernel resets the connection and drops what the peer has not
/// received. The peer reads what was already in its receive buffer (OTP:
/// 127973 of 16 MB on `inet`, of 4 MB on `socket`), a prefix, then
/// `closed` (the default `show_econnreset` hides the reset).
fn linger_zero_drops_rest(ctx: &Ctx) -> Check {
    let (c, s, data, sent) = send_to_non_reader(ctx)?;
    step(
        "setopts linger",
        gen_tcp::setopts(&c, &[Opt::Linger((true, 0))]),
    )?;
    close_with_no_reader(&c)?;
    let (got, end) = recv_to_end(&s);
    ensure(
        &format!("peer read {} of {sent}: not all", got.len()),
        got.len() < sent,
    )?;
    eq("a prefix", got == data[..got.len()], true)?;
    eq("then", end, Error::Closed)
}

/// `{linger, {true, 0}}` after a 5-byte send that completed. Unread by
/// the peer: it still reads `hello`, then `closed`; in active mode it gets
/// `{tcp, hello}` then `tcp_closed`. Already read: the peer's next recv is
/// `closed`, then `enotconn` on `inet` (the port is gone) and `closed` on
/// `socket`. Without linger the peer reads `hello` then `closed`.
fn linger_zero_after_completed_send(ctx: &Ctx) -> Check {
    let linger0 = [Opt::Linger((true, 0))];
    let recv = |s: &gen_tcp::Socket| bytes(gen_tcp::recv(s, 0, Some(WAIT)));
    // The data has reached the peer before the reset is sent (a reset
    // drops what is still on its way); the reset then comes after it, and
    // a recv that waits for it gets it.

    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    wait_arrived(&s, 5)?;
    step("setopts linger", gen_tcp::setopts(&c, &linger0))?;
    step("close", gen_tcp::close(&c))?;
    eq("unread: recv #1", recv(&s), Ok(b"hello".to_vec()))?;
    eq("unread: recv #2", recv(&s), Err(Error::Closed))?;

    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    eq("peer reads", recv(&s), Ok(b"hello".to_vec()))?;
    step("setopts linger", gen_tcp::setopts(&c, &linger0))?;
    step("close", gen_tcp::close(&c))?;
    eq("read: recv #1", recv(&s), Err(Error::Closed))?;
    eq(
        "read: recv #2",
        recv(&s),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )?;

    let (c, s) = ctx.pair(&[], &[Opt::Active(Active::True)])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    wait_arrived(&s, 5)?;
    step("setopts linger", gen_tcp::setopts(&c, &linger0))?;
    step("close", gen_tcp::close(&c))?;
    eq(
        "active peer",
        drain_msgs(&s, 2),
        vec![Seen::tcp(b"hello"), Seen::Closed],
    )?;

    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    step("close", gen_tcp::close(&c))?;
    eq("no linger: recv #1", recv(&s), Ok(b"hello".to_vec()))?;
    eq("no linger: recv #2", recv(&s), Err(Error::Closed))
}
