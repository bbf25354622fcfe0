//! `inet:getopts/2` and `inet:setopts/2`: defaults, bad values, the place
//! of `{inet_backend, _}`, and a set-then-get round trip for every
//! settable option. Expected values are OTP 25's (`docs/otp-answers.md`,
//! probe questions 1 and 2), on Linux.

use crate::ctx::{eq, step, Check, Ctx, WAIT};
use crate::Scenario;
use gen_tcp::{Active, Deliver, Error, InetBackend, Mode, Opt, OptName, PacketType, Socket};
use std::time::Duration;

crate::scenarios! {
    "options/defaults_per_backend" => defaults_per_backend;
    "options/kernel_buffer_sizes_are_positive" => kernel_buffer_sizes_are_positive;
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

/// A listen socket, a client and the accepted socket, created with no
/// option but the backend and the loopback address: OTP's defaults.
fn plain(ctx: &Ctx) -> Result<[Socket; 3], String> {
    let l = ctx.listen(&[])?;
    let c = ctx.connect_to(&l, &[])?;
    let s = gen_tcp::accept(&l, Some(WAIT)).map_err(|e| format!("accept: {e}"))?;
    Ok([l, c, s])
}

/// What `getopts(S, [Name])` answers on a new socket: `Ok(vec![])` is
/// `{ok, []}` (OTP leaves the option out), `Err(Einval)` is
/// `{error, einval}`.
fn defaults(b: InetBackend) -> Vec<(OptName, Result<Vec<Opt>, Error>)> {
    let inet = b == InetBackend::Inet;
    let one = |o: Opt| Ok(vec![o]);
    let omitted = || Ok(vec![]);
    vec![
        (OptName::Active, one(Opt::Active(Active::True))),
        (
            OptName::Buffer,
            one(Opt::Buffer(if inet { 1460 } else { 8192 })),
        ),
        (OptName::Debug, one(Opt::Debug(false))),
        (OptName::DelaySend, one(Opt::DelaySend(false))),
        (OptName::Deliver, one(Opt::Deliver(Deliver::Term))),
        (OptName::Dontroute, one(Opt::Dontroute(false))),
        (OptName::ExitOnClose, one(Opt::ExitOnClose(true))),
        (OptName::Header, one(Opt::Header(0))),
        (
            OptName::HighMsgqWatermark,
            if inet {
                one(Opt::HighMsgqWatermark(8192))
            } else {
                omitted()
            },
        ),
        (
            OptName::HighWatermark,
            if inet {
                one(Opt::HighWatermark(8192))
            } else {
                omitted()
            },
        ),
        (OptName::Keepalive, one(Opt::Keepalive(false))),
        (OptName::Linger, one(Opt::Linger((false, 0)))),
        (
            OptName::LowMsgqWatermark,
            if inet {
                one(Opt::LowMsgqWatermark(4096))
            } else {
                omitted()
            },
        ),
        (
            OptName::LowWatermark,
            one(Opt::LowWatermark(if inet { 4096 } else { 1 })),
        ),
        (OptName::Mode, one(Opt::Mode(Mode::List))),
        (OptName::Nodelay, one(Opt::Nodelay(false))),
        (OptName::Packet, one(Opt::Packet(PacketType::Raw))),
        (
            OptName::PacketSize,
            one(Opt::PacketSize(if inet { 0 } else { 0x400_0000 })),
        ),
        (
            OptName::LineDelimiter,
            if inet {
                Err(Error::Einval)
            } else {
                one(Opt::LineDelimiter(b'\n'))
            },
        ),
        (OptName::Priority, one(Opt::Priority(0))),
        (OptName::Reuseaddr, one(Opt::Reuseaddr(false))),
        // OTP 25 refuses these two (`einval`): they came with OTP 26, the
        // release the reference page documents (kernel 9.2.3), where they
        // are `SO_REUSEPORT`, off by default.
        (OptName::Reuseport, one(Opt::Reuseport(false))),
        (OptName::ReuseportLb, one(Opt::ReuseportLb(false))),
        (OptName::SendTimeout, one(Opt::SendTimeout(None))),
        (OptName::SendTimeoutClose, one(Opt::SendTimeoutClose(false))),
        (OptName::ShowEconnreset, one(Opt::ShowEconnreset(false))),
        (OptName::Tos, one(Opt::Tos(0))),
        (OptName::Tclass, omitted()),
        (OptName::Ttl, one(Opt::Ttl(64))),
        (OptName::Recvtos, one(Opt::Recvtos(false))),
        (OptName::Recvtclass, omitted()),
        (OptName::Recvttl, one(Opt::Recvttl(false))),
        (OptName::Ipv6V6only, omitted()),
        (OptName::BindToDevice, one(Opt::BindToDevice(Vec::new()))),
    ]
}

/// `getopts` of each option, one at a time, on a listen socket, a client
/// and an accepted socket with no options: OTP's answers per backend
/// (the `socket` backend leaves out the message-queue watermarks and
/// `high_watermark`, has `{low_watermark, 1}`, `{packet_size, 64 MiB}`
/// and `{buffer, 8192}`; `inet` refuses `line_delimiter`).
fn defaults_per_backend(ctx: &Ctx) -> Check {
    let socks = plain(ctx)?;
    for (name, want) in defaults(ctx.backend) {
        for (which, s) in ["listen", "client", "accepted"].iter().zip(&socks) {
            eq(
                &format!("{which} {}", name.erlang_name()),
                gen_tcp::getopts(s, std::slice::from_ref(&name)),
                want.clone(),
            )?;
        }
    }
    eq("getopts []", gen_tcp::getopts(&socks[1], &[]), Ok(vec![]))
}

/// `recbuf` and `sndbuf` come from the kernel: only their presence and
/// sign are OTP's to define.
fn kernel_buffer_sizes_are_positive(ctx: &Ctx) -> Check {
    // All three stay open until the end: dropping the client's last handle
    // would close it, and a socket whose peer closed answers `einval`.
    let socks = plain(ctx)?;
    for (which, s) in ["listen", "client", "accepted"].iter().zip(&socks) {
        for name in [OptName::Recbuf, OptName::Sndbuf] {
            match gen_tcp::getopts(s, std::slice::from_ref(&name)) {
                Ok(v) if matches!(v.as_slice(), [Opt::Recbuf(n) | Opt::Sndbuf(n)] if *n > 0) => {}
                other => return Err(format!("{which} {}: {other:?}", name.erlang_name())),
            }
        }
    }
    Ok(())
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

/// What `getopts` gives back after `setopts` of a value.
#[derive(Debug, Clone)]
enum Then {
    /// The value set.
    Same,
    /// This value.
    Reads(Opt),
    /// `{ok, []}`: the backend does not report the option.
    Omitted,
    /// `setopts` succeeds, `getopts` fails with this.
    GetFails(Error),
    /// `setopts` fails with this.
    SetFails(Error),
    /// A kernel size: at least the value set (Linux doubles it).
    AtLeast(u32),
    /// `setopts` succeeds; the value is platform-defined (Windows-only
    /// options, accepted and ignored elsewhere).
    Accepted,
}

/// Sets `opt` on a connected passive socket and reads it back.
fn round_trip(ctx: &Ctx, opt: Opt, then: Then) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let name = opt.name().ok_or("not a socket option")?;
    let set = gen_tcp::setopts(&s, std::slice::from_ref(&opt));
    if let Then::SetFails(e) = then {
        return eq("setopts", set, Err(e));
    }
    step("setopts", set)?;
    if let Then::Accepted = then {
        return Ok(());
    }
    let got = gen_tcp::getopts(&s, &[name]);
    match then {
        Then::Same => eq("getopts", got, Ok(vec![opt])),
        Then::Reads(o) => eq("getopts", got, Ok(vec![o])),
        Then::Omitted => eq("getopts", got, Ok(vec![])),
        Then::GetFails(e) => eq("getopts", got, Err(e)),
        Then::AtLeast(n) => match got.as_deref() {
            Ok([Opt::Recbuf(m) | Opt::Sndbuf(m)]) if *m >= n => Ok(()),
            other => Err(format!("getopts: got {other:?}, want at least {n}")),
        },
        Then::SetFails(_) | Then::Accepted => unreachable!(),
    }
}

/// One scenario per option, as socket2's `tests/socket.rs` has one test
/// per option: `name: Opt => answer on inet, answer on socket;`.
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

use Then::*;

round_trips! {
    active_once: Opt::Active(Active::Once) => Same, Same;
    active_n: Opt::Active(Active::N(3)) => Same, Same;
    active_true: Opt::Active(Active::True) => Same, Same;
    active_out_of_range: Opt::Active(Active::N(40_000)) => SetFails(Error::Einval), SetFails(Error::Einval);
    buffer: Opt::Buffer(4096) => Same, Same;
    debug: Opt::Debug(true) => Same, Same;
    delay_send: Opt::DelaySend(true) => Same, Same;
    deliver: Opt::Deliver(Deliver::Port) => Same, Same;
    dontroute: Opt::Dontroute(true) => Same, Same;
    exit_on_close: Opt::ExitOnClose(false) => Same, Same;
    // OTP 26 (the reference page's release) added `exclusiveaddruse`,
    // `reuseport` and `reuseport_lb`; OTP 25 answers `einval` to all three.
    exclusiveaddruse: Opt::Exclusiveaddruse(true) => Accepted, Accepted;
    header: Opt::Header(3) => Same, Same;
    high_msgq_watermark: Opt::HighMsgqWatermark(100_000) => Same, Omitted;
    low_msgq_watermark: Opt::LowMsgqWatermark(100) => Same, Omitted;
    high_watermark: Opt::HighWatermark(100_000) => Same, Omitted;
    low_watermark: Opt::LowWatermark(100) => Same, Same;
    keepalive: Opt::Keepalive(true) => Same, Same;
    linger: Opt::Linger((true, 5)) => Same, Same;
    mode_binary: Opt::Mode(Mode::Binary) => Same, Same;
    mode_list: Opt::List => Reads(Opt::Mode(Mode::List)), Reads(Opt::Mode(Mode::List));
    nodelay: Opt::Nodelay(true) => Same, Same;
    packet_1: Opt::Packet(PacketType::One) => Same, Same;
    packet_2: Opt::Packet(PacketType::Two) => Same, Same;
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
    packet_size: Opt::PacketSize(1000) => Same, Same;
    line_delimiter: Opt::LineDelimiter(b';') => GetFails(Error::Einval), Same;
    priority: Opt::Priority(3) => Same, Same;
    recbuf: Opt::Recbuf(65536) => AtLeast(65536), AtLeast(65536);
    reuseaddr: Opt::Reuseaddr(true) => Same, Same;
    reuseport: Opt::Reuseport(true) => Same, Same;
    reuseport_lb: Opt::ReuseportLb(true) => Same, Same;
    send_timeout: Opt::SendTimeout(Some(Duration::from_millis(1500))) => Same, Same;
    send_timeout_infinity: Opt::SendTimeout(None) => Same, Same;
    send_timeout_close: Opt::SendTimeoutClose(true) => Same, Same;
    show_econnreset: Opt::ShowEconnreset(true) => Same, Same;
    sndbuf: Opt::Sndbuf(65536) => AtLeast(65536), AtLeast(65536);
    tos: Opt::Tos(16) => Same, Same;
    ttl: Opt::Ttl(12) => Same, Same;
    recvtos: Opt::Recvtos(true) => Same, Same;
    recvttl: Opt::Recvttl(true) => Same, Same;
}
