//! `controlling_process/2` and the owner's lifetime. Expected values are
//! OTP 25's (`docs/otp-answers.md`, probe question 7).

use crate::ctx::{
    answer, bytes, drain_msgs, eq, in_process, step, wait_until, Check, Ctx, Seen, WAIT,
};
use gen_tcp::{Active, Error, Opt, OptName, PacketType};

crate::scenarios! {
    "ownership/transfer_from_non_owner_is_not_owner" => from_non_owner;
    "ownership/transfer_to_dead_pid" => to_dead_pid;
    "ownership/pending_messages_move_to_new_owner_in_order" => pending_messages_move;
    "ownership/messages_go_to_new_owner_after_transfer" => messages_go_to_new_owner;
    "ownership/owner_exit_closes_the_socket" => owner_exit_closes;
    "ownership/transfer_to_an_ending_process_still_closes" => transfer_to_ending_process;
}

const P2: [Opt; 1] = [Opt::Packet(PacketType::Two)];

/// Waits for a `User` message (a "go" signal) in the calling process.
fn wait_for_go() {
    let _ = gen_tcp::receive_match(|m| matches!(m, gen_tcp::Message::User(_)), Some(WAIT));
}

/// "`{error, not_owner}` if the calling process is not the owner".
fn from_non_owner(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let s2 = s.clone();
    let (_, rx) = in_process(move || gen_tcp::controlling_process(&s2, gen_tcp::self_pid()));
    eq(
        "from another process",
        answer("other", &rx)?,
        Err(Error::NotOwner),
    )?;
    eq("owner unchanged", s.owner(), gen_tcp::self_pid())
}

/// To a pid that has exited: `inet` says `badarg` and keeps the socket;
/// `socket` says `ok`, and the socket, now owned by a dead process, is
/// closed (the peer sees `closed`).
fn to_dead_pid(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let (dead, rx) = in_process(|| ());
    answer("short-lived process", &rx)?;
    wait_until("process ended", || !dead.is_alive())?;
    eq(
        "controlling_process",
        gen_tcp::controlling_process(&s, dead),
        ctx.per_backend(Err(Error::Badarg), Ok(())),
    )?;
    eq(
        "getopts afterwards",
        gen_tcp::getopts(&s, &[OptName::Active]),
        ctx.per_backend(Ok(vec![Opt::Active(Active::False)]), Err(Error::Closed)),
    )?;
    eq(
        "peer recv",
        bytes(gen_tcp::recv(
            &c,
            0,
            Some(ctx.per_backend(crate::ctx::SHORT, WAIT)),
        )),
        Err(ctx.per_backend(Error::Timeout, Error::Closed)),
    )
}

/// "If the socket is set in active mode, this function will transfer any
/// messages in the mailbox of the caller to the new controlling process":
/// three packets already in the old owner's mailbox reach the new owner
/// in order, and none stay behind.
fn pending_messages_move(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::True)]),
    )?;
    for m in ["m1", "m2", "m3"] {
        step("send", gen_tcp::send(&c, m))?;
    }
    wait_until("3 messages in the old owner's mailbox", || {
        gen_tcp::process::mailbox_len() >= 3
    })?;
    let s2 = s.clone();
    let (new, rx) = in_process(move || {
        wait_for_go();
        drain_msgs(&s2, 3)
    });
    step("controlling_process", gen_tcp::controlling_process(&s, new))?;
    new.send_user(());
    let want = vec![Seen::tcp(b"m1"), Seen::tcp(b"m2"), Seen::tcp(b"m3")];
    eq("new owner got", answer("new owner", &rx)?, want)?;
    eq("old owner kept", drain_msgs(&s, 0), vec![])
}

/// After the transfer, packets go to the new owner only.
fn messages_go_to_new_owner(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&P2, &P2)?;
    step(
        "setopts",
        gen_tcp::setopts(&s, &[Opt::Active(Active::True)]),
    )?;
    let s2 = s.clone();
    let (new, rx) = in_process(move || {
        wait_for_go();
        drain_msgs(&s2, 2)
    });
    step("controlling_process", gen_tcp::controlling_process(&s, new))?;
    eq("owner", s.owner(), new)?;
    eq(
        "old owner may not transfer again",
        gen_tcp::controlling_process(&s, gen_tcp::self_pid()),
        Err(Error::NotOwner),
    )?;
    step("send", gen_tcp::send(&c, "a"))?;
    step("send", gen_tcp::send(&c, "b"))?;
    new.send_user(());
    eq(
        "new owner got",
        answer("new owner", &rx)?,
        vec![Seen::tcp(b"a"), Seen::tcp(b"b")],
    )?;
    eq("old owner got", drain_msgs(&s, 0), vec![])
}

/// A socket dies with its controlling process: when the new owner exits,
/// the peer reads `closed`, and so does anyone still holding the socket.
fn owner_exit_closes(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let (owner, rx) = in_process(|| {
        wait_for_go();
    });
    step(
        "controlling_process",
        gen_tcp::controlling_process(&s, owner),
    )?;
    owner.send_user(());
    answer("owner", &rx)?;
    eq(
        "peer recv",
        bytes(gen_tcp::recv(&c, 0, Some(WAIT))),
        Err(Error::Closed),
    )?;
    eq(
        "recv on the dead owner's socket",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(Error::Closed),
    )?;
    eq("send on it", gen_tcp::send(&s, "x"), Err(Error::Closed))
}

/// `controlling_process` racing with the new owner's end: whatever the
/// race gives (`ok`, or on `inet` `badarg` for a pid found dead), a
/// socket given to a process is closed by the time that process has
/// ended, never left open with a dead owner.
fn transfer_to_ending_process(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary, Opt::Active(Active::False)])?;
    for round in 0..300 {
        let c = ctx.connect_to(&l, &[Opt::Binary, Opt::Active(Active::False)])?;
        let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
        let _ = gen_tcp::close(&s);
        let (to, ended) = gen_tcp::spawn_with_handle(|| ());
        let r = gen_tcp::controlling_process(&c, to);
        ended
            .join()
            .map_err(|_| "the new owner panicked".to_string())?;
        let given = match (r, ctx.backend) {
            (Ok(()), _) => true,
            (Err(Error::Badarg), gen_tcp::InetBackend::Inet) => false,
            (other, _) => return Err(format!("round {round}: controlling_process: {other:?}")),
        };
        if given && !c.is_closed() {
            return Err(format!(
                "round {round}: given to {to:?}, which ended, and still open (owner {:?})",
                c.owner()
            ));
        }
        let _ = gen_tcp::close(&c);
    }
    Ok(())
}
