//! `send/2`: iodata, large sends, and sending on a closed connection.
//! Expected values are OTP 25's (`docs/otp-answers.md`, probe questions 3
//! and 5).

use crate::ctx::{bytes, eq, pattern, posix, recv_exactly, step, Check, Ctx, SHORT, WAIT};
use gen_tcp::{Error, Opt, PacketType};

crate::scenarios! {
    "send/iodata_list_is_sent_in_order" => iodata_list_in_order;
    "send/iodata_list_is_one_packet" => iodata_list_is_one_packet;
    "send/four_megabytes_read_fully_by_peer" => four_megabytes;
    "send/after_local_close_is_closed" => after_local_close;
    "send/after_peer_closed" => after_peer_closed;
}

/// `Packet = iodata()`: the parts of a list go out in order, as one stream.
fn iodata_list_in_order(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    let parts: [&[u8]; 4] = [b"ab", b"", b"cde", b"f"];
    step("send", gen_tcp::send(&c, parts))?;
    eq("peer read", recv_exactly(&s, 6)?, b"abcdef".to_vec())
}

/// With `{packet, 2}` an iodata list is one packet: one header for the
/// whole list, and the peer gets one packet.
fn iodata_list_is_one_packet(ctx: &Ctx) -> Check {
    let two = [Opt::Packet(PacketType::Two)];
    let (c, s) = ctx.pair(&two, &[])?;
    let parts = vec![b"hello".to_vec(), b", ".to_vec(), b"world".to_vec()];
    step("send", gen_tcp::send(&c, parts))?;
    eq(
        "on the wire",
        recv_exactly(&s, 14)?,
        b"\x00\x0chello, world".to_vec(),
    )
}

/// A 4 MB send is read whole and in order by a peer reading concurrently
/// (on `socket` the send returns when the last byte is in the kernel; on
/// `inet` possibly earlier, with the rest queued).
fn four_megabytes(ctx: &Ctx) -> Check {
    const N: usize = 4 * 1024 * 1024;
    let (c, s) = ctx.pair(&[], &[])?;
    let reader = std::thread::spawn(move || recv_exactly(&s, N));
    let data = pattern(N);
    step("send 4 MB", gen_tcp::send(&c, &data[..]))?;
    let got = reader.join().map_err(|_| "reader panicked".to_string())??;
    eq("length", got.len(), N)?;
    eq("bytes equal", got == data, true)
}

/// `send` on a socket we closed: `{error, closed}` on both backends.
fn after_local_close(ctx: &Ctx) -> Check {
    let (c, _s) = ctx.pair(&[], &[])?;
    step("close", gen_tcp::close(&c))?;
    eq("send", gen_tcp::send(&c, "x"), Err(Error::Closed))
}

/// The peer sent `from_peer` and closed; we never read it. Sending:
/// the first send is `ok` on both (the kernel takes it; the peer answers
/// with a reset), the second is `closed` on both. From then on `inet` has
/// closed the port: the third send is `enotconn`, `recv` is `closed` then
/// `enotconn`, and `from_peer` is lost. `socket` keeps answering `closed`
/// to senders, and a reader still drains `from_peer` before `closed`
/// (reference page, "Remote close detected by background send").
fn after_peer_closed(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("peer send", gen_tcp::send(&c, "from_peer"))?;
    step("peer close", gen_tcp::close(&c))?;
    // Nothing in the API announces that the FIN arrived, nor that the
    // peer's reset to the next send came back; the kernel's TCP state does.
    crate::ctx::wait_tcp_state(&s, crate::ctx::TCP_CLOSE_WAIT)?;
    eq("send #1", gen_tcp::send(&s, "ping"), Ok(()))?;
    crate::ctx::wait_tcp_state(&s, crate::ctx::TCP_CLOSE)?;
    eq("send #2", gen_tcp::send(&s, "ping"), Err(Error::Closed))?;
    eq(
        "send #3",
        gen_tcp::send(&s, "ping"),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )?;
    eq(
        "recv #1",
        bytes(gen_tcp::recv(&s, 0, Some(WAIT))),
        ctx.per_backend(Err(Error::Closed), Ok(b"from_peer".to_vec())),
    )?;
    eq(
        "recv #2",
        bytes(gen_tcp::recv(&s, 0, Some(SHORT))),
        Err(ctx.per_backend(posix("enotconn"), Error::Closed)),
    )
}
