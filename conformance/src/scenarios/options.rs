//! `inet:getopts/2` and `inet:setopts/2`: bad values, the place of
//! `{inet_backend, _}`, kernel options given to `listen`/`connect`, and the
//! round trips of values beyond each table row's sample (every packet
//! type, ...). The default and one round trip of every option are the
//! table's (`option_table.rs`). Expected values are OTP 25's
//! (`docs/otp-answers.md`, probe questions 1, 2 and 17), on Linux.

use super::option_table::{plain, round_trip};
use crate::ctx::{eq, posix, step, Check, Ctx, WAIT};
use crate::Scenario;
use gen_tcp::{Active, Error, InetBackend, Mode, Opt, OptName, PacketType};
use gen_tcp_core::options::spec::Answer;

crate::scenarios! {
    "options/getopts_of_no_names_is_empty" => getopts_of_no_names_is_empty;
    "options/kernel_options_given_to_listen_and_connect" => kernel_options_at_create;
    "options/linger_keeps_the_seconds_of_an_earlier_on" => linger_keeps_seconds;
    "options/raw_sizes_are_bounded_per_backend" => raw_sizes_are_bounded;
    "options/ipv6_options_given_to_an_ipv4_listen" => ipv6_options_at_ipv4_listen;
    "options/typed_accessors_read_and_set_one_option" => typed_accessors;
    "options/setopts_out_of_range_values" => setopts_out_of_range_values;
    "options/setopts_one_bad_option_in_a_list" => setopts_one_bad_in_list;
    "options/inet_backend_not_first_in_listen_is_badarg" => inet_backend_not_first_is_badarg;
    "options/inet_backend_in_setopts_is_einval" => inet_backend_in_setopts_is_einval;
    "options/bad_value_in_listen_is_badarg" => bad_value_in_listen_is_badarg;
}

/// This module's scenarios, with one round-trip row per option.
pub fn all() -> Vec<Scenario> {
    let mut v = list();
    v.extend(round_trip_list());
    v
}

/// `getopts(S, [])` is `{ok, []}` on every socket (Q1).
fn getopts_of_no_names_is_empty(ctx: &Ctx) -> Check {
    for (which, s) in ["listen", "client", "accepted"].iter().zip(&plain(ctx)?) {
        eq(
            &format!("{which} getopts []"),
            gen_tcp::getopts(s, &[]),
            Ok(vec![]),
        )?;
    }
    Ok(())
}

/// Kernel options given to `connect` are on the client, those given to
/// `listen` on the accepted socket (Q17: `{keepalive, true}` and
/// `{linger, {true, 3}}` to connect, `{nodelay, true}` and `{tos, 16}`
/// to listen).
fn kernel_options_at_create(ctx: &Ctx) -> Check {
    let (c, s) = ctx.pair(
        &[Opt::Keepalive(true), Opt::Linger((true, 3))],
        &[Opt::Nodelay(true), Opt::Tos(16)],
    )?;
    eq(
        "getopts(C, [keepalive, linger])",
        gen_tcp::getopts(&c, &[OptName::Keepalive, OptName::Linger]),
        Ok(vec![Opt::Keepalive(true), Opt::Linger((true, 3))]),
    )?;
    eq(
        "getopts(S, [nodelay, tos])",
        gen_tcp::getopts(&s, &[OptName::Nodelay, OptName::Tos]),
        Ok(vec![Opt::Nodelay(true), Opt::Tos(16)]),
    )
}

/// `{linger, {true, 7}}` then `{linger, {false, 5}}` reads `{false, 7}`:
/// the kernel keeps the seconds of the last "on" (Q17, both backends).
fn linger_keeps_seconds(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    step("linger on", gen_tcp::setopts(&s, &[Opt::Linger((true, 7))]))?;
    step(
        "linger off",
        gen_tcp::setopts(&s, &[Opt::Linger((false, 5))]),
    )?;
    eq(
        "getopts linger",
        gen_tcp::getopts(&s, &[OptName::Linger]),
        Ok(vec![Opt::Linger((false, 7))]),
    )
}

/// `listen` of an IPv4 socket with `{recvtclass, true}` or
/// `{ipv6_v6only, true}`: `einval` on `inet`, the kernel's `enoprotoopt`
/// on `socket` (Q17), as `setopts` answers them.
fn ipv6_options_at_ipv4_listen(ctx: &Ctx) -> Check {
    let want = ctx.per_backend(Error::Einval, posix("enoprotoopt"));
    for opt in [Opt::Recvtclass(true), Opt::Ipv6V6only(true)] {
        let o = ctx.opts(&[Opt::Ip([127, 0, 0, 1].into()), opt.clone()]);
        eq(
            &format!("listen {opt:?}"),
            gen_tcp::listen(0, &o).map(|_| ()),
            Err(want.clone()),
        )?;
    }
    Ok(())
}

