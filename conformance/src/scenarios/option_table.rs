//! Two scenarios per row of the option table (`core/src/options/table.rs`,
//! read through `gen_tcp_core::options::spec`), run on both backends:
//!
//! - `options/table/<name>/default`: `getopts(S, [Name])` on a new listen
//!   socket, client and accepted socket (OTP 25's answers: Q1 of
//!   `docs/otp-answers.md`);
//! - `options/table/<name>/round_trip`: `setopts` of the row's sample on a
//!   connected passive socket, then `getopts` (Q17).
//!
//! A new row in the table is two new scenarios here, with nothing to write.

use crate::ctx::{eq, step, Check, Ctx, WAIT};
use crate::Scenario;
use gen_tcp::{Opt, Socket};
use gen_tcp_core::options::spec::{self, Answer, OptSpec, Reported};

/// The most rows the table may have (the scenario functions below are
/// instantiated for each index up to it).
const MAX_ROWS: usize = 64;

/// The table's scenarios, two per row.
pub fn list() -> Vec<Scenario> {
    let specs = spec::all();
    assert!(specs.len() <= MAX_ROWS, "the option table outgrew MAX_ROWS");
    let mut v = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let name = s.name.erlang_name();
        v.push(Scenario {
            name: leak(format!("options/table/{name}/default")),
            run: DEFAULTS[i],
            pending: &[],
        });
        v.push(Scenario {
            name: leak(format!("options/table/{name}/round_trip")),
            run: ROUND_TRIPS[i],
            pending: &[],
        });
    }
    v
}

/// A scenario name lives as long as the run: the list is built once.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn row(i: usize) -> OptSpec {
    spec::all().swap_remove(i)
}

fn default_row<const I: usize>(ctx: &Ctx) -> Check {
    check_default(ctx, &row(I))
}

fn round_trip_row<const I: usize>(ctx: &Ctx) -> Check {
    let r = row(I);
    let answer = ctx.per_backend(&r.round_trip[0], &r.round_trip[1]).clone();
    round_trip(ctx, r.sample, answer)
}

macro_rules! rows {
    ($f:ident: $($i:literal)*) => { [$($f::<$i> as fn(&Ctx) -> Check),*] };
}

const DEFAULTS: [fn(&Ctx) -> Check; MAX_ROWS] = rows!(default_row:
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
    32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);

const ROUND_TRIPS: [fn(&Ctx) -> Check; MAX_ROWS] = rows!(round_trip_row:
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
    32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);

/// A listen socket, a client and the accepted socket, created with no
/// option but the backend and the loopback address: OTP's defaults.
pub(crate) fn plain(ctx: &Ctx) -> Result<[Socket; 3], String> {
    let l = ctx.listen(&[])?;
    let c = ctx.connect_to(&l, &[])?;
    let s = gen_tcp::accept(&l, Some(WAIT)).map_err(|e| format!("accept: {e}"))?;
    Ok([l, c, s])
}

/// `getopts(S, [Name])` on the three sockets of [`plain`], each as the
/// row says for this backend. All three stay open until the end: a socket
/// whose peer closed answers differently.
fn check_default(ctx: &Ctx, row: &OptSpec) -> Check {
    let socks = plain(ctx)?;
    let want = ctx.per_backend(&row.default[0], &row.default[1]);
    for (which, s) in ["listen", "client", "accepted"].iter().zip(&socks) {
        let got = gen_tcp::getopts(s, std::slice::from_ref(&row.name));
        let what = format!("{which} getopts {}", row.name.erlang_name());
        match want {
            Reported::Value(o) => eq(&what, got, Ok(vec![o.clone()]))?,
            Reported::Omitted => eq(&what, got, Ok(vec![]))?,
            Reported::Refused(e) => eq(&what, got, Err(e.clone()))?,
            Reported::Positive => match got.as_deref() {
                Ok([Opt::Recbuf(n) | Opt::Sndbuf(n)]) if *n > 0 => {}
                other => return Err(format!("{what}: got {other:?}, want a positive size")),
            },
            other => return Err(format!("{what}: no check for {other:?}")),
        }
    }
    Ok(())
}

/// Sets `opt` on a connected passive socket and reads it back, expecting
/// `answer`.
pub(crate) fn round_trip(ctx: &Ctx, opt: Opt, answer: Answer) -> Check {
    let (_c, s) = ctx.pair(&[], &[])?;
    let name = opt.name().ok_or("not a socket option")?;
    let set = gen_tcp::setopts(&s, std::slice::from_ref(&opt));
    match (&answer, set) {
        (Answer::SetFails(e), set) => return eq("setopts", set, Err(e.clone())),
        (Answer::SameUnless(e), Err(got)) if got == *e => return Ok(()),
        (_, set) => step("setopts", set)?,
    }
    if let Answer::Accepted = answer {
        return Ok(());
    }
    let got = gen_tcp::getopts(&s, &[name]);
    match answer {
        Answer::Same | Answer::SameUnless(_) => eq("getopts", got, Ok(vec![opt])),
        Answer::Reads(o) => eq("getopts", got, Ok(vec![o])),
        Answer::Omitted => eq("getopts", got, Ok(vec![])),
        Answer::GetFails(e) => eq("getopts", got, Err(e)),
        Answer::AtLeast => match (got.as_deref(), &opt) {
            (Ok([Opt::Recbuf(m) | Opt::Sndbuf(m)]), Opt::Recbuf(n) | Opt::Sndbuf(n)) if m >= n => {
                Ok(())
            }
            (other, _) => Err(format!("getopts: got {other:?}, want at least {opt:?}")),
        },
        other => Err(format!("no check for {other:?}")),
    }
}
