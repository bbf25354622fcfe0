//! `recv/2,3` on a passive socket: lengths, timeouts, and what comes after
//! the peer or we closed. Expected values are OTP 25's (`docs/otp-answers.md`,
//! probe question 3).

use crate::ctx::{answer, bytes, eq, posix, step, Check, Ctx, SHORT, WAIT};
use gen_tcp::{Active, Error, InetBackend, Opt};

crate::scenarios! {
    "recv/zero_length_returns_all_available" => zero_length_returns_all_available;
    "recv/length_n_waits_for_exactly_n_across_sends" => length_n_waits_for_exactly_n;
    "recv/length_n_with_peer_closing_early_is_closed" => length_n_peer_closes_early;
    "recv/times_out_on_a_silent_socket" => times_out_on_silent_socket;
    "recv/active_socket_is_einval" => active_socket_is_einval;
    "recv/second_recv_after_peer_closed" => second_recv_after_peer_closed;
    "recv/after_local_close_is_closed" => after_local_close_is_closed;
    "recv/two_readers_at_once" => two_readers_at_once;
    "recv/length_over_64_mib_is_enomem" => length_over_64_mib_is_enomem;
}

/// `recv(S, 0)`: "all available bytes are returned". Two sends that are both
/// in the kernel by the time we read come back as one packet.
fn zero_length_returns_all_available(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("send 1", gen_tcp::send(&c, "abc"))?;
    step("send 2", gen_tcp::send(&c, "def"))?;
    // Both in our receive queue before we read.
    crate::ctx::wait_until("both sends arrived", || crate::ctx::unread(&s) >= 6)?;
    eq(
        "recv(S, 0)",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Ok(b"abcdef".to_vec()),
    )
}

/// `recv(S, N)` returns exactly N bytes: 2 + 3 + 5 bytes sent, a recv of 4
/// gets `abcd` (spanning two sends), then 6 gets the rest.
fn length_n_waits_for_exactly_n(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let reader = {
        let s = s.clone();
        std::thread::spawn(move || {
            let a = bytes(gen_tcp::recv(&s, 4, Some(WAIT)));
            let b = bytes(gen_tcp::recv(&s, 6, Some(WAIT)));
            (a, b)
        })
    };
    // Each part reaches the socket before the next is sent.
    let mut sent = 0;
    for part in ["ab", "cde", "fghij"] {
        step("send", gen_tcp::send(&c, part))?;
        sent += part.len();
        crate::ctx::wait_arrived(&s, sent)?;
    }
    let (a, b) = reader.join().map_err(|_| "reader panicked".to_string())?;
    eq("recv(S, 4)", a, Ok(b"abcd".to_vec()))?;
    eq("recv(S, 6)", b, Ok(b"efghij".to_vec()))
}

/// `recv(S, 5)` when the peer sends 3 bytes and closes: `{error, closed}`,
/// and the 3 bytes are lost on both backends. The next `recv(S, 0)`:
/// `inet` says `enotconn` (the port is gone), `socket` says `closed`.
fn length_n_peer_closes_early(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, [1u8, 2, 3]))?;
    step("close", gen_tcp::close(&c))?;
    eq(
        "recv(S, 5)",
        bytes(gen_tcp::recv(&s, 5, Some(WAIT))),
        Err(Error::Closed),
    )?;
    eq(
        "then recv(S, 0)",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )
}

/// `recv(S, 0, 50)` with nothing sent: `{error, timeout}`, after about
/// 50 ms, and the socket is still usable.
fn times_out_on_silent_socket(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let t = std::time::Instant::now();
    eq(
        "recv(S, 0, 50)",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Timeout),
    )?;
    // A timeout waits at least its time (a lower bound: no load makes a
    // wait shorter).
    let took = t.elapsed();
    crate::ctx::ensure(&format!("waited 50 ms ({took:?})"), took >= SHORT)?;
    eq(
        "recv(S, 5, 50)",
        bytes(gen_tcp::recv(&s, 5, Some(SHORT))),
        Err(Error::Timeout),
    )?;
    step("send", gen_tcp::send(&c, "late"))?;
    eq(
        "recv after timeouts",
        bytes(gen_tcp::recv(&s, 4, Some(WAIT))),
        Ok(b"late".to_vec()),
    )
}