/// `getopts(C, [{raw, 6, 1, Size}])` (`TCP_NODELAY`, 4 bytes): `inet`
/// answers up to 65522 bytes and `einval` over; `socket` leaves the option
/// out for 0 and over 2^31 - 1 (Q18). No size makes us reserve it.
fn raw_sizes_are_bounded(ctx: &Ctx) -> Check {
    let (c, _s) = ctx.pair(&[], &[])?;
    let (level, name) = (6, 1);
    let raw = |value: Vec<u8>| Ok(vec![Opt::Raw { level, name, value }]);
    let zero = || raw(vec![0; 4]);
    let cases = [
        (0, ctx.per_backend(raw(vec![]), Ok(vec![]))),
        (4, zero()),
        (65522, zero()),
        (65523, ctx.per_backend(Err(Error::Einval), zero())),
        (0x7fff_ffff, ctx.per_backend(Err(Error::Einval), zero())),
        (0x8000_0000, ctx.per_backend(Err(Error::Einval), Ok(vec![]))),
        (usize::MAX, ctx.per_backend(Err(Error::Einval), Ok(vec![]))),
    ];
    for (size, want) in cases {
        eq(
            &format!("getopts raw size {size}"),
            gen_tcp::getopts(&c, &[OptName::Raw { level, name, size }]),
            want,
        )?;
    }
    step(
        "setopts raw nodelay 1",
        gen_tcp::setopts(
            &c,
            &[Opt::Raw {
                level,
                name,
                value: 1i32.to_ne_bytes().to_vec(),
            }],
        ),
    )?;
    eq(
        "getopts nodelay",
        gen_tcp::getopts(&c, &[OptName::Nodelay]),
        Ok(vec![Opt::Nodelay(true)]),
    )
}

/// The typed accessors are `getopts`/`setopts` of one option: `None`
/// where the backend leaves it out (`high_watermark` on `socket`).
fn typed_accessors(ctx: &Ctx) -> Check {
    use gen_tcp::TypedOpts;
    let (c, _s) = ctx.pair(&[], &[])?;
    step("set_nodelay", c.set_nodelay(true))?;
    eq("nodelay", c.nodelay(), Ok(Some(true)))?;
    step("set_packet", c.set_packet(PacketType::Two))?;
    eq("packet", c.packet(), Ok(Some(PacketType::Two)))?;
    eq("linger", c.linger(), Ok(Some((false, 0))))?;
    eq(
        "high_watermark",
        c.high_watermark(),
        Ok(ctx.per_backend(Some(8192), None)),
    )?;
    eq(
        "set_active out of range",
        c.set_active(Active::N(40_000)),
        Err(Error::Einval),
    )
}

/// Values Rust's types can still get wrong: `{active, 40000}` is `einval`
/// on both and changes nothing; `{packet_size, 64 MiB + 1}` is accepted
/// by both; `{tos, 256}` is accepted and reads back as 0 (the kernel keeps
/// 8 bits); `{buffer, 0}` is accepted by `inet` (read back as 1) and
/// refused by `socket`; `{high_msgq_watermark, 0}` is `einval` on `inet`
/// and ignored by `socket`.
fn setopts_out_of_range_values(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let get = |n: OptName| gen_tcp::getopts(&s, &[n]);
    eq(
        "active 40000",
        gen_tcp::setopts(&s, &[Opt::Active(Active::N(40_000))]),
        Err(Error::Einval),
    )?;
    eq(
        "active after",
        get(OptName::Active),
        Ok(vec![Opt::Active(Active::False)]),
    )?;
    eq(
        "packet_size 64M+1",
        gen_tcp::setopts(&s, &[Opt::PacketSize(0x400_0001)]),
        Ok(()),
    )?;
    eq(
        "packet_size after",
        get(OptName::PacketSize),
        Ok(vec![Opt::PacketSize(0x400_0001)]),
    )?;
    eq("tos 256", gen_tcp::setopts(&s, &[Opt::Tos(256)]), Ok(()))?;
    eq("tos after", get(OptName::Tos), Ok(vec![Opt::Tos(0)]))?;
    eq(
        "buffer 0",
        gen_tcp::setopts(&s, &[Opt::Buffer(0)]),
        ctx.per_backend(Ok(()), Err(Error::Einval)),
    )?;
    eq(
        "buffer after",
        get(OptName::Buffer),
        Ok(vec![Opt::Buffer(ctx.per_backend(1, 8192))]),
    )?;
    eq(
        "high_msgq_watermark 0",
        gen_tcp::setopts(&s, &[Opt::HighMsgqWatermark(0)]),
        ctx.per_backend(Err(Error::Einval), Ok(())),
    )
}

/// One bad option in a list fails the call with `einval`. `inet` applies
/// none of the list; `socket` has already applied the options before the
/// bad one.
fn setopts_one_bad_in_list(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    eq(
        "setopts [active true, active 40000]",
        gen_tcp::setopts(
            &s,
            &[Opt::Active(Active::True), Opt::Active(Active::N(40_000))],
        ),
        Err(Error::Einval),
    )?;
    let now = ctx.per_backend(Active::False, Active::True);
    eq(
        "active after",
        gen_tcp::getopts(&s, &[OptName::Active]),
        Ok(vec![Opt::Active(now)]),
    )
}

