//! `stress [--short] [--seed N] [PART...]`: the stress suite (see the
//! library's docs). With no part, every part, in order; `--short` runs
//! the short form `just test` runs. Each part prints its figures before
//! and after; the program exits non-zero on the first broken guarantee.
//!
//! `stress child ...` is how the suite runs itself in a fresh process.

use gen_tcp_stress::figures::Ledger;
use gen_tcp_stress::{api, exhaust, hostile, many, races, soak, timeouts, warm_up, Scale};
use std::time::Instant;

/// The parts, in the order they run.
const PARTS: [&str; 7] = [
    "hostile", "exhaust", "timeouts", "races", "many", "soak", "api",
];

fn usage() -> ! {
    eprintln!(
        "usage: stress [--short] [--seed N] [{}]...",
        PARTS.join(" | ")
    );
    std::process::exit(2);
}

fn main() {
    gen_tcp_stress::figures::map_large_blocks();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        return child(&args[1..]);
    }
    let mut scale = Scale::Full;
    let mut seed = None;
    let mut parts = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--short" => scale = Scale::Short,
            "--seed" => {
                seed = Some(
                    it.next()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or_else(|| usage()),
                )
            }
            p if PARTS.contains(&p) => parts.push(p.to_string()),
            _ => usage(),
        }
    }
    if parts.is_empty() {
        parts = PARTS.iter().map(|p| p.to_string()).collect();
    }
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    println!("stress: {scale:?} scale, seed {seed} (`--seed {seed}` runs the same soak and races)");
    warm_up();
    for part in &parts {
        let start = Instant::now();
        println!("== {part}");
        let ledger = Ledger::open(part);
        match part.as_str() {
            "hostile" => hostile::part(scale),
            "exhaust" => exhaust::part(scale),
            "timeouts" => timeouts::part(scale),
            "races" => races::part(scale, seed),
            "many" => many::part(scale),
            "soak" => soak::part(scale, seed),
            "api" => api::part(scale, seed),
            _ => unreachable!(),
        }
        ledger.close();
        println!("== {part}: passed ({:.1} s)", start.elapsed().as_secs_f64());
    }
}

/// Runs a piece of a part in this fresh process.
fn child(args: &[String]) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["exhaust", case, backend] => exhaust::child(case, backend),
        ["api", hex] => api::child(hex),
        ["many", backend, port, n, rounds] => {
            let b = match *backend {
                "inet" => gen_tcp::InetBackend::Inet,
                _ => gen_tcp::InetBackend::Socket,
            };
            let num = |s: &str| s.parse::<u32>().unwrap_or_else(|_| usage());
            many::clients(b, num(port) as u16, num(n), num(rounds));
        }
        _ => usage(),
    }
}
