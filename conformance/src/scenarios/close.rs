//! `close/1` with data still on its way: the queued bytes, and
//! `{linger, {true, 0}}`. Expected values are OTP 25's
//! (`docs/otp-answers.md`, "Added by the conformance suite", A3).

use crate::ctx::{
    bytes, drain_msgs, ensure, eq, posix, recv_to_end, send_to_non_reader, step, Check, Ctx, Seen,
    WAIT,
};
use gen_tcp::{Active, Error, InetBackend, Opt};
use std::time::{Duration, Instant};

crate::scenarios! {
    "close/with_queued_data_peer_gets_every_byte_then_eof" => with_queued_data;
    "close/linger_zero_resets_peer_and_drops_the_rest" => linger_zero_drops_rest;
    "close/linger_zero_after_a_completed_send" => linger_zero_after_completed_send;
}

/// How long the peer waits before it starts reading.
const PEER_DELAY: Duration = Duration::from_millis(300);
/// "At once".
const AT_ONCE: Duration = Duration::from_millis(150);

/// Starts a reader of `s` that waits [`PEER_DELAY`] first; answers when
/// it started and what it read up to the end of stream.
fn delayed_reader(s: gen_tcp::Socket) -> std::thread::JoinHandle<(Instant, Vec<u8>, Error)> {
    std::thread::spawn(move || {
        std::thread::sleep(PEER_DELAY);
        let started = Instant::now();
        let (got, end) = recv_to_end(&s);
        (started, got, end)
    })
}

/// Close with 12 MB still in `inet`'s queue and a peer that starts
/// reading 300 ms later. OTP's `inet` does **not** return at once: close
/// waits until the queue is written (it returned after 358 ms, once the
/// peer had drained it; with a peer that never reads it was still blocked
/// after 3 s). The peer reads all 16 MB in order, then `closed`.
/// `socket` has nothing queued: close returns at once and the peer reads
/// the bytes sent before `Rest`, then `closed`.
fn with_queued_data(ctx: &Ctx) -> Check {
    let (c, s, data, sent) = send_to_non_reader(ctx)?;
    let reader = delayed_reader(s);
    let t = Instant::now();
    step("close", gen_tcp::close(&c))?;
    let closed_at = Instant::now();
    let (started, got, end) = reader.join().map_err(|_| "reader panicked".to_string())?;
    match ctx.backend {
        InetBackend::Inet => ensure(
            &format!(
                "close waited for the queue: returned after {:?}, the peer began reading after {:?}",
                closed_at - t,
                started - t
            ),
            closed_at > started,
        )?,
        InetBackend::Socket => ensure(
            &format!("close returned at once ({:?})", closed_at - t),
            closed_at - t < AT_ONCE,
        )?,
    }
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
    let reader = delayed_reader(s);
    let t = Instant::now();
    step("close", gen_tcp::close(&c))?;
    let took = t.elapsed();
    ensure(
        &format!("close returned at once ({took:?})"),
        took < AT_ONCE,
    )?;
    let (_, got, end) = reader.join().map_err(|_| "reader panicked".to_string())?;
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
    // The reset travels after the data; nothing announces either.
    let settle = || std::thread::sleep(Duration::from_millis(50));

    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    settle();
    step("setopts linger", gen_tcp::setopts(&c, &linger0))?;
    step("close", gen_tcp::close(&c))?;
    settle();
    eq("unread: recv #1", recv(&s), Ok(b"hello".to_vec()))?;
    eq("unread: recv #2", recv(&s), Err(Error::Closed))?;

    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    eq("peer reads", recv(&s), Ok(b"hello".to_vec()))?;
    step("setopts linger", gen_tcp::setopts(&c, &linger0))?;
    step("close", gen_tcp::close(&c))?;
    settle();
    eq("read: recv #1", recv(&s), Err(Error::Closed))?;
    eq(
        "read: recv #2",
        recv(&s),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )?;

    let (c, s) = ctx.pair(&[], &[Opt::Active(Active::True)])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    settle();
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