/// "`{inet_backend, Backend}` ... must be the first option": anywhere
/// else `listen` and `connect` raise `badarg`, also when it repeats.
fn inet_backend_not_first_is_badarg(ctx: &Ctx) -> Check {
    let b = Opt::InetBackend(ctx.backend);
    eq(
        "listen [binary, inet_backend]",
        gen_tcp::listen(0, &[Opt::Binary, b.clone()]).map(|_| ()),
        Err(Error::Badarg),
    )?;
    eq(
        "listen [inet_backend, binary, inet_backend]",
        gen_tcp::listen(0, &[b.clone(), Opt::Binary, b.clone()]).map(|_| ()),
        Err(Error::Badarg),
    )?;
    let l = ctx.listen(&[])?;
    let port = step("port", gen_tcp::port(&l))?;
    eq(
        "connect [binary, inet_backend]",
        gen_tcp::connect("127.0.0.1", port, &[Opt::Binary, b], Some(WAIT)).map(|_| ()),
        Err(Error::Badarg),
    )
}

/// `setopts` with `{inet_backend, _}`, alone or in a list: `einval` on
/// both backends, and the socket is still usable.
fn inet_backend_in_setopts_is_einval(ctx: &Ctx) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    for b in [InetBackend::Inet, InetBackend::Socket] {
        eq(
            &format!("setopts inet_backend {}", b.name()),
            gen_tcp::setopts(&s, &[Opt::InetBackend(b)]),
            Err(Error::Einval),
        )?;
    }
    eq(
        "setopts [binary, inet_backend]",
        gen_tcp::setopts(&s, &[Opt::Binary, Opt::InetBackend(ctx.backend)]),
        Err(Error::Einval),
    )?;
    eq(
        "still usable",
        gen_tcp::getopts(&s, &[OptName::Active]),
        Ok(vec![Opt::Active(Active::False)]),
    )
}

/// A value `setopts` refuses with `einval` makes `listen` and `connect`
/// raise `badarg` (OTP checks their options before opening anything).
fn bad_value_in_listen_is_badarg(ctx: &Ctx) -> Check {
    let bad = Opt::Active(Active::N(40_000));
    eq(
        "listen",
        gen_tcp::listen(0, &ctx.opts(std::slice::from_ref(&bad))).map(|_| ()),
        Err(Error::Badarg),
    )?;
    let l = ctx.listen(&[])?;
    let port = step("port", gen_tcp::port(&l))?;
    eq(
        "connect",
        gen_tcp::connect("127.0.0.1", port, &ctx.opts(&[bad]), Some(WAIT)).map(|_| ()),
        Err(Error::Badarg),
    )
}

/// The round trips of values beyond each table row's sample, one
/// scenario each (Q17): `name: Opt => answer on inet, answer on socket;`.
macro_rules! round_trips {
    ($($f:ident: $opt:expr => $inet:expr, $socket:expr;)*) => {
        $(
            #[doc = concat!("`setopts` then `getopts` of `", stringify!($opt), "`.")]
            fn $f(ctx: &Ctx) -> Check {
                round_trip(ctx, $opt, ctx.per_backend($inet, $socket))
            }
        )*

        /// The round-trip scenarios, named `options/round_trip/<fn>`.
        fn round_trip_list() -> Vec<Scenario> {
            vec![$(Scenario {
                name: concat!("options/round_trip/", stringify!($f)),
                run: $f,
                pending: &[],
            },)*]
        }
    };
}

use Answer::*;

round_trips! {
    active_n: Opt::Active(Active::N(3)) => Same, Same;
    active_true: Opt::Active(Active::True) => Same, Same;
    active_out_of_range: Opt::Active(Active::N(40_000)) => SetFails(Error::Einval), SetFails(Error::Einval);
    mode_binary: Opt::Mode(Mode::Binary) => Same, Same;
    mode_list: Opt::List => Reads(Opt::Mode(Mode::List)), Reads(Opt::Mode(Mode::List));
    linger_off: Opt::Linger((false, 5)) => Reads(Opt::Linger((false, 0))), Reads(Opt::Linger((false, 0)));
    packet_1: Opt::Packet(PacketType::One) => Same, Same;
    packet_4: Opt::Packet(PacketType::Four) => Same, Same;
    packet_line: Opt::Packet(PacketType::Line) => Same, Same;
    packet_sunrm: Opt::Packet(PacketType::Sunrm) => Same, Same;
    packet_asn1: Opt::Packet(PacketType::Asn1) => Same, Same;
    packet_cdr: Opt::Packet(PacketType::Cdr) => Same, Same;
    packet_fcgi: Opt::Packet(PacketType::Fcgi) => Same, Same;
    packet_tpkt: Opt::Packet(PacketType::Tpkt) => Same, Same;
    packet_http: Opt::Packet(PacketType::Http) => Same, Same;
    packet_httph: Opt::Packet(PacketType::Httph) => Same, Same;
    packet_http_bin: Opt::Packet(PacketType::HttpBin) => Same, Same;
    packet_httph_bin: Opt::Packet(PacketType::HttphBin) => Same, Same;
    send_timeout_infinity: Opt::SendTimeout(None) => Same, Same;
}
