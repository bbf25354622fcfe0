//! `accept/1,2`. Expected values are OTP 25's (`docs/otp-answers.md`,
//! probe question 9).

use crate::ctx::{
    answer, bytes, eq, in_process, in_process_blocked, step, Check, Ctx, SHORT, WAIT,
};
use gen_tcp::{Active, Error, Opt, PacketType};

crate::scenarios! {
    "accept/times_out_with_no_connection" => times_out;
    "accept/on_closed_listen_socket_is_closed" => on_closed_listen_socket;
    "accept/close_while_blocked_in_accept_is_closed" => close_while_blocked;
    "accept/on_connected_socket_is_einval" => on_connected_socket;
    "accept/pool_of_four_acceptors_gets_one_connection_each" => pool_of_four;
}

/// `accept(L, 50)` with no client: `{error, timeout}`.
fn times_out(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary])?;
    let t = std::time::Instant::now();
    eq(
        "accept",
        gen_tcp::accept(&l, Some(SHORT)).map(|_| ()),
        Err(Error::Timeout),
    )?;
    crate::ctx::ensure("waited the timeout", t.elapsed() >= SHORT)
}

/// "`{error, closed}` if ListenSocket is closed".
fn on_closed_listen_socket(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary])?;
    step("close", gen_tcp::close(&l))?;
    eq(
        "accept",
        gen_tcp::accept(&l, Some(SHORT)).map(|_| ()),
        Err(Error::Closed),
    )
}

/// A process blocked in `accept` when the listen socket is closed gets
/// `{error, closed}` at once, not at its timeout: its timeout is infinity,
/// so only the close can end its wait.
fn close_while_blocked(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary])?;
    let l2 = l.clone();
    let (_, rx) = in_process_blocked(move || gen_tcp::accept(&l2, None).map(|_| ()))?;
    step("close", gen_tcp::close(&l))?;
    eq(
        "blocked accept",
        answer("acceptor", &rx)?,
        Err(Error::Closed),
    )
}

/// `accept` on a connected socket: `einval`.
fn on_connected_socket(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    eq(
        "accept",
        gen_tcp::accept(&s, Some(SHORT)).map(|_| ()),
        Err(Error::Einval),
    )
}

/// The reference page's example: "a number of worker processes doing
/// accept on a single listening socket". Four acceptors, four clients:
/// each acceptor gets exactly one connection, and each client's packet
/// reaches exactly one acceptor.
fn pool_of_four(ctx: &Ctx) -> Check {
    let p2 = Opt::Packet(PacketType::Two);
    let l = ctx.listen(&[Opt::Binary, Opt::Active(Active::False), p2.clone()])?;
    let acceptors: Vec<_> = (0..4)
        .map(|_| {
            let l = l.clone();
            in_process(move || {
                let s = gen_tcp::accept(&l, Some(WAIT))?;
                bytes(gen_tcp::recv(&s, 0, Some(WAIT)))
            })
            .1
        })
        .collect();
    let mut clients = Vec::new();
    for i in 0..4u8 {
        let c = ctx.connect_to(&l, &[Opt::Binary, Opt::Active(Active::False), p2.clone()])?;
        step("send", gen_tcp::send(&c, [b'c', b'0' + i]))?;
        clients.push(c);
    }
    let mut got = Vec::new();
    for rx in &acceptors {
        got.push(answer("acceptor", rx)?.map_err(|e| e.to_string()));
    }
    got.sort();
    let want: Vec<Result<Vec<u8>, String>> = (0..4u8).map(|i| Ok(vec![b'c', b'0' + i])).collect();
    eq("one packet per acceptor", got, want)
}
