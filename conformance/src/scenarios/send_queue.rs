//! The output queue: `inet`'s busy port (`{high_watermark, H}`,
//! `{low_watermark, L}`) against `socket`'s blocking send, and
//! `{delay_send, true}`. Every scenario checks the bytes the peer read,
//! not only what `send` returned. Expected values are OTP 25's
//! (`docs/otp-answers.md`, probe question 10 and "Added by the
//! conformance suite", A1 and A2).

use crate::ctx::{bytes, ensure, eq, pattern, recv_exactly, step, wait_until, Check, Ctx, SHORT};
use gen_tcp::{Error, InetBackend, Opt, OptName, Socket, Stat};
use std::time::{Duration, Instant};

crate::scenarios! {
    "send_queue/busy_port_or_blocking_send_peer_gets_every_accepted_byte" => busy_port_or_blocking_send;
    "send_queue/delay_send_delivers_everything_in_order" => delay_send_in_order;
}

/// The size of each send.
const CHUNK: usize = 4096;
/// `{high_watermark, H}`: a few chunks.
const HIGH: u64 = 16384;
/// `{low_watermark, L}`.
const LOW: u32 = 8192;
/// `{send_timeout, 200}`.
const SEND_TIMEOUT: Duration = Duration::from_millis(200);
/// A timed-out send took at least about `SEND_TIMEOUT` (timer slack).
const WAITED: Duration = Duration::from_millis(180);
/// Far more sends than the kernel buffers and the queue can hold.
const MAX_SENDS: usize = 500;

/// `getstat(S, [send_pend])`.
pub(crate) fn send_pend(s: &Socket) -> Result<u64, String> {
    match step("getstat", gen_tcp::getstat(s, &[Stat::SendPend]))?.as_slice() {
        [(Stat::SendPend, n)] => Ok(*n),
        other => Err(format!("getstat send_pend: {other:?}")),
    }
}

/// One send and what was seen around it.
struct Sent {
    result: Result<(), Error>,
    pend_before: u64,
    pend_after: u64,
    took: Duration,
}

fn timed_send(c: &Socket, data: &[u8]) -> Result<Sent, String> {
    let pend_before = send_pend(c)?;
    let t = Instant::now();
    let result = gen_tcp::send(c, data);
    let took = t.elapsed();
    Ok(Sent {
        result,
        pend_before,
        pend_after: send_pend(c)?,
        took,
    })
}

