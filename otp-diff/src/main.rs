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
//! otp-diff rerecord [FILE...]
//!     after a change to the library (no Erlang needed): flip each `known`
//!     entry that now answers as OTP to `match`, and re-record our trace of
//!     the others (stable ones only); prints what changed, for review.
//! otp-diff record FILE... [--out DIR]
//!     make corpus entries from program files (needs Erlang): `# text`
//!     lines are the title, `#! inet known: reason` (or `kept`, or
//!     `socket`) the expectation where that backend diverges; each program
//!     must be stable on both sides.
//! otp-diff gen N SEED
//!     print the programs a run would use.
//! otp-diff sig FILE...
//!     print the signatures of corpus entries (every divergence recorded).
//! ```

use gen_tcp::InetBackend;
use otp_diff::corpus::{self, Entry, Expect, Replay, BACKENDS};
use otp_diff::diff::{self, Divergence};
use otp_diff::otp::{Beam, Job, Trace, BEAM_DIED};
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
        eprintln!(
            "usage: otp-diff run N SEED | show FILE... | replay [DIR] | refresh [FILE...] | rerecord [FILE...] | gen N SEED"
        );
        return ExitCode::from(2);
    };
    let o = parse_opts(&args[1..]);
    let r = match cmd.as_str() {
        "run" => cmd_run(&o),
        "show" => cmd_show(&o),
        "replay" => cmd_replay(&o),
        "refresh" => cmd_refresh(&o),
        "rerecord" => cmd_rerecord(&o),
        "record" => cmd_record(&o),
        "sig" => cmd_sig(&o),
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
        .flat_map(|&(pi, bi)| std::iter::repeat((&programs[pi], BACKENDS[bi])).take(runs))
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

/// The divergence of one program on one backend to report, if both
/// sides are stable.
fn stable_divergence(
    p: &Program,
    b: InetBackend,
    r: &Both,
    listed: &HashSet<String>,
) -> Option<Divergence> {
    let [o1, o2] = &r.otp;
    let [u1, u2] = &r.ours;
    if o1 != o2 || u1 != u2 || beam_died(o1) {
        return None;
    }
    diff::reportable(p, b, o1, u1, listed)
}

/// True for the trace of a program that ended OTP's VM: dropped, as a
/// program OTP does not answer the same way twice.
fn beam_died(t: &Trace) -> bool {
    t.iter().any(|l| l == BEAM_DIED)
}

/// The signatures the corpus lists: every divergence of its entries not
/// expected to match, the `covers: <signature>` lines of their titles, and
/// `corpus/listed.sig` (divergences our side does not answer the same way
/// twice, so that no entry can replay them: `<signature>  ## <reason>`).
fn listed_signatures() -> HashSet<String> {
    let mut set = HashSet::new();
    if let Ok(text) = std::fs::read_to_string(corpus::dir().join("listed.sig")) {
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let sig = line.split_once("  ## ").map_or(line, |(s, _)| s);
            set.insert(sig.trim().to_string());
        }
    }
    if let Ok(entries) = corpus::load(&corpus::dir()) {
        for (_, e) in entries {
            for t in &e.title {
                if let Some(sig) = t.strip_prefix("covers: ") {
                    set.insert(sig.trim().to_string());
                }
            }
            for (k, b) in BACKENDS.iter().enumerate() {
                if let Expect::Known { ours, .. } | Expect::Kept { ours, .. } = &e.expect[k] {
                    set.extend(
                        diff::divergences(&e.program, *b, &e.otp[k], ours).map(|d| d.signature),
                    );
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

/// One signature's report line.
struct Found {
    signature: String,
    programs: usize,
    listed: bool,
    program: Program,
    shown: Option<Divergence>,
    file: Option<PathBuf>,
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
    let listed = listed_signatures();
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
            if o1 != o2 || beam_died(o1) {
                dropped_otp += 1;
            } else if o1 == &r[bi].ours[0] {
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
        if let Some(d) = diff::reportable(&programs[*pi], *b, &r.otp[0], t2, &listed) {
            divergences.push((*pi, d));
        }
    }
    // Group by signature; minimise the shortest program of each new one.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, (_, d)) in divergences.iter().enumerate() {
        groups.entry(d.signature.clone()).or_default().push(k);
    }
    let mut found = Vec::new();
    for (gi, (sig, members)) in groups.iter().enumerate() {
        let best = *members
            .iter()
            .min_by_key(|&&k| programs[divergences[k].0].len())
            .unwrap();
        let (pi, d) = &divergences[best];
        let prog = programs[*pi].clone();
        if listed.contains(sig) {
            found.push(Found {
                signature: sig.clone(),
                programs: members.len(),
                listed: true,
                program: prog,
                shown: Some(d.clone()),
                file: None,
            });
            continue;
        }
        eprintln!("  minimising {}/{}: {sig}", gi + 1, groups.len());
        let (prog, entry, shown) = minimise_and_record(&mut beam, o, seed, *pi, prog, d, &listed)?;
        let file = out.join(format!("{}.txt", slug(sig)));
        std::fs::write(&file, entry.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
        let again_listed = shown
            .as_ref()
            .is_some_and(|s| listed.contains(&s.signature));
        found.push(Found {
            signature: sig.clone(),
            programs: members.len(),
            listed: again_listed,
            program: prog,
            shown,
            file: Some(file),
        });
    }
    drop(beam);
    let new_sigs = found.iter().filter(|f| !f.listed).count();
    println!(
        "\notp-diff seed {seed}: {n} programs, {steps} steps, {} runs",
        n * 6
    );
    println!(
        "  (program, backend) pairs: {agree} agree, {} diverge, dropped as timing-dependent: {dropped_otp} on OTP, {dropped_ours} on ours",
        divergences.len(),
    );
    println!(
        "  {} signatures ({new_sigs} not listed in the corpus), elapsed {:.0?}\n",
        groups.len(),
        t0.elapsed()
    );
    found.sort_by_key(|f| f.listed);
    for f in &found {
        println!(
            "{} {}  ({} programs)",
            if f.listed { "listed" } else { "NEW   " },
            f.signature,
            f.programs
        );
        if f.listed {
            continue;
        }
        if let Some(d) = &f.shown {
            println!("    step {}: {}", d.step, d.step_text);
            println!("    otp:  {}", d.otp);
            println!("    ours: {}", d.ours);
        }
        for s in &f.program.steps {
            println!("      | {s}");
        }
        if let Some(file) = &f.file {
            println!("    -> {}", file.display());
        }
    }
    Ok(new_sigs == 0)
}

/// Minimises the program of one divergence (unless `--no-minimise`) and
/// runs the result on both backends to make its corpus entry.
fn minimise_and_record(
    beam: &mut Beam,
    o: &Opts,
    seed: u64,
    pi: usize,
    prog: Program,
    d: &Divergence,
    listed: &HashSet<String>,
) -> Result<(Program, Entry, Option<Divergence>), String> {
    let bi = (d.backend == InetBackend::Socket) as usize;
    let mut prog = prog;
    if o.minimise {
        let mut eval = |cands: &[Program]| -> Vec<Option<Divergence>> {
            match run_both(beam, cands, o.parallel, true, &[d.backend]) {
                Ok(rs) => cands
                    .iter()
                    .zip(&rs)
                    .map(|(c, r)| stable_divergence(c, d.backend, &r[bi], listed))
                    .collect(),
                Err(_) => vec![None; cands.len()],
            }
        };
        prog = diff::minimise(&prog, &d.signature, &mut eval);
    }
    let rs = run_both(
        beam,
        std::slice::from_ref(&prog),
        o.parallel,
        true,
        &BACKENDS,
    )?;
    let r = &rs[0];
    let mut expect = Vec::new();
    let mut shown = None;
    for (k, b) in BACKENDS.iter().enumerate() {
        let ours = r[k].ours[0].clone();
        match diff::reportable(&prog, *b, &r[k].otp[0], &ours, listed) {
            None => expect.push(Expect::Match),
            Some(dv) => {
                if k == bi {
                    shown = Some(dv.clone());
                }
                expect.push(Expect::Known {
                    reason: format!("TODO: {}", dv.signature),
                    ours,
                });
            }
        }
    }
    let [e0, e1]: [Expect; 2] = expect.try_into().expect("two");
    let entry = Entry {
        title: vec![
            format!("signature: {}", d.signature),
            format!("found: seed {seed} program {pi}"),
        ],
        program: prog.clone(),
        otp: [r[0].otp[0].clone(), r[1].otp[0].clone()],
        expect: [e0, e1],
    };
    Ok((prog, entry, shown))
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
    for ((p, r), name) in programs.iter().zip(&rs).zip(&o.rest) {
        println!("#### {name}");
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
    let files = corpus_files(o)?;
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

fn corpus_files(o: &Opts) -> Result<Vec<PathBuf>, String> {
    Ok(if o.rest.is_empty() {
        corpus::load(&corpus::dir())?
            .into_iter()
            .map(|(n, _)| corpus::dir().join(n))
            .collect()
    } else {
        o.rest.iter().map(PathBuf::from).collect()
    })
}

fn cmd_rerecord(o: &Opts) -> Result<bool, String> {
    let mut all_stable = true;
    for f in corpus_files(o)? {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let mut e = Entry::parse(&text).map_err(|x| format!("{}: {x}", f.display()))?;
        let mut changed = false;
        for (k, b) in BACKENDS.iter().enumerate() {
            let t1 = run::run(&e.program, *b);
            let t2 = run::run(&e.program, *b);
            let name = format!("{} [{}]", f.display(), b.name());
            if t1 != t2 {
                all_stable = false;
                println!("{name}: our trace is not stable; left as it was");
                continue;
            }
            match &mut e.expect[k] {
                Expect::Match if t1 != e.otp[k] => {
                    println!("{name}: no longer matches OTP (left as `match`: fix or record it as known)");
                }
                Expect::Match => {}
                Expect::Known { .. } if t1 == e.otp[k] => {
                    println!("{name}: now answers as OTP: flipped to `match`");
                    e.expect[k] = Expect::Match;
                    changed = true;
                }
                Expect::Known { ours, .. } | Expect::Kept { ours, .. } if *ours != t1 => {
                    println!("{name}: our answer changed, re-recorded:");
                    for (x, y) in ours.iter().zip(&t1).filter(|(x, y)| x != y) {
                        println!("    was {x}\n    now {y}");
                    }
                    *ours = t1;
                    changed = true;
                }
                _ => {}
            }
        }
        if changed {
            std::fs::write(&f, e.to_string()).map_err(|x| format!("{}: {x}", f.display()))?;
        }
    }
    Ok(all_stable)
}

fn cmd_record(o: &Opts) -> Result<bool, String> {
    let dir = o.out.clone().unwrap_or_else(corpus::dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    type Reasons = [Option<(String, String)>; 2];
    let mut sources: Vec<(String, Program, Vec<String>, Reasons)> = Vec::new();
    for f in &o.rest {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        let program = Program::parse(&text)?;
        let mut title = Vec::new();
        let mut reasons: Reasons = [None, None];
        for line in text.lines() {
            if let Some(r) = line.strip_prefix("#! ") {
                let (head, reason) = r.split_once(':').ok_or(format!("{f}: bad `#!` line"))?;
                let mut w = head.split_whitespace();
                let b = w
                    .next()
                    .and_then(InetBackend::from_name)
                    .ok_or(format!("{f}: backend?"))?;
                let kind = w.next().unwrap_or("known").to_string();
                reasons[(b == InetBackend::Socket) as usize] =
                    Some((kind, reason.trim().to_string()));
            } else if let Some(t) = line.strip_prefix('#') {
                title.push(t.trim().to_string());
            }
        }
        sources.push((f.clone(), program, title, reasons));
    }
    let programs: Vec<Program> = sources.iter().map(|s| s.1.clone()).collect();
    let mut beam = Beam::start(o.parallel).map_err(|e| format!("escript: {e}"))?;
    let rs = run_both(&mut beam, &programs, o.parallel, true, &BACKENDS)?;
    let mut ok = true;
    for ((f, program, title, reasons), r) in sources.into_iter().zip(&rs) {
        let mut expect = Vec::new();
        let mut stable = true;
        for (k, b) in BACKENDS.iter().enumerate() {
            let r = &r[k];
            if r.otp[0] != r.otp[1] || r.ours[0] != r.ours[1] {
                println!(
                    "{f} [{}]: not stable (otp {}, ours {})",
                    b.name(),
                    r.otp[0] == r.otp[1],
                    r.ours[0] == r.ours[1]
                );
                stable = false;
            }
            let d = diff::first_divergence(&program, *b, &r.otp[0], &r.ours[0]);
            expect.push(match (d, &reasons[k]) {
                (None, None) => Expect::Match,
                (None, Some(_)) => {
                    println!("{f} [{}]: a reason is given but it matches OTP", b.name());
                    Expect::Match
                }
                (Some(d), reason) => {
                    println!(
                        "{f} [{}]: step {}: otp {} / ours {}",
                        b.name(),
                        d.step,
                        d.otp,
                        d.ours
                    );
                    let (kind, reason) = reason
                        .clone()
                        .unwrap_or(("known".into(), format!("TODO: {}", d.signature)));
                    let ours = r.ours[0].clone();
                    if kind == "kept" {
                        Expect::Kept { reason, ours }
                    } else {
                        Expect::Known { reason, ours }
                    }
                }
            });
        }
        if !stable {
            ok = false;
            continue;
        }
        let [e0, e1]: [Expect; 2] = expect.try_into().expect("two");
        let entry = Entry {
            title,
            program,
            otp: [r[0].otp[0].clone(), r[1].otp[0].clone()],
            expect: [e0, e1],
        };
        let name = Path::new(&f)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let out = dir.join(format!("{name}.txt"));
        std::fs::write(&out, entry.to_string()).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(ok)
}

fn cmd_sig(o: &Opts) -> Result<bool, String> {
    for f in &o.rest {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        let e = Entry::parse(&text).map_err(|x| format!("{f}: {x}"))?;
        for (k, b) in BACKENDS.iter().enumerate() {
            if let Expect::Known { ours, .. } | Expect::Kept { ours, .. } = &e.expect[k] {
                for d in diff::divergences(&e.program, *b, &e.otp[k], ours) {
                    println!("{f}\t{}", d.signature);
                }
            }
        }
    }
    Ok(true)
}
