//! What the owner's mailbox gets and keeps: `{tcp_passive, S}` from
//! `listen`/`connect` and from a listen socket's counter, which messages
//! `controlling_process` moves, and the `{tcp_closed, S}` that `close/1`
//! takes back on `inet`. Expected values are OTP 25's, seen with
//! `otp-diff` (corpus entries `active-n-at-open`, `active-false-after-n`,
//! `active-ctl-moves-data-only`, `active-ctl-error-stays`,
//! `ownership-ctl-to-current-owner`, `inet-close-removes-tcp-closed`).

use crate::ctx::{
    answer, bytes, drain_msgs, eq, in_process, in_process_blocked, step, wait_until, Check, Ctx,
    Seen,
};
use gen_tcp::{Active, Error, InetBackend, Opt, OptName, PacketType};

crate::scenarios! {
    "mailbox/n_at_open_sends_tcp_passive" => n_at_open;
    "mailbox/listen_socket_counter_sends_tcp_passive" => listen_socket_counter;
    "mailbox/false_after_n_sends_tcp_passive_on_socket_only" => false_after_n;
    "mailbox/transfer_moves_tcp_messages_only" => transfer_moves_tcp_only;
    "mailbox/transfer_to_the_current_owner_is_ok_for_anyone" => transfer_to_current_owner;
    "mailbox/transfer_with_tcp_closed_pending" => transfer_with_tcp_closed;
    "mailbox/close_takes_back_tcp_closed_on_inet" => close_takes_back_tcp_closed;
    "mailbox/recv_waiting_when_the_socket_turns_active" => recv_waiting_turns_active;
}

const P2: [Opt; 1] = [Opt::Packet(PacketType::Two)];

fn active(a: Active) -> [Opt; 1] {
    [Opt::Active(a)]
}

fn getopt_active(s: &gen_tcp::Socket) -> Result<Vec<Opt>, Error> {
    gen_tcp::getopts(s, &[OptName::Active])
}

/// `{active, N}` with N =< 0 given to `listen` or `connect`: the socket
/// starts passive and the caller gets `{tcp_passive, S}` at once. Only
/// the last `{active, _}` of the list counts (`[-1, 2]`: none; `[0, 0]`:
/// one), and the accepted socket inherits the state, not the message.
fn n_at_open(ctx: &Ctx) -> Check {
    let l = ctx.listen(&active(Active::N(0)))?;
    eq("listen {active, 0}", drain_msgs(&l, 1), vec![Seen::Passive])?;
    eq(
        "listen socket",
        getopt_active(&l),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    let c = ctx.connect_to(&l, &active(Active::N(-1)))?;
    eq(
        "connect {active, -1}",
        drain_msgs(&c, 1),
        vec![Seen::Passive],
    )?;
    let s = step("accept", gen_tcp::accept(&l, Some(crate::ctx::WAIT)))?;
    eq("accepted", drain_msgs(&s, 0), vec![])?;
    let twice = [Opt::Active(Active::N(0)), Opt::Active(Active::N(0))];
    let l0 = ctx.listen(&twice)?;
    eq("[0, 0]", drain_msgs(&l0, 1), vec![Seen::Passive])?;
    let last = [Opt::Active(Active::N(-1)), Opt::Active(Active::N(2))];
    let l2 = ctx.listen(&last)?;
    eq("[-1, 2]", drain_msgs(&l2, 0), vec![])?;
    eq(
        "[-1, 2] is 2",
        getopt_active(&l2),
        Ok(vec![Opt::Active(Active::N(2))]),
    )
}

/// A listen socket counts `{active, N}` as a connection does: reaching 0
/// tells its owner `{tcp_passive, L}`; `{active, false}` ending an
/// `{active, N}` does too on `socket` only.
fn listen_socket_counter(ctx: &Ctx) -> Check {
    let l = ctx.listen(&active(Active::N(2)))?;
    let set = |a| gen_tcp::setopts(&l, &active(a));
    step("active -2", set(Active::N(-2)))?;
    eq("2 - 2", drain_msgs(&l, 1), vec![Seen::Passive])?;
    step("active 3", set(Active::N(3)))?;
    step("active false", set(Active::False))?;
    eq(
        "false after 3",
        drain_msgs(&l, 0),
        ctx.per_backend(vec![], vec![Seen::Passive]),
    )?;
    step("active 1", set(Active::N(1)))?;
    let c = ctx.connect_to(&l, &[])?;
    let s = step("accept", gen_tcp::accept(&l, Some(crate::ctx::WAIT)))?;
    eq(
        "accepted inherits",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::N(1))]),
    )?;
    eq(
        "listen socket keeps",
        getopt_active(&l),
        Ok(vec![Opt::Active(Active::N(1))]),
    )?;
    step("active -1", set(Active::N(-1)))?;
    eq("1 - 1", drain_msgs(&l, 1), vec![Seen::Passive])?;
    drop(c);
    Ok(())
}

/// `{active, false}` on a socket in `{active, N}`: `socket` sends
/// `{tcp_passive, S}`, `inet` nothing; from `{active, true}` or `once`,
/// neither does.
fn false_after_n(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let set = |a| gen_tcp::setopts(&s, &active(a));
    step("active 2", set(Active::N(2)))?;
    step("active false", set(Active::False))?;
    eq(
        "false after 2",
        drain_msgs(&s, 0),
        ctx.per_backend(vec![], vec![Seen::Passive]),
    )?;
    step("active true", set(Active::True))?;
    step("active false", set(Active::False))?;
    step("active once", set(Active::Once))?;
    step("active false", set(Active::False))?;
    eq("false after true, once", drain_msgs(&s, 0), vec![])
}