/// "This function can only be used on a passive socket": `einval` for
/// `{active, true}`, `once` and `N`.
fn active_socket_is_einval(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    for a in [Active::True, Active::Once, Active::N(5)] {
        step("setopts", gen_tcp::setopts(&s, &[Opt::Active(a)]))?;
        eq(
            &format!("recv on {a:?}"),
            bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
            Err(Error::Einval),
        )?;
    }
    Ok(())
}

/// After the peer closed with nothing pending, the first `recv` is
/// `closed`; the second is `enotconn` on `inet` (the port closed itself,
/// `exit_on_close`) and `closed` again on `socket`.
fn second_recv_after_peer_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("close", gen_tcp::close(&c))?;
    eq(
        "recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(Error::Closed),
    )?;
    let again = ctx.per_backend(posix("enotconn"), Error::Closed);
    eq(
        "recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        Err(again.clone()),
    )?;
    eq(
        "recv #3 (length 5)",
        bytes(gen_tcp::recv(&s, 5, Some(WAIT))),
        Err(again),
    )
}

/// `recv` on a socket we closed ourselves: `closed` on both backends.
fn after_local_close_is_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "unread"))?;
    step("close", gen_tcp::close(&s))?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Closed),
    )
}

/// "Only one process can call this function on a socket at any given
/// time ... could return errors such as `{error, ealready}`": on `inet`
/// the second reader gets `ealready` at once; on `socket` it waits its
/// turn and gets the bytes after the first reader's (OTP 25, Q3 j).
fn two_readers_at_once(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let reader = |s: gen_tcp::Socket| move || bytes(gen_tcp::recv(&s, 2, Some(WAIT)));
    // The first reader waits in recv (seen in the kernel) before the second.
    let (_, first) = crate::ctx::in_process_blocked(reader(s.clone()))?;
    match ctx.backend {
        InetBackend::Inet => {
            eq(
                "second reader",
                bytes(gen_tcp::recv(&s, 2, Some(WAIT))),
                Err(posix("ealready")),
            )?;
            step("peer send", gen_tcp::send(&c, "abcd"))?;
            eq("first reader", answer("first", &first)?, Ok(b"ab".to_vec()))?;
            eq(
                "then",
                bytes(gen_tcp::recv(&s, 2, Some(WAIT))),
                Ok(b"cd".to_vec()),
            )
        }
        InetBackend::Socket => {
            // The second waits its turn behind it.
            let (_, second) = crate::ctx::in_process_blocked(reader(s.clone()))?;
            step("peer send", gen_tcp::send(&c, "abcd"))?;
            eq("first reader", answer("first", &first)?, Ok(b"ab".to_vec()))?;
            eq(
                "second reader",
                answer("second", &second)?,
                Ok(b"cd".to_vec()),
            )
        }
    }
}

/// `recv(S, N)` with N over 64 MiB (`TCP_MAX_PACKET_SIZE`): OTP 25's
/// `inet` answers `{error, enomem}` at once and the bytes stay for the
/// next `recv`. OTP 25's `socket` backend aborts the whole VM on such a
/// length (an assertion in `prim_socket_nif`); we answer as `inet` does
/// rather than reserve the memory, or abort on a length no allocator can
/// give.
fn length_over_64_mib_is_enomem(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, "abc"))?;
    for n in [1usize << 40, (1 << 26) + 1, usize::MAX] {
        eq(
            &format!("recv(S, {n})"),
            bytes(gen_tcp::recv(&s, n, Some(SHORT))),
            Err(posix("enomem")),
        )?;
    }
    eq(
        "recv(S, 3) after",
        bytes(gen_tcp::recv(&s, 3, Some(WAIT))),
        Ok(b"abc".to_vec()),
    )
}
