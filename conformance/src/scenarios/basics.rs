//! The reference page's opening example and the plain request/response path.

use crate::ctx::{eq, recv_to_end, step, Check, Ctx, WAIT};
use gen_tcp::{Active, Error, Opt};

crate::scenarios! {
    "basics/client_sends_server_receives_until_closed" => client_sends_server_receives_until_closed;
    "basics/echo_both_ways" => echo_both_ways;
    "basics/list_mode_delivers_lists" => list_mode_delivers_lists;
}

/// The page's first example: the client sends "Some Data" and closes; the
/// server reads with `recv(S, 0)` until `{error, closed}`.
fn client_sends_server_receives_until_closed(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[
        Opt::Binary,
        Opt::Packet(gen_tcp::PacketType::Raw),
        Opt::Active(Active::False),
    ])?;
    let c = ctx.connect_to(&l, &[Opt::Binary, Opt::Packet(gen_tcp::PacketType::Raw)])?;
    let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    step("send", gen_tcp::send(&c, "Some Data"))?;
    step("close", gen_tcp::close(&c))?;
    let (got, end) = recv_to_end(&s);
    eq("bytes", got.as_slice(), b"Some Data".as_slice())?;
    eq("end", end, Error::Closed)
}

fn echo_both_ways(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[])?;
    step("send", gen_tcp::send(&c, b"ping"))?;
    let d = step("recv", gen_tcp::recv(&s, 4, Some(WAIT)))?;
    eq("server got", d.to_vec(), b"ping".to_vec())?;
    step("send back", gen_tcp::send(&s, d.into_bytes()))?;
    let d = step("recv back", gen_tcp::recv(&c, 4, Some(WAIT)))?;
    eq("client got", d.to_vec(), b"ping".to_vec())
}

fn list_mode_delivers_lists(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(&[], &[Opt::List])?;
    step("send", gen_tcp::send(&c, "abc"))?;
    let d = step("recv", gen_tcp::recv(&s, 3, Some(WAIT)))?;
    eq("data", d, gen_tcp::Data::List(b"abc".to_vec()))
}
