//! `{exit_on_close, false}`: "keep the socket open after a close by the
//! peer, for example to send data to it after it has shut down writing".
//! Expected values are OTP 25's (`docs/otp-answers.md`, probe question 15,
//! and "Added by the conformance suite", A5).

use crate::ctx::{bytes, drain_msgs, eq, recv_exactly, step, Check, Ctx, Seen, WAIT};
use gen_tcp::{Active, Error, Opt, OptName, Shutdown};

crate::scenarios! {
    "exit_on_close/false_peer_full_close" => false_peer_full_close;
    "exit_on_close/false_active_peer_half_close_can_reply" => false_active_half_close_reply;
}

const KEEP: Opt = Opt::ExitOnClose(false);

/// The peer sends `abc` and closes completely. We read `abc`, then
/// `closed`. The first send is `ok` on both backends (the kernel takes
/// it; the peer answers with a reset), later sends and recv are `closed`.
/// The socket is still open on `inet` (`getopts` works); `socket` says
/// `einval`. Close is `ok`.
fn false_peer_full_close(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[KEEP])?;
    step("peer send", gen_tcp::send(&c, "abc"))?;
    step("peer close", gen_tcp::close(&c))?;
    let recv = || bytes(gen_tcp::recv(&s, 0, Some(WAIT)));
    eq("recv #1", recv(), Ok(b"abc".to_vec()))?;
    eq("recv #2", recv(), Err(Error::Closed))?;
    eq("send #1", gen_tcp::send(&s, "x"), Ok(()))?;
    // Nothing in the API announces the peer's reset to that send; the
    // kernel's TCP state does.
    crate::ctx::wait_tcp_state(&s, crate::ctx::TCP_CLOSE)?;
    eq("send #2", gen_tcp::send(&s, "x"), Err(Error::Closed))?;
    eq("send #3", gen_tcp::send(&s, "x"), Err(Error::Closed))?;
    eq("recv #3", recv(), Err(Error::Closed))?;
    eq(
        "getopts",
        gen_tcp::getopts(&s, &[OptName::Active]),
        ctx.per_backend(Ok(vec![Opt::Active(Active::False)]), Err(Error::Einval)),
    )?;
    eq("close", gen_tcp::close(&s), Ok(()))
}

/// Active, and the peer sends `abc` then shuts down writing: `{tcp, abc}`
/// then `tcp_closed`. Our two replies are `ok` and the half-closed peer
/// reads both, in order. Re-activating is `ok` on `inet` (the port is
/// still open) and `einval` on `socket`. After our close the peer reads
/// `closed`.
fn false_active_half_close_reply(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[KEEP, Opt::Active(Active::True)])?;
    step("peer send", gen_tcp::send(&c, "abc"))?;
    step("peer shutdown", gen_tcp::shutdown(&c, Shutdown::Write))?;
    eq(
        "messages",
        drain_msgs(&s, 2),
        vec![Seen::tcp(b"abc"), Seen::Closed],
    )?;
    eq("reply", gen_tcp::send(&s, "reply"), Ok(()))?;
    eq("reply 2", gen_tcp::send(&s, "more"), Ok(()))?;
    eq("peer reads", recv_exactly(&c, 9)?, b"replymore".to_vec())?;
    eq(
        "setopts active once",
        gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]),
        ctx.per_backend(Ok(()), Err(Error::Einval)),
    )?;
    step("close", gen_tcp::close(&s))?;
    eq(
        "peer then",
        bytes(gen_tcp::recv(&c, 0, Some(WAIT))),
        Err(Error::Closed),
    )
}
