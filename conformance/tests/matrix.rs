//! Runs every scenario on every backend and prints the matrix.
//!
//! Each cell runs in its own process (thread) with a watchdog: a scenario
//! that hangs is a failure, never a stuck test run.

use conformance::{Scenario, BACKENDS};
use gen_tcp::InetBackend;
use std::sync::mpsc;
use std::time::Duration;

/// The longest a whole scenario may run.
const CELL_LIMIT: Duration = Duration::from_secs(30);
/// Cells run at once.
const PARALLEL: usize = 4;

#[derive(Clone, PartialEq)]
enum Verdict {
    Pass,
    Fail(String),
    Pending,
}

fn run_cell(s: &Scenario, b: InetBackend) -> Verdict {
    if s.pending.contains(&b) {
        return Verdict::Pending;
    }
    let (tx, rx) = mpsc::channel();
    let run = s.run;
    let ctx = conformance::Ctx { backend: b };
    std::thread::Builder::new()
        .name(format!("{} [{}]", s.name, b.name()))
        .spawn(move || {
            let r = std::panic::catch_unwind(|| run(&ctx));
            let _ = tx.send(match r {
                Ok(Ok(())) => Verdict::Pass,
                Ok(Err(why)) => Verdict::Fail(why),
                Err(p) => Verdict::Fail(format!(
                    "panicked: {}",
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default()
                )),
            });
        })
        .expect("spawn");
    rx.recv_timeout(CELL_LIMIT)
        .unwrap_or_else(|_| Verdict::Fail(format!("hung for more than {CELL_LIMIT:?}")))
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let scenarios: Vec<Scenario> = conformance::all()
        .into_iter()
        .filter(|s| {
            filter
                .as_ref()
                .map_or(true, |f| s.name.contains(f.as_str()))
        })
        .collect();
    let cells: Vec<(usize, usize)> = (0..scenarios.len())
        .flat_map(|i| (0..BACKENDS.len()).map(move |j| (i, j)))
        .collect();
    let mut verdicts = vec![vec![Verdict::Pending; BACKENDS.len()]; scenarios.len()];
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(i, j)) = cells.get(k) else { break };
                let v = run_cell(&scenarios[i], BACKENDS[j]);
                results.lock().unwrap().push((i, j, v));
            });
        }
    });
    for (i, j, v) in results.into_inner().unwrap() {
        verdicts[i][j] = v;
    }

    let width = scenarios
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(10)
        .max(8);
    print!("\n{:width$}", "scenario");
    for b in BACKENDS {
        print!("  {:8}", b.name());
    }
    println!();
    let (mut pass, mut fail, mut pending) = (0, 0, 0);
    let mut failures = Vec::new();
    for (s, row) in scenarios.iter().zip(&verdicts) {
        print!("{:width$}", s.name);
        for (b, v) in BACKENDS.iter().zip(row) {
            let cell = match v {
                Verdict::Pass => {
                    pass += 1;
                    "pass"
                }
                Verdict::Fail(why) => {
                    fail += 1;
                    failures.push(format!("{} [{}]: {}", s.name, b.name(), why));
                    "FAIL"
                }
                Verdict::Pending => {
                    pending += 1;
                    "pending"
                }
            };
            print!("  {cell:8}");
        }
        println!();
    }
    if !failures.is_empty() {
        println!("\nfailures:");
        for f in &failures {
            println!("  {f}");
        }
    }
    println!("\n{pass} passed, {fail} failed, {pending} pending");
    if fail > 0 {
        std::process::exit(1);
    }
}
