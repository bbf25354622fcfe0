//! The otp-diff driver.
//!
//! ```text
//! otp-diff run N SEED [--parallel K] [--out DIR] [--no-minimise]
//!     generate N programs from SEED, run each on OTP (twice) and on us,
//!     drop the timing-dependent ones, group the divergences by signature,
//!     minimise one program per signature and write it to DIR (default
//!     target/otp-diff/SEED) as a corpus entry. Exit 1 if a signature is
//!     not listed in the corpus.
//! otp-diff show FILE...
//!     run program files (or corpus entries) on both sides, print traces.
//! otp-diff replay [DIR]
//!     replay the corpus on our side (what `cargo test` does).
//! otp-diff refresh [FILE...]
//!     re-record OTP's traces of corpus entries (needs Erlang).
//! otp-diff gen N SEED
//!     print the programs a run would use.
//! ```

use gen_tcp::InetBackend;
use otp_diff::corpus::{self, Entry, Expect, Replay, BACKENDS};
use otp_diff::diff::{self, Divergence};
use otp_diff::otp::{Beam, Job, Trace};
use otp_diff::program::Program;
use otp_diff::{gen, run};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Opts {
    parallel: usize,
    out: Option<PathBuf>,
    minimise: bool,
    rest: Vec<String>,
}

fn parse_opts(args: &[String]) -> Opts {
    let mut o = Opts {
        parallel: 12,
        out: None,
        minimise: true,
        rest: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--parallel" => o.parallel = it.next().and_then(|v| v.parse().ok()).unwrap_or(12),
            "--out" => o.out = it.next().map(PathBuf::from),
            "--no-minimise" => o.minimise = false,
            _ => o.rest.push(a.clone()),
        }
    }
    o
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("usage: otp-diff run N SEED | show FILE... | replay [DIR] | refresh [FILE...] | gen N SEED");
        return ExitCode::from(2);
    };
    let o = parse_opts(&args[1..]);
    let r = match cmd.as_str() {
        "run" => cmd_run(&o),
        "show" => cmd_show(&o),
        "replay" => cmd_replay(&o),
        "refresh" => cmd_refresh(&o),
        "gen" => cmd_gen(&o),
        other => Err(format!("unknown command {other:?}")),
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("otp-diff: {e}");
            ExitCode::from(2)
        }
    }
}

fn num(o: &Opts, k: usize, what: &str) -> Result<u64, String> {
    o.rest
        .get(k)
        .and_then(|v| v.parse().ok())
        .ok_or(format!("{what} missing or not a number"))
}

fn cmd_gen(o: &Opts) -> Result<bool, String> {
    let (n, seed) = (num(o, 0, "N")?, num(o, 1, "SEED")?);
    for k in 0..n {
        println!("# program {k}\n{}", gen::program(seed, k));
    }
    Ok(true)
}

/// A program's traces on one backend: OTP's two runs, our two runs (or
/// our one run twice).
#[derive(Default)]
struct Both {
    otp: [Trace; 2],
    ours: [Trace; 2],
}