/// Small `{sndbuf}`/`{recbuf}`, a peer that does not read,
/// `{high_watermark, 16384}`, `{low_watermark, 8192}`, `{send_timeout, 200}`,
/// and 4 KB sends until one is not `ok`.
///
/// `inet` (OTP: 6 `ok`, `send_pend` 14336 before the 7th, 18432 after it):
/// every `ok` send leaves the queue under `high_watermark`; the send that
/// takes it to `high_watermark` or more makes the port busy, waits the
/// `send_timeout` and returns `timeout` -- and its bytes stay queued
/// (`send_pend` grows by 4096). A further send on the busy port also
/// waits, returns `timeout` and is queued. The peer then reads every byte
/// of every send, `ok` or `timeout`, in order; the queue empties and a
/// send is `ok` again.
///
/// `socket` (OTP: 2 `ok`, then `{timeout, Rest}` with 2048 bytes of Rest):
/// no queue (`send_pend` is always 0); the failing send waits the
/// `send_timeout` and returns `{timeout, Rest}`, Rest being the chunk's
/// unsent tail. The peer reads the `ok` sends and the chunk's head, in
/// order, and nothing more.
fn busy_port_or_blocking_send(ctx: &Ctx) -> Check {
    let copts = [
        Opt::Sndbuf(4096),
        Opt::HighWatermark(HIGH as u32),
        Opt::LowWatermark(LOW),
        Opt::SendTimeout(Some(SEND_TIMEOUT)),
    ];
    let (c, s) = ctx.pair(&copts, &[Opt::Recbuf(4096)])?;
    // A period (251) that does not divide CHUNK: a lost, repeated or
    // reordered chunk shows in the peer's bytes.
    let data = pattern(CHUNK * (MAX_SENDS + 1));
    let chunk = |i: usize| &data[i * CHUNK..(i + 1) * CHUNK];
    let mut expected: Vec<u8> = Vec::new();
    let mut oks = 0;
    let failed = loop {
        if oks == MAX_SENDS {
            return Err(format!("{MAX_SENDS} sends of {CHUNK} bytes were all ok"));
        }
        let sent = timed_send(&c, chunk(oks))?;
        if sent.result.is_err() {
            break sent;
        }
        if ctx.backend == InetBackend::Inet {
            ensure(
                &format!(
                    "ok send #{oks} left send_pend {} under high_watermark",
                    sent.pend_after
                ),
                sent.pend_after < HIGH,
            )?;
        } else {
            eq("send_pend on socket", sent.pend_after, 0)?;
        }
        expected.extend_from_slice(chunk(oks));
        oks += 1;
    };
    ensure(&format!("some sends were ok ({oks})"), oks > 0)?;
    ensure(
        &format!("the failing send waited send_timeout ({:?})", failed.took),
        failed.took >= WAITED,
    )?;
    match ctx.backend {
        InetBackend::Inet => {
            eq("failing send", failed.result, Err(Error::Timeout))?;
            eq(
                "the timed-out bytes stay queued: send_pend",
                failed.pend_after,
                failed.pend_before + CHUNK as u64,
            )?;
            ensure(
                &format!("send_pend {} reached high_watermark", failed.pend_after),
                failed.pend_after >= HIGH,
            )?;
            expected.extend_from_slice(chunk(oks));
            let again = timed_send(&c, b"after the timeout")?;
            eq(
                "next send on the busy port",
                again.result,
                Err(Error::Timeout),
            )?;
            ensure(
                &format!("it waited send_timeout too ({:?})", again.took),
                again.took >= WAITED,
            )?;
            eq(
                "and was queued: send_pend",
                again.pend_after,
                again.pend_before + 17,
            )?;
            expected.extend_from_slice(b"after the timeout");
        }
        InetBackend::Socket => {
            let Err(Error::TimeoutRest(rest)) = failed.result else {
                return Err(format!(
                    "failing send: got {:?}, want {{timeout, Rest}}",
                    failed.result
                ));
            };
            let whole = chunk(oks);
            ensure(
                &format!("Rest ({} bytes) is part of the chunk", rest.len()),
                !rest.is_empty() && rest.len() <= CHUNK,
            )?;
            eq(
                "Rest is the chunk's unsent tail",
                rest[..] == whole[CHUNK - rest.len()..],
                true,
            )?;
            eq("send_pend on socket", failed.pend_after, 0)?;
            expected.extend_from_slice(&whole[..CHUNK - rest.len()]);
        }
    }
    let got = recv_exactly(&s, expected.len())?;
    eq("peer read", got.len(), expected.len())?;
    eq("every accepted byte, in order", got == expected, true)?;
    eq(
        "and nothing more",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Timeout),
    )?;
    // No event says the driver has written its queue: poll send_pend.
    wait_until("send_pend back to 0", || matches!(send_pend(&c), Ok(0)))?;
    eq("send once drained", gen_tcp::send(&c, "z"), Ok(()))?;
    eq("peer reads it", recv_exactly(&s, 1)?, b"z".to_vec())
}

/// `{delay_send, true}`: `getopts` shows it on both backends (set at
/// connect or with `setopts`). On `inet` the driver writes the queue soon
/// after; on `socket` it has no effect. Either way the peer reads 20
/// small sends whole and in order, and nothing stays queued.
fn delay_send_in_order(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[Opt::DelaySend(true)], &[])?;
    eq(
        "getopts delay_send",
        gen_tcp::getopts(&c, &[OptName::DelaySend]),
        Ok(vec![Opt::DelaySend(true)]),
    )?;
    let mut want = Vec::new();
    for i in 1..=20 {
        let m = i.to_string();
        step("send", gen_tcp::send(&c, m.as_str()))?;
        want.extend_from_slice(m.as_bytes());
    }
    eq("peer read in order", recv_exactly(&s, want.len())?, want)?;
    eq(
        "and nothing more",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(Error::Timeout),
    )?;
    // No event says the driver has written: poll send_pend.
    wait_until("send_pend back to 0", || matches!(send_pend(&c), Ok(0)))?;
    let (c2, _s2) = ctx.pair(&[], &[])?;
    step(
        "setopts delay_send",
        gen_tcp::setopts(&c2, &[Opt::DelaySend(true)]),
    )?;
    eq(
        "getopts after setopts",
        gen_tcp::getopts(&c2, &[OptName::DelaySend]),
        Ok(vec![Opt::DelaySend(true)]),
    )
}
