//! Active mode against what the reads bring: many frames in one read,
//! one frame over several reads, and the socket after `tcp_closed`.
//! Expected values are OTP 25's (`docs/otp-answers.md`, "Added by the
//! conformance suite", A4 and A6-A10).

use crate::ctx::{
    bytes, drain_msgs, eq, step, unread, wait_read, wait_until, Check, Ctx, Seen, SHORT, WAIT,
};
use gen_tcp::{Active, Error, Opt, OptName, PacketType};

crate::scenarios! {
    "active_flow/setopts_active_after_tcp_closed_is_einval" => setopts_after_tcp_closed;
    "active_flow/n_with_many_frames_in_one_read" => n_with_frames_in_one_read;
    "active_flow/frame_split_across_reads_is_one_message" => frame_split_across_reads;
}

/// `{active, true}` and the peer sends `x` and closes: `{tcp, x}` then
/// `{tcp_closed, S}`. After that every `setopts` of `active` (`once`,
/// `true`, `3`, `false`) is `einval` on both backends, `recv` is `closed`
/// and no message follows. With `{active, once}` and only the close the
/// same: `tcp_closed`, then `einval`.
fn setopts_after_tcp_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Active(Active::True)])?;
    step("send", gen_tcp::send(&c, "x"))?;
    step("close", gen_tcp::close(&c))?;
    eq(
        "messages",
        drain_msgs(&s, 2),
        vec![Seen::tcp(b"x"), Seen::Closed],
    )?;
    for a in [Active::Once, Active::True, Active::N(3), Active::False] {
        eq(
            &format!("setopts {a:?}"),
            gen_tcp::setopts(&s, &[Opt::Active(a)]),
            Err(Error::Einval),
        )?;
    }
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Closed),
    )?;
    eq("no message after", drain_msgs(&s, 0), vec![])?;

    let (c, s) = ctx.pair(&[], &[Opt::Active(Active::Once)])?;
    step("close", gen_tcp::close(&c))?;
    eq("once: messages", drain_msgs(&s, 1), vec![Seen::Closed])?;
    eq(
        "once: setopts once",
        gen_tcp::setopts(&s, &[Opt::Active(Active::Once)]),
        Err(Error::Einval),
    )?;
    eq("once: no message after", drain_msgs(&s, 0), vec![])
}

/// Ten `{packet, 2}` frames written in one raw send and waiting in the
/// kernel before `{active, 3}`: exactly three `tcp` messages, then
/// `tcp_passive`; `getopts` says `false`; `recv` returns the other seven
/// frames one by one, in order, then times out.
fn n_with_frames_in_one_read(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Two)])?;
    let frames: Vec<String> = (1..=10).map(|i| format!("f{i}")).collect();
    let mut wire = Vec::new();
    for f in &frames {
        wire.extend_from_slice(&(f.len() as u16).to_be_bytes());
        wire.extend_from_slice(f.as_bytes());
    }
    step("send", gen_tcp::send(&c, &wire[..]))?;
    wait_until("the frames wait in the kernel", || unread(&s) >= wire.len())?;
    step(
        "setopts active 3",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(3))]),
    )?;
    let want = vec![
        Seen::tcp(b"f1"),
        Seen::tcp(b"f2"),
        Seen::tcp(b"f3"),
        Seen::Passive,
    ];
    eq("messages", drain_msgs(&s, 4), want)?;
    eq(
        "active",
        gen_tcp::getopts(&s, &[OptName::Active]),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    for f in &frames[3..] {
        eq(
            &format!("recv {f}"),
            bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
            Ok(f.as_bytes().to_vec()),
        )?;
    }
    eq(
        "then",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Timeout),
    )
}

/// `{active, true}`: a frame whose header and body arrive in separate
/// reads is one message, delivered when the body completes. `{packet, 2}`:
/// `<<0,5,"he">>`, pause, `llo`. `{packet, 4}` with the header itself
/// split: `<<0,0>>`, pause, `<<0,3,"a">>`, pause, `bc`.
fn frame_split_across_reads(ctx: &Ctx) -> Check {
    let active = Opt::Active(Active::True);
    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Two), active.clone()])?;
    step(
        "send header and head",
        gen_tcp::send(&c, &b"\x00\x05he"[..]),
    )?;
    // Read by the socket, so that the rest comes in another read.
    wait_read(&s, 4)?;
    eq("nothing before the body", drain_msgs(&s, 0), vec![])?;
    step("send the rest", gen_tcp::send(&c, "llo"))?;
    eq("packet 2", drain_msgs(&s, 1), vec![Seen::tcp(b"hello")])?;

    let (c, s) = ctx.pair(&[], &[Opt::Packet(PacketType::Four), active])?;
    step("send half a header", gen_tcp::send(&c, &b"\x00\x00"[..]))?;
    wait_read(&s, 2)?;
    eq("nothing after half a header", drain_msgs(&s, 0), vec![])?;
    step("send the rest of it", gen_tcp::send(&c, &b"\x00\x03a"[..]))?;
    wait_read(&s, 5)?;
    eq("nothing before the body", drain_msgs(&s, 0), vec![])?;
    step("send the body", gen_tcp::send(&c, "bc"))?;
    eq("packet 4", drain_msgs(&s, 1), vec![Seen::tcp(b"abc")])
}
