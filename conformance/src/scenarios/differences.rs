//! The reference page's list of differences between `inet` and `socket`,
//! each asserted on both sides. Expected values are OTP 25's
//! (`docs/otp-answers.md`, probe questions 4, 5, 10 and 11).

use crate::ctx::{
    bytes, drain_msgs, ensure, eq, pattern, posix, recv_exactly, send_to_non_reader, step,
    unique_path, wait_arrived, wait_tcp_state, Check, Ctx, Seen, SHORT, TCP_CLOSE, WAIT,
};
use gen_tcp::{Active, Address, Error, Ifaddr, InetBackend, Opt, OptName, Shutdown, Stat};
use std::time::Duration;

crate::scenarios! {
    "differences/non_blocking_send" => non_blocking_send;
    "differences/async_shutdown_write" => async_shutdown_write;
    "differences/send_timeout_close" => send_timeout_close;
    "differences/remote_reset_seen_by_passive_socket" => remote_reset_passive;
    "differences/remote_reset_then_activated" => remote_reset_then_activated;
    "differences/show_econnreset_on_reset" => show_econnreset_on_reset;
    "differences/show_econnreset_on_clean_close" => show_econnreset_on_clean_close;
    "differences/nodelay_on_local_socket" => nodelay_on_local_socket;
}

use crate::ctx::BIG;

fn send_pend(s: &gen_tcp::Socket) -> Result<u64, String> {
    match step("getstat", gen_tcp::getstat(s, &[Stat::SendPend]))?.as_slice() {
        [(Stat::SendPend, n)] => Ok(*n),
        other => Err(format!("getstat send_pend: {other:?}")),
    }
}

/// A 16 MB send to a peer that does not read, with `{send_timeout, 200}`.
/// "Non-blocking send": on `inet` it returns `ok` with the peer having
/// read nothing, the rest waiting in the driver's queue (`send_pend > 0`),
/// so it did not wait for the network; the peer then reads all 16 MB and
/// the queue empties. On `socket` the caller waits and gets `{error,
/// {timeout, Rest}}`; the peer then reads exactly the bytes before `Rest`.
/// What is asserted is where the bytes are, never how long a call took.
fn non_blocking_send(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[Opt::SendTimeout(Some(Duration::from_millis(200)))], &[])?;
    let data = pattern(BIG);
    let r = gen_tcp::send(&c, &data[..]);
    let sent = match ctx.backend {
        InetBackend::Inet => {
            eq("send", r, Ok(()))?;
            let pend = send_pend(&c)?;
            ensure(
                &format!("send_pend {pend} > 0 while the peer has read nothing"),
                pend > 0 && pend < BIG as u64,
            )?;
            BIG
        }
        InetBackend::Socket => {
            let Err(Error::TimeoutRest(rest)) = r else {
                return Err(format!("send: got {r:?}, want {{timeout, Rest}}"));
            };
            ensure(
                &format!("Rest ({}) is a proper suffix", rest.len()),
                !rest.is_empty() && rest.len() < BIG,
            )?;
            eq(
                "Rest is the unsent tail",
                rest[..] == data[BIG - rest.len()..],
                true,
            )?;
            eq("nothing queued", send_pend(&c)?, 0)?;
            BIG - rest.len()
        }
    };
    let got = recv_exactly(&s, sent)?;
    eq("peer got the sent prefix", got == data[..sent], true)?;
    if ctx.backend == InetBackend::Inet {
        // The peer has every byte: nothing can be left in the queue.
        eq("send_pend once the peer has it all", send_pend(&c)?, 0)?;
    }
    eq(
        "and nothing more",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Timeout),
    )
}