/// `runs[p][b]` = both traces of program p on backend b.
/// Only the backends in `only` are run; the others get empty traces.
fn run_both(
    beam: &mut Beam,
    programs: &[Program],
    parallel: usize,
    twice_ours: bool,
    only: &[InetBackend],
) -> Result<Vec<[Both; 2]>, String> {
    // (program, backend index) of each pair run.
    let pairs: Vec<(usize, usize)> = (0..programs.len())
        .flat_map(|pi| (0..2).map(move |bi| (pi, bi)))
        .filter(|&(_, bi)| only.contains(&BACKENDS[bi]))
        .collect();
    let jobs: Vec<Job<'_>> = pairs
        .iter()
        .flat_map(|&(pi, bi)| {
            let j = Job {
                backend: BACKENDS[bi],
                program: &programs[pi],
            };
            [j, j]
        })
        .collect();
    let t = std::time::Instant::now();
    let otp = beam.run(&jobs).map_err(|e| format!("escript: {e}"))?;
    let otp_time = t.elapsed();
    let runs = if twice_ours { 2 } else { 1 };
    let ojobs: Vec<(&Program, InetBackend)> = pairs
        .iter()
        .flat_map(|&(pi, bi)| std::iter::repeat_n((&programs[pi], BACKENDS[bi]), runs))
        .collect();
    let t = std::time::Instant::now();
    let ours = run::run_many(&ojobs, parallel);
    if std::env::var_os("OTP_DIFF_TIMES").is_some() {
        eprintln!("    otp {otp_time:.1?}, ours {:.1?}", t.elapsed());
    }
    let mut out: Vec<[Both; 2]> = (0..programs.len())
        .map(|_| [Both::default(), Both::default()])
        .collect();
    for (k, &(pi, bi)) in pairs.iter().enumerate() {
        out[pi][bi] = Both {
            otp: [otp[2 * k].clone(), otp[2 * k + 1].clone()],
            ours: [ours[runs * k].clone(), ours[runs * k + runs - 1].clone()],
        };
    }
    Ok(out)
}

/// The divergence of one program on one backend, if both sides are stable.
fn stable_divergence(p: &Program, b: InetBackend, r: &Both) -> Option<Divergence> {
    let [o1, o2] = &r.otp;
    let [u1, u2] = &r.ours;
    if o1 != o2 || u1 != u2 {
        return None;
    }
    diff::first_divergence(p, b, o1, u1)
}

/// The signatures the corpus lists (entries not expected to match).
fn listed_signatures() -> HashSet<String> {
    let mut set = HashSet::new();
    if let Ok(entries) = corpus::load(&corpus::dir()) {
        for (_, e) in entries {
            for (k, b) in BACKENDS.iter().enumerate() {
                if let Expect::Known { ours, .. } | Expect::Kept { ours, .. } = &e.expect[k] {
                    if let Some(d) = diff::first_divergence(&e.program, *b, &e.otp[k], ours) {
                        set.insert(d.signature);
                    }
                }
            }
        }
    }
    set
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out: String = out.trim_matches('_').chars().take(60).collect();
    format!("{out}_{}", &otp_diff::term::hash(s.as_bytes())[..6])
}

