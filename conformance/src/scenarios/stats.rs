//! `inet:getstat/2` after real traffic. Expected values are OTP 25's
//! (`docs/otp-answers.md`, probe questions 10 and 12, and "Added by the
//! conformance suite", A9), except where noted.

use crate::ctx::{eq, pattern, recv_exactly, step, unread, wait_until, Check, Ctx};
use gen_tcp::{Error, Opt, Socket, Stat};
use std::time::Duration;

crate::scenarios! {
    "stats/counters_after_traffic" => counters_after_traffic;
    "stats/timed_out_send_is_counted_on_inet_only" => timed_out_send_counted;
}

const ALL: [Stat; 10] = Stat::ALL;

fn getstat(s: &Socket, which: &[Stat]) -> Result<Vec<u64>, String> {
    let got = step("getstat", gen_tcp::getstat(s, which))?;
    eq(
        "getstat names",
        got.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        which.to_vec(),
    )?;
    Ok(got.into_iter().map(|(_, v)| v).collect())
}

/// Waits until the `n` bytes written to `s` are all in its kernel, so that
/// one read takes them all.
fn all_in_kernel(s: &Socket, n: usize) -> Check {
    wait_until(&format!("{n} bytes waiting"), || unread(s) >= n)
}

/// C sends 10 bytes, then 5 as an iodata list (one send); S reads the
/// 15 in one read and answers 3; C then reads them. Values in
/// `Stat::ALL` order (`recv_oct, recv_cnt, recv_max, recv_avg, recv_dvi,
/// send_oct, send_cnt, send_max, send_avg, send_pend`): C
/// `3,1,3,3,0,15,2,10,7,0`, S `15,1,15,15,0,3,1,3,3,0`. Then S sends 4 and 2 bytes that C reads in
/// one read: C's receive side is `9,2,6,4`.
///
/// These are OTP's `inet` answers. OTP's `socket` backend answers the
/// same except `send_max`/`send_avg` (8 and 8 for C) and, in the last
/// step, `recv_max`/`recv_avg` (5 and 5): it reports a rounded running
/// mean as the maximum. We deliberately report the real maximum and the
/// floor of the mean on both backends (`core/src/stats.rs`), so this
/// scenario expects `inet`'s numbers on both. `recv_dvi` is 0 for one
/// read (`core/src/stats.rs` has inet_drv's formula and its test).
fn counters_after_traffic(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    eq("C fresh", getstat(&c, &ALL)?, vec![0; 10])?;
    step("send 10", gen_tcp::send(&c, "0123456789"))?;
    step("send 5", gen_tcp::send(&c, [&b"abc"[..], b"de"]))?;
    all_in_kernel(&s, 15)?;
    eq(
        "S reads",
        recv_exactly(&s, 15)?,
        b"0123456789abcde".to_vec(),
    )?;
    step("reply", gen_tcp::send(&s, "xyz"))?;
    eq("C reads", recv_exactly(&c, 3)?, b"xyz".to_vec())?;
    eq(
        "C",
        getstat(&c, &ALL)?,
        vec![3, 1, 3, 3, 0, 15, 2, 10, 7, 0],
    )?;
    eq(
        "S",
        getstat(&s, &ALL)?,
        vec![15, 1, 15, 15, 0, 3, 1, 3, 3, 0],
    )?;
    step("send 4", gen_tcp::send(&s, "1234"))?;
    step("send 2", gen_tcp::send(&s, "56"))?;
    all_in_kernel(&c, 6)?;
    eq("C reads both", recv_exactly(&c, 6)?, b"123456".to_vec())?;
    eq(
        "C receive side",
        getstat(
            &c,
            &[Stat::RecvOct, Stat::RecvCnt, Stat::RecvMax, Stat::RecvAvg],
        )?,
        vec![9, 2, 6, 4],
    )
}

/// A 16 MB send to a peer that does not read, `{send_timeout, 200}`:
/// `inet` queues it and counts it at once (`send_oct` 16 MB, `send_cnt`
/// 1); `socket` times out with `{timeout, Rest}` and counts nothing
/// (`send_oct` and `send_cnt` stay 0, as OTP's `socket` backend does),
/// though part of the data was sent.
fn timed_out_send_counted(ctx: &Ctx) -> Check {
    const BIG: usize = 16 * 1024 * 1024;
    let (c, _s) = ctx.pair(&[Opt::SendTimeout(Some(Duration::from_millis(200)))], &[])?;
    let r = gen_tcp::send(&c, &pattern(BIG)[..]);
    eq(
        "send",
        r.map_err(|e| e.reason()),
        ctx.per_backend(Ok(()), Err(Error::Timeout.reason())),
    )?;
    eq(
        "send_oct, send_cnt",
        getstat(&c, &[Stat::SendOct, Stat::SendCnt])?,
        ctx.per_backend(vec![BIG as u64, 1], vec![0, 0]),
    )
}