/// "Async shutdown write": with 16 MB queued, `inet`'s `shutdown(write)`
/// returns `ok` at once: while the peer has read nothing, with bytes still
/// queued (`send_pend` > 0), so it did not wait for the queue; the peer
/// still receives every byte, then end of stream. On `socket` nothing is
/// queued: the send gave up with `{timeout, Rest}`, the shutdown takes
/// effect at once, and the peer receives what was sent before `Rest`,
/// then end of stream. What is asserted is where the bytes are, never how
/// long a call took.
fn async_shutdown_write(ctx: &Ctx) -> Check {
    let (c, s, data, sent) = send_to_non_reader(ctx)?;
    step("shutdown write", gen_tcp::shutdown(&c, Shutdown::Write))?;
    let pend = crate::scenarios::send_queue::send_pend(&c)?;
    match ctx.backend {
        InetBackend::Inet => ensure(
            &format!("shutdown returned with {pend} bytes still queued"),
            pend > 0,
        )?,
        InetBackend::Socket => eq("nothing queued", pend, 0)?,
    }
    let (got, end) = crate::ctx::recv_to_end(&s);
    eq("bytes received", got.len(), sent)?;
    eq("in order", got == data[..sent], true)?;
    eq("then", end, Error::Closed)
}

/// `{send_timeout_close, true}` with `{send_timeout, 100}` and a peer that
/// does not read. `inet`: the 16 MB send is queued (`ok`), the next small
/// send waits for the queue and times out (`timeout`), which closes the
/// socket (`enotconn` after). `socket`: the big send times out with a
/// plain `timeout` (no `Rest`: the socket is closed), then `closed`.
fn send_timeout_close(ctx: &Ctx) -> Check {
    let opts = [
        Opt::SendTimeout(Some(Duration::from_millis(100))),
        Opt::SendTimeoutClose(true),
    ];
    let (c, _s) = ctx.pair(&opts, &[])?;
    let data = pattern(BIG);
    eq(
        "big send",
        gen_tcp::send(&c, &data[..]),
        ctx.per_backend(Ok(()), Err(Error::Timeout)),
    )?;
    eq(
        "small send",
        gen_tcp::send(&c, "ping"),
        Err(ctx.per_backend(Error::Timeout, Error::Closed)),
    )?;
    eq(
        "next send",
        gen_tcp::send(&c, "ping"),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&c, 0, Some(SHORT))),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )
}

/// The peer sent `from_peer`, then closed without reading what we sent,
/// so its kernel answered with a reset. Returns the pair, with our side
/// configured by `opts`.
fn reset_by_peer(ctx: &Ctx, opts: &[Opt]) -> Result<gen_tcp::Socket, String> {
    let (c, s) = ctx.pair(&[], opts)?;
    step("peer send", gen_tcp::send(&c, "from_peer"))?;
    step("send unread", gen_tcp::send(&s, "unread_by_peer"))?;
    // Nothing in the API announces that the data crossed, nor that the
    // reset came back: the kernel's counts and TCP state do.
    wait_arrived(&s, 9)?;
    wait_arrived(&c, 14)?;
    step("peer close", gen_tcp::close(&c))?;
    wait_tcp_state(&s, TCP_CLOSE)?;
    Ok(s)
}

/// "Remote close detected by background send", passive socket: `inet`
/// marks the socket closed and the unread `from_peer` is lost (`send` is
/// `closed` then `enotconn`; `recv` is `closed` then `enotconn`).
/// `socket` answers `closed` to every send, and a reader still drains
/// `from_peer` before `closed`.
fn remote_reset_passive(ctx: &Ctx) -> Check {
    let s = reset_by_peer(ctx, &[])?;
    eq("send #1", gen_tcp::send(&s, "ping"), Err(Error::Closed))?;
    let later = ctx.per_backend(posix("enotconn"), Error::Closed);
    eq("send #2", gen_tcp::send(&s, "ping"), Err(later.clone()))?;
    eq(
        "recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        ctx.per_backend(Err(Error::Closed), Ok(b"from_peer".to_vec())),
    )?;
    eq(
        "recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )
}

/// The same, then the socket is activated: `inet` sends only
/// `{tcp_closed, S}` (the data is lost); `socket` delivers `from_peer` and
/// then `tcp_closed` ("the data will be received as expected").
fn remote_reset_then_activated(ctx: &Ctx) -> Check {
    let s = reset_by_peer(ctx, &[])?;
    for i in 1..=4 {
        eq(
            &format!("send #{i}"),
            gen_tcp::send(&s, "ping").is_err(),
            true,
        )?;
    }
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::True)]),
    )?;
    let want = ctx.per_backend(
        vec![Seen::Closed],
        vec![Seen::tcp(b"from_peer"), Seen::Closed],
    );
    eq("messages", drain_msgs(&s, want.len()), want)
}

