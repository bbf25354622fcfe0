//! Errors of `connect` and `listen`, and their Erlang names. Expected
//! values are OTP 25's (`docs/otp-answers.md`, probe question 13).

use crate::ctx::{eq, posix, step, Check, Ctx, WAIT};
use gen_tcp::{Error, Opt};

crate::scenarios! {
    "errors/connect_to_closed_port_is_econnrefused" => connect_refused;
    "errors/listen_on_used_port_is_eaddrinuse" => listen_in_use;
    "errors/connect_to_unresolvable_host_is_nxdomain" => nxdomain;
    "errors/display_uses_erlang_names" => display_names;
}

/// A port nobody listens on: a listen socket's port, after closing it.
fn closed_port(ctx: &Ctx) -> Result<u16, String> {
    let l = ctx.listen(&[])?;
    let port = step("port", gen_tcp::port(&l))?;
    step("close", gen_tcp::close(&l))?;
    Ok(port)
}

/// `connect` to a port with no listener: `{error, econnrefused}`.
fn connect_refused(ctx: &Ctx) -> Check {
    let port = closed_port(ctx)?;
    let r = gen_tcp::connect("127.0.0.1", port, &ctx.opts(&[]), Some(WAIT));
    eq("connect", r.map(|_| ()), Err(posix("econnrefused")))
}

/// `listen` on a port another listen socket holds: `{error, eaddrinuse}`,
/// with or without `{reuseaddr, true}`.
fn listen_in_use(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[])?;
    let port = step("port", gen_tcp::port(&l))?;
    let ip = Opt::Ip([127, 0, 0, 1].into());
    let again = gen_tcp::listen(port, &ctx.opts(std::slice::from_ref(&ip)));
    eq("listen again", again.map(|_| ()), Err(posix("eaddrinuse")))?;
    let reuse = gen_tcp::listen(port, &ctx.opts(&[ip, Opt::Reuseaddr(true)]));
    eq(
        "with reuseaddr",
        reuse.map(|_| ()),
        Err(posix("eaddrinuse")),
    )
}

/// A name under `.invalid` (RFC 6761) never resolves: `{error, nxdomain}`.
fn nxdomain(ctx: &Ctx) -> Check {
    let r = gen_tcp::connect("nonexistent.invalid", 80, &ctx.opts(&[]), Some(WAIT));
    eq("connect", r.map(|_| ()), Err(Error::Nxdomain))
}

/// Errors print as the atoms Erlang code matches on.
fn display_names(ctx: &Ctx) -> Check {
    let port = closed_port(ctx)?;
    let refused = gen_tcp::connect("127.0.0.1", port, &ctx.opts(&[]), Some(WAIT));
    eq(
        "econnrefused",
        refused.err().map(|e| e.to_string()),
        Some("econnrefused".into()),
    )?;
    let l = ctx.listen(&[])?;
    let t = gen_tcp::accept(&l, Some(crate::ctx::SHORT));
    eq(
        "timeout",
        t.err().map(|e| e.to_string()),
        Some("timeout".into()),
    )?;
    step("close", gen_tcp::close(&l))?;
    let closed = gen_tcp::accept(&l, Some(crate::ctx::SHORT));
    eq(
        "closed",
        closed.err().map(|e| e.to_string()),
        Some("closed".into()),
    )?;
    for (e, name) in [
        (Error::NotOwner, "not_owner"),
        (Error::Einval, "einval"),
        (Error::Emsgsize, "emsgsize"),
        (Error::Econnreset, "econnreset"),
        (Error::Nxdomain, "nxdomain"),
        (Error::Badarg, "badarg"),
        (posix("eaddrinuse"), "eaddrinuse"),
        (posix("enotconn"), "enotconn"),
    ] {
        eq(name, e.to_string(), name.to_string())?;
    }
    Ok(())
}