fn cmd_run(o: &Opts) -> Result<bool, String> {
    let (n, seed) = (num(o, 0, "N")?, num(o, 1, "SEED")?);
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("target/otp-diff/{seed}")));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let programs: Vec<Program> = (0..n).map(|k| gen::program(seed, k)).collect();
    let steps: usize = programs.iter().map(Program::len).sum();
    eprintln!(
        "otp-diff: {n} programs, {steps} steps, seed {seed}; running on OTP (twice) and on us"
    );
    let mut beam = Beam::start(o.parallel).map_err(|e| format!("escript: {e}"))?;
    let t0 = std::time::Instant::now();
    // In chunks, so that progress shows and a long run can be followed.
    let mut results = Vec::new();
    for chunk in programs.chunks(100) {
        results.extend(run_both(&mut beam, chunk, o.parallel, false, &BACKENDS)?);
        eprintln!("  {} / {n} run ({:.0?})", results.len(), t0.elapsed());
    }
    let mut dropped_otp = 0;
    let mut agree = 0;
    let mut candidates: Vec<(usize, InetBackend)> = Vec::new();
    for (pi, r) in results.iter().enumerate() {
        for (bi, b) in BACKENDS.iter().enumerate() {
            let [o1, o2] = &r[bi].otp;
            if o1 != o2 {
                dropped_otp += 1;
                continue;
            }
            if diff::first_divergence(&programs[pi], *b, o1, &r[bi].ours[0]).is_none() {
                agree += 1;
            } else {
                candidates.push((pi, *b));
            }
        }
    }
    // Our side again for the divergent ones: drop those that flip on our side.
    let jobs: Vec<(&Program, InetBackend)> = candidates
        .iter()
        .map(|&(pi, b)| (&programs[pi], b))
        .collect();
    let again = run::run_many(&jobs, o.parallel);
    let mut dropped_ours = 0;
    let mut divergences: Vec<(usize, Divergence)> = Vec::new();
    for ((pi, b), t2) in candidates.iter().zip(&again) {
        let bi = (*b == InetBackend::Socket) as usize;
        let r = &results[*pi][bi];
        if *t2 != r.ours[0] {
            dropped_ours += 1;
            continue;
        }
        if let Some(d) = diff::first_divergence(&programs[*pi], *b, &r.otp[0], t2) {
            divergences.push((*pi, d));
        }
    }
    // Group by signature; the shortest program of each.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, (_, d)) in divergences.iter().enumerate() {
        groups.entry(d.signature.clone()).or_default().push(k);
    }
    let listed = listed_signatures();
    let mut new_sigs = 0;
    let mut report = Vec::new();
    for (sig, members) in &groups {
        let best = *members
            .iter()
            .min_by_key(|&&k| programs[divergences[k].0].len())
            .unwrap();
        let (pi, d) = &divergences[best];
        let mut prog = programs[*pi].clone();
        let mut final_sig = sig.clone();
        if o.minimise {
            let mut eval = |cands: &[Program]| -> Vec<Option<Divergence>> {
                match run_both(&mut beam, cands, o.parallel, true, &[d.backend]) {
                    Ok(rs) => cands
                        .iter()
                        .zip(&rs)
                        .map(|(c, r)| {
                            let bi = (d.backend == InetBackend::Socket) as usize;
                            stable_divergence(c, d.backend, &r[bi])
                        })
                        .collect(),
                    Err(_) => vec![None; cands.len()],
                }
            };
            prog = diff::minimise(&prog, sig, &mut eval);
        }
        // Record the final program on both backends.
        let rs = run_both(
            &mut beam,
            std::slice::from_ref(&prog),
            o.parallel,
            true,
            &BACKENDS,
        )?;
        let r = &rs[0];
        let mut expect = Vec::new();
        let mut shown = None;
        for (bi, b) in BACKENDS.iter().enumerate() {
            let ours = r[bi].ours[0].clone();
            match diff::first_divergence(&prog, *b, &r[bi].otp[0], &ours) {
                None => expect.push(Expect::Match),
                Some(dv) => {
                    if *b == d.backend {
                        final_sig = dv.signature.clone();
                        shown = Some(dv.clone());
                    }
                    expect.push(Expect::Known {
                        reason: format!("TODO: {}", dv.signature),
                        ours,
                    });
                }
            }
        }
        let is_listed = listed.contains(sig) || listed.contains(&final_sig);
        if !is_listed {
            new_sigs += 1;
        }
        let [e0, e1]: [Expect; 2] = expect.try_into().expect("two");
        let entry = Entry {
            title: vec![
                format!("signature: {sig}"),
                format!("found: seed {seed} program {pi}"),
            ],
            program: prog.clone(),
            otp: [r[0].otp[0].clone(), r[1].otp[0].clone()],
            expect: [e0, e1],
        };
        let file = out.join(format!("{}.txt", slug(sig)));
        std::fs::write(&file, entry.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
        report.push((sig.clone(), members.len(), is_listed, prog, shown, file));
    }
    drop(beam);
    println!(
        "\notp-diff seed {seed}: {n} programs, {steps} steps, {} runs",
        n * 6
    );
    println!(
        "  (program, backend) pairs: {} agree, {} diverge, dropped as timing-dependent: {} on OTP, {} on ours",
        agree,
        divergences.len(),
        dropped_otp,
        dropped_ours
    );
    println!(
        "  {} signatures ({} not listed in the corpus), elapsed {:.0?}\n",
        groups.len(),
        new_sigs,
        t0.elapsed()
    );
    for (sig, count, is_listed, prog, shown, file) in &report {
        println!(
            "{} {sig}  ({count} programs)",
            if *is_listed { "listed" } else { "NEW   " }
        );
        if let Some(d) = shown {
            println!("    step {}: {}", d.step, d.step_text);
            println!("    otp:  {}", d.otp);
            println!("    ours: {}", d.ours);
        }
        for s in &prog.steps {
            println!("      | {s}");
        }
        println!("    -> {}", file.display());
    }
    Ok(new_sigs == 0)
}

