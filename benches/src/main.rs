//! `just bench`: every section on every target, as one table of ratios
//! to the `std::net` baseline measured in the same run.
//!
//! ```text
//! bench [SECTION...]          # all sections by default
//! bench --row SECTION TARGET  # one row, for the parent (see `child`)
//! ```
//! Sections: ping-pong, bulk, bulk-recv, served, idle, decode.
//! ping-pong, bulk-recv and served also measure Erlang/OTP's gen_tcp
//! (rows `otp socket`, `otp inet`, through `otp/bench.escript`).
//! `BENCH_SCALE=0.1` shrinks every size for a quick run.

use gen_tcp_benches::table::{self, Outcome};
use gen_tcp_benches::{child, section, Figures, Scale, Section};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, section, target] = args.as_slice() {
        if flag == "--row" {
            return child::serve(section, target);
        }
    }
    let scale = match Scale::from_env() {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let mut sections = Vec::new();
    for a in &args {
        match Section::from_name(a) {
            Some(s) => sections.push(s),
            None => return usage(&format!("unknown section {a:?}")),
        }
    }
    if sections.is_empty() {
        sections = Section::ALL.to_vec();
    }
    // A section measured against another's baseline brings that row along.
    for s in sections.clone() {
        let (base, _, _) = s.baseline();
        if !sections.contains(&base) {
            sections.push(base);
        }
    }
    sections.sort_by_key(|s| Section::ALL.iter().position(|a| a == s));

    let mut outcomes = Vec::new();
    for &section in &sections {
        let targets = section.targets();
        let mut results: Vec<Option<Result<Figures, String>>> = vec![None; targets.len()];
        for run in 1..=section.runs() {
            for (result, &target) in results.iter_mut().zip(targets) {
                if let Some(Err(_)) = result {
                    continue; // a failed row is not run again
                }
                eprintln!(
                    "{} on {target}, run {run}/{} ...",
                    section.name(),
                    section.runs()
                );
                let this = child::run(section, target);
                if let Err(e) = &this {
                    eprintln!("  error: {e}");
                }
                *result = Some(match (result.take(), this) {
                    (Some(Ok(best)), Ok(this)) => Ok(section::faster(best, this)),
                    (_, this) => this,
                });
            }
        }
        for (result, &target) in results.into_iter().zip(targets) {
            outcomes.push(Outcome {
                section,
                target,
                result: result.unwrap_or_else(|| Err("not run".into())),
            });
        }
    }
    print!("{}", table::render(&outcomes, scale));
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("bench: {problem}\nusage: bench [ping-pong|bulk|bulk-recv|served|idle|decode]...");
    ExitCode::from(2)
}