/// `controlling_process` moves the caller's `{tcp, S, _}` to the new
/// owner; `{tcp_passive, S}` stays with the old one (OTP moves `tcp` and
/// `tcp_closed` only), though the reference page says "any messages".
fn transfer_moves_tcp_only(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step("active -1", gen_tcp::setopts(&s, &active(Active::N(-1))))?;
    step("send", gen_tcp::send(&c, "ab"))?;
    step("active 1", gen_tcp::setopts(&s, &active(Active::N(1))))?;
    wait_until("passive, tcp, passive in the mailbox", || {
        gen_tcp::process::mailbox_len() >= 3
    })?;
    let s2 = s.clone();
    let (new, rx) = in_process(move || {
        let _ = gen_tcp::receive_match(|m| matches!(m, gen_tcp::Message::User(_)), None);
        drain_msgs(&s2, 0)
    });
    step("controlling_process", gen_tcp::controlling_process(&s, new))?;
    new.send_user(());
    eq(
        "new owner got",
        answer("new owner", &rx)?,
        vec![Seen::tcp(b"ab")],
    )?;
    eq(
        "old owner kept",
        drain_msgs(&s, 0),
        vec![Seen::Passive, Seen::Passive],
    )
}

/// Giving a socket to the process that already owns it is `ok`, even
/// when another process asks: both OTP backends check that first.
fn transfer_to_current_owner(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let me = gen_tcp::self_pid();
    let s2 = s.clone();
    let (_, rx) = in_process(move || {
        let to_owner = gen_tcp::controlling_process(&s2, me);
        let to_self = gen_tcp::controlling_process(&s2, gen_tcp::self_pid());
        (to_owner, to_self)
    });
    eq(
        "to the owner, by another; to itself, by another",
        answer("other", &rx)?,
        (Ok(()), Err(Error::NotOwner)),
    )?;
    eq("owner", s.owner(), me)
}

/// With `{exit_on_close, false}` the peer's close leaves `{tcp, S, _}`
/// and `{tcp_closed, S}` in the owner's mailbox, and both move. `inet`
/// (`tcp_sync_input` saw the close) then answers `ok` without changing
/// the owner, and leaves the socket `{active, false}`; `socket` gives it.
fn transfer_with_tcp_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &[Opt::ExitOnClose(false), P2[0].clone()])?;
    step("active true", gen_tcp::setopts(&s, &active(Active::True)))?;
    step("send", gen_tcp::send(&c, "ab"))?;
    step("close", gen_tcp::close(&c))?;
    wait_until("tcp, tcp_closed in the mailbox", || {
        gen_tcp::process::mailbox_len() >= 2
    })?;
    let s2 = s.clone();
    let (new, rx) = in_process(move || {
        let _ = gen_tcp::receive_match(|m| matches!(m, gen_tcp::Message::User(_)), None);
        drain_msgs(&s2, 0)
    });
    step("controlling_process", gen_tcp::controlling_process(&s, new))?;
    eq(
        "owner",
        s.owner(),
        ctx.per_backend(gen_tcp::self_pid(), new),
    )?;
    if ctx.backend == InetBackend::Inet {
        eq(
            "active",
            getopt_active(&s),
            Ok(vec![Opt::Active(Active::False)]),
        )?;
    }
    new.send_user(());
    eq(
        "new owner got",
        answer("new owner", &rx)?,
        vec![Seen::tcp(b"ab"), Seen::Closed],
    )?;
    eq("old owner kept", drain_msgs(&s, 0), vec![])
}

/// `close/1` on `inet` takes one `{tcp_closed, S}` out of the caller's
/// mailbox (`inet:tcp_close/1`); `socket` leaves it.
fn close_takes_back_tcp_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step("active true", gen_tcp::setopts(&s, &active(Active::True)))?;
    step("send", gen_tcp::send(&c, "ab"))?;
    step("close", gen_tcp::close(&c))?;
    wait_until("tcp, tcp_closed in the mailbox", || {
        gen_tcp::process::mailbox_len() >= 2
    })?;
    let _ = gen_tcp::close(&s);
    let left = match ctx.backend {
        InetBackend::Inet => vec![Seen::tcp(b"ab")],
        InetBackend::Socket => vec![Seen::tcp(b"ab"), Seen::Closed],
    };
    eq("left after close", drain_msgs(&s, 1), left)
}

/// A passive `recv` (no timeout) waits when the owner sets `{active,
/// true}`, then two packets come. `socket` serves the waiting `recv`
/// first: it gets the first packet, the second is a message. On `inet`
/// both are messages and the `recv` gets none: it waits on (until its
/// deadline, here none), and `close` ends it with `closed`.
fn recv_waiting_turns_active(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    let s2 = s.clone();
    let (_, rx) = in_process_blocked(move || bytes(gen_tcp::recv(&s2, 0, None)))?;
    step("active true", gen_tcp::setopts(&s, &active(Active::True)))?;
    step("send", gen_tcp::send(&c, "ab"))?;
    step("send", gen_tcp::send(&c, "cd"))?;
    let (msgs, recv) = match ctx.backend {
        InetBackend::Inet => (vec![Seen::tcp(b"ab"), Seen::tcp(b"cd")], Err(Error::Closed)),
        InetBackend::Socket => (vec![Seen::tcp(b"cd")], Ok(b"ab".to_vec())),
    };
    eq("messages", drain_msgs(&s, msgs.len()), msgs)?;
    step("close", gen_tcp::close(&s))?;
    eq("the waiting recv", answer("recv", &rx)?, recv)
}