fn read_program(path: &Path) -> Result<Program, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if text.contains("\n== program") || text.starts_with("== program") {
        Entry::parse(&text).map(|e| e.program)
    } else {
        Program::parse(&text)
    }
}

fn cmd_show(o: &Opts) -> Result<bool, String> {
    let programs: Vec<Program> = o
        .rest
        .iter()
        .map(|f| read_program(Path::new(f)))
        .collect::<Result<_, _>>()?;
    let mut beam = Beam::start(o.parallel).map_err(|e| format!("escript: {e}"))?;
    let rs = run_both(&mut beam, &programs, o.parallel, true, &BACKENDS)?;
    for (p, r) in programs.iter().zip(&rs) {
        for (bi, b) in BACKENDS.iter().enumerate() {
            let x = &r[bi];
            println!(
                "== {} (otp stable: {}, ours stable: {})",
                b.name(),
                x.otp[0] == x.otp[1],
                x.ours[0] == x.ours[1]
            );
            for (k, s) in p.steps.iter().enumerate() {
                let res = |t: &Trace| {
                    t.get(k)
                        .map(|l| l.split_once(' ').map_or("", |x| x.1).to_string())
                        .unwrap_or_default()
                };
                let (ot, ut) = (res(&x.otp[0]), res(&x.ours[0]));
                let mark = if ot == ut { " " } else { "≠" };
                println!("{:>3} {mark} {s}", k + 1);
                println!("        otp:  {ot}");
                if ot != ut {
                    println!("        ours: {ut}");
                }
            }
        }
    }
    Ok(true)
}

fn cmd_replay(o: &Opts) -> Result<bool, String> {
    let dir = o
        .rest
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(corpus::dir);
    let entries = corpus::load(&dir)?;
    let mut ok = true;
    for (name, e) in &entries {
        for (k, b) in BACKENDS.iter().enumerate() {
            let ours = run::run(&e.program, *b);
            match e.check(k, &ours) {
                Replay::Ok => {}
                Replay::NowMatches => {
                    ok = false;
                    println!("{name} [{}]: now matches OTP: flip it to `match`", b.name());
                }
                Replay::Differs { want, got } => {
                    ok = false;
                    println!(
                        "{name} [{}]: differs\n  want: {want:?}\n  got:  {got:?}",
                        b.name()
                    );
                }
            }
        }
    }
    println!(
        "{} entries replayed{}",
        entries.len(),
        if ok { ", all as expected" } else { "" }
    );
    Ok(ok)
}

fn cmd_refresh(o: &Opts) -> Result<bool, String> {
    let files: Vec<PathBuf> = if o.rest.is_empty() {
        corpus::load(&corpus::dir())?
            .into_iter()
            .map(|(n, _)| corpus::dir().join(n))
            .collect()
    } else {
        o.rest.iter().map(PathBuf::from).collect()
    };
    let mut beam = Beam::start(o.parallel).map_err(|e| format!("escript: {e}"))?;
    let mut all_stable = true;
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let mut e = Entry::parse(&text).map_err(|x| format!("{}: {x}", f.display()))?;
        let rs = run_both(
            &mut beam,
            std::slice::from_ref(&e.program),
            o.parallel,
            false,
            &BACKENDS,
        )?;
        for bi in 0..2 {
            let [a, b] = &rs[0][bi].otp;
            if a != b {
                all_stable = false;
                println!(
                    "{}: OTP's trace on {} is not stable; kept the old one",
                    f.display(),
                    BACKENDS[bi].name()
                );
                continue;
            }
            if *a != e.otp[bi] {
                println!(
                    "{}: OTP's trace on {} changed",
                    f.display(),
                    BACKENDS[bi].name()
                );
                e.otp[bi] = a.clone();
            }
        }
        std::fs::write(&f, e.to_string()).map_err(|x| format!("{}: {x}", f.display()))?;
    }
    Ok(all_stable)
}
