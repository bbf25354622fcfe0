//! `{active, true | once | N}`: messages to the controlling process, and
//! the counter arithmetic of `{active, N}`. Expected values are OTP 25's
//! (`docs/otp-answers.md`, probe questions 4 and 6); `{packet, 2}` keeps
//! one send = one message.

use crate::ctx::{bytes, drain_msgs, eq, step, Check, Ctx, Seen, WAIT};
use gen_tcp::{Active, Error, Opt, OptName, PacketType};

crate::scenarios! {
    "active/true_delivers_in_order_then_tcp_closed" => true_in_order_then_closed;
    "active/once_delivers_one_then_passive" => once_one_then_passive;
    "active/n_delivers_n_then_tcp_passive" => n_then_tcp_passive;
    "active/n_counters_add_up" => counters_add_up;
    "active/zero_or_negative_sends_tcp_passive" => zero_or_negative;
    "active/out_of_range_is_einval" => out_of_range_is_einval;
    "active/socket_lives_on_in_its_messages" => lives_on_in_its_messages;
}

const P2: [Opt; 1] = [Opt::Packet(PacketType::Two)];

fn getopt_active(s: &gen_tcp::Socket) -> Result<Vec<Opt>, Error> {
    gen_tcp::getopts(s, &[OptName::Active])
}

/// `{active, true}`: each packet is `{tcp, S, Data}`, in order, and the
/// peer's close is `{tcp_closed, S}` after them.
fn true_in_order_then_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::True)]),
    )?;
    for m in ["m1", "m2", "m3"] {
        step("send", gen_tcp::send(&c, m))?;
    }
    step("close", gen_tcp::close(&c))?;
    let want = vec![
        Seen::tcp(b"m1"),
        Seen::tcp(b"m2"),
        Seen::tcp(b"m3"),
        Seen::Closed,
    ];
    eq("messages", drain_msgs(&s, 4), want)
}

/// `{active, once}`: one message, then the socket is passive (`getopts`
/// says `false`, no `tcp_passive`), and `recv` reads the next packet.
fn once_one_then_passive(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]),
    )?;
    step("send", gen_tcp::send(&c, "m1"))?;
    step("send", gen_tcp::send(&c, "m2"))?;
    eq("messages", drain_msgs(&s, 1), vec![Seen::tcp(b"m1")])?;
    eq(
        "active",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Ok(b"m2".to_vec()),
    )
}

/// `{active, 2}` and three packets: two `tcp` messages then
/// `{tcp_passive, S}`; the third packet waits for `recv`.
fn n_then_tcp_passive(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(2))]),
    )?;
    for m in ["m1", "m2", "m3"] {
        step("send", gen_tcp::send(&c, m))?;
    }
    let want = vec![Seen::tcp(b"m1"), Seen::tcp(b"m2"), Seen::Passive];
    eq("messages", drain_msgs(&s, 3), want)?;
    eq(
        "active",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Ok(b"m3".to_vec()),
    )
}

/// "`{active, N}` ... adds N to the counter": 3 then 2 is 5; 3 then -5
/// goes passive with `tcp_passive`; `true` or `once` then 3 is 3.
fn counters_add_up(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    step(
        "active 3",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(3))]),
    )?;
    step(
        "active 2",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(2))]),
    )?;
    eq(
        "3 + 2",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::N(5))]),
    )?;
    eq("no message yet", drain_msgs(&s, 0), vec![])?;
    step(
        "active -5",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(-5))]),
    )?;
    eq(
        "5 - 5",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    eq("messages", drain_msgs(&s, 1), vec![Seen::Passive])?;
    step(
        "active once",
        gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]),
    )?;
    step(
        "active 3",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(3))]),
    )?;
    eq(
        "once then 3",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::N(3))]),
    )
}

/// `{active, 0}` on a passive socket sends `tcp_passive` at once; on
/// `{active, 2}` it changes nothing (2 + 0); on `{active, true}` it goes
/// passive with `tcp_passive`. A negative N on a passive socket also
/// sends `tcp_passive`.
fn zero_or_negative(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let set = |a| gen_tcp::setopts(&s, &[Opt::Active(a)]);
    step("active 0 on passive", set(Active::N(0)))?;
    eq("after 0 on passive", drain_msgs(&s, 1), vec![Seen::Passive])?;
    eq(
        "active",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    step("active 2", set(Active::N(2)))?;
    step("active 0 on 2", set(Active::N(0)))?;
    eq("after 0 on 2", drain_msgs(&s, 0), vec![])?;
    eq(
        "active",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::N(2))]),
    )?;
    step("active true", set(Active::True))?;
    step("active 0 on true", set(Active::N(0)))?;
    eq("after 0 on true", drain_msgs(&s, 1), vec![Seen::Passive])?;
    eq(
        "active",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    step("active -1 on passive", set(Active::N(-1)))?;
    eq("after -1", drain_msgs(&s, 1), vec![Seen::Passive])?;
    eq(
        "active",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )
}

/// N is `-32768..32767`, and so is the sum: 32768 is `einval`, 32767 then
/// 1 is `einval` and leaves 32767, -32769 is `einval`.
fn out_of_range_is_einval(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let set = |n| gen_tcp::setopts(&s, &[Opt::Active(Active::N(n))]);
    eq("32768", set(32768), Err(Error::Einval))?;
    eq("-32769", set(-32769), Err(Error::Einval))?;
    eq(
        "still passive",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    eq("32767", set(32767), Ok(()))?;
    eq("32767 + 1", set(1), Err(Error::Einval))?;
    eq(
        "unchanged",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::N(32767))]),
    )?;
    step(
        "passive",
        gen_tcp::setopts(&s, &[Opt::Active(Active::False)]),
    )?;
    eq("20000", set(20000), Ok(()))?;
    eq("20000 + 20000", set(20000), Err(Error::Einval))?;
    eq(
        "unchanged",
        getopt_active(&s),
        Ok(vec![Opt::Active(Active::N(20000))]),
    )
}

/// As an Erlang port, an active socket lives until it is closed or its
/// owner ends, whether or not the owner still holds a handle: a process
/// that let go of its handle gets the socket back in `{tcp, S, Data}`
/// and can answer on it.
fn lives_on_in_its_messages(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary, Opt::Active(Active::False)])?;
    let port = step("port", gen_tcp::port(&l))?;
    let opts = ctx.opts(&[Opt::Binary, Opt::Active(Active::True)]);
    let (_, rx) = crate::ctx::in_process(move || {
        let c = gen_tcp::connect("127.0.0.1", port, &opts, Some(WAIT))?;
        drop(c);
        match gen_tcp::receive(Some(WAIT)) {
            Some(gen_tcp::Message::Tcp(s, d)) => {
                gen_tcp::send(&s, d.to_vec())?;
                // Stay until the peer has read the answer.
                let _ = gen_tcp::receive(Some(WAIT));
                Ok(())
            }
            _ => Err(Error::Timeout),
        }
    });
    let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    step("send", gen_tcp::send(&s, "ping"))?;
    eq(
        "echo",
        bytes(gen_tcp::recv(&s, 4, Some(WAIT))),
        Ok(b"ping".to_vec()),
    )?;
    let _ = gen_tcp::close(&s);
    eq("owner", crate::ctx::answer("owner", &rx)?, Ok(()))
}