/// `{show_econnreset, true}` and a reset: `inet` reports `econnreset`
/// once (send), then `enotconn`, and `recv` says `econnreset`; `socket`
/// says `econnreset` to every send, and its reader drains `from_peer`
/// before `econnreset`.
fn show_econnreset_on_reset(ctx: &Ctx) -> Check {
    let s = reset_by_peer(ctx, &[Opt::ShowEconnreset(true)])?;
    eq("send #1", gen_tcp::send(&s, "ping"), Err(Error::Econnreset))?;
    eq(
        "send #2",
        gen_tcp::send(&s, "ping"),
        Err(ctx.per_backend(posix("enotconn"), Error::Econnreset)),
    )?;
    eq(
        "recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        ctx.per_backend(Err(Error::Econnreset), Ok(b"from_peer".to_vec())),
    )?;
    eq(
        "recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(ctx.per_backend(posix("enotconn"), Error::Econnreset)),
    )
}

/// "`show_econnreset` basically do not work as described" with `socket`:
/// a clean close (FIN, no reset) is reported as `econnreset` there, while
/// `inet` says `closed`. Passive: `hello`, then `closed` / `econnreset`,
/// then `enotconn` / `closed`. Active: `socket` adds a `tcp_error`.
fn show_econnreset_on_clean_close(ctx: &Ctx) -> Check {
    let ser = [Opt::ShowEconnreset(true)];
    let (c, s) = ctx.pair(&[], &ser)?;
    step("send", gen_tcp::send(&c, "hello"))?;
    step("close", gen_tcp::close(&c))?;
    eq(
        "recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Ok(b"hello".to_vec()),
    )?;
    eq(
        "recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(ctx.per_backend(Error::Closed, Error::Econnreset)),
    )?;
    eq(
        "recv #3",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )?;
    let (c, s) = ctx.pair(&[], &[Opt::ShowEconnreset(true), Opt::Active(Active::True)])?;
    step("send", gen_tcp::send(&c, "hello"))?;
    step("close", gen_tcp::close(&c))?;
    let want = ctx.per_backend(
        vec![Seen::tcp(b"hello"), Seen::Closed],
        vec![
            Seen::tcp(b"hello"),
            Seen::Error(Error::Econnreset),
            Seen::Closed,
        ],
    );
    eq("messages", drain_msgs(&s, want.len()), want)
}

/// "The option nodelay is a TCP specific option that is not compatible
/// with domain = local": `inet` ignores it (listen, connect and setopts
/// succeed), `socket` refuses it with `enotsup`. Both leave it out of
/// `getopts`.
fn nodelay_on_local_socket(ctx: &Ctx) -> Check {
    let path = unique_path(ctx, "nodelay");
    let local = |extra: &[Opt]| {
        let mut o = vec![
            Opt::Binary,
            Opt::Active(Active::False),
            Opt::Ifaddr(Ifaddr::Local(path.clone())),
        ];
        o.extend_from_slice(extra);
        ctx.opts(&o)
    };
    let want = ctx.per_backend(Ok(()), Err(Error::Enotsup));
    let l = gen_tcp::listen(0, &local(&[Opt::Nodelay(true)]));
    eq(
        "listen with nodelay",
        l.as_ref().map(|_| ()).map_err(Clone::clone),
        want.clone(),
    )?;
    if let Ok(l) = l {
        step("close", gen_tcp::close(&l))?;
    }
    let _ = std::fs::remove_file(&path);
    let l = step("listen", gen_tcp::listen(0, &local(&[])))?;
    let copts = ctx.opts(&[Opt::Binary, Opt::Active(Active::False), Opt::Local]);
    let c = step(
        "connect",
        gen_tcp::connect(Address::local(&path), 0, &copts, Some(WAIT)),
    )?;
    let _s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    eq(
        "setopts nodelay",
        gen_tcp::setopts(&c, &[Opt::Nodelay(true)]),
        want,
    )?;
    eq(
        "getopts nodelay",
        gen_tcp::getopts(&c, &[OptName::Nodelay]),
        Ok(vec![]),
    )?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}
