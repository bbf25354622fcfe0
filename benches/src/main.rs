//! `just bench`: every section on every target, as one table of ratios
//! to the baseline measured in the same run, and `benches/ratios.svg`.
//!
//! ```text
//! bench [SECTION...]                # all sections (and the chart) by default
//! bench --syscalls [SECTION...]     # syscalls per operation, under strace
//! bench --row SECTION TARGET        # one row, for the parent (see `child`)
//! bench --serve SECTION TARGET      # a row's server process (e, f)
//! ```
//! Sections: ping-pong, bulk, bulk-recv, framed, setup, served, http,
//! idle, decode. Most also measure Erlang/OTP's gen_tcp (rows `otp
//! socket`, `otp inet`, through `otp/bench.escript`).
//! `BENCH_SCALE=0.1` shrinks every size for a quick run.

use gen_tcp_benches::table::{self, Outcome};
use gen_tcp_benches::{
    chart, child, http, section, served, syscalls, Figures, Scale, Section, Target,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, section, target] = args.as_slice() {
        match flag.as_str() {
            "--row" => return child::serve(section, target),
            "--serve" => return serve(section, target),
            _ => {}
        }
    }
    let (count_syscalls, names) = match args.split_first() {
        Some((flag, rest)) if flag == "--syscalls" => (true, rest),
        _ => (false, &args[..]),
    };
    let scale = match Scale::from_env() {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let mut sections = Vec::new();
    for a in names {
        match Section::from_name(a) {
            Some(s) => sections.push(s),
            None => return usage(&format!("unknown section {a:?}")),
        }
    }
    if count_syscalls {
        return match syscalls::run(&sections) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("bench --syscalls: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let all = sections.is_empty();
    if all {
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

    let outcomes = measure(&sections);
    print!("{}", table::render(&outcomes, scale));
    if all {
        match chart::write(&outcomes, scale, chart::PATH) {
            Ok(()) => eprintln!("chart: {}", chart::PATH),
            Err(e) => {
                eprintln!("chart: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// Runs every row of `sections`, the targets of a section taking turns.
fn measure(sections: &[Section]) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for &section in sections {
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
    outcomes
}

/// `--serve SECTION TARGET`: a row's server, reporting on stdout.
fn serve(section: &str, target: &str) -> ExitCode {
    let result = match (Section::from_name(section), Target::from_name(target)) {
        (Some(Section::Served), Some(t)) => {
            Scale::from_env().and_then(|scale| served::server::serve(t, scale))
        }
        (Some(Section::Http), Some(Target::Std)) => http::std_server::serve(),
        _ => Err(format!("no server for {section} {target}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            println!("error {}", reason.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    let names: Vec<&str> = Section::ALL.iter().map(|s| s.name()).collect();
    eprintln!(
        "bench: {problem}\nusage: bench [--syscalls] [{}]...",
        names.join("|")
    );
    ExitCode::from(2)
}
