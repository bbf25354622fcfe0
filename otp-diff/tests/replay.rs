//! Replays every recorded program of `corpus/` on our side, without
//! Erlang, and compares with what the entry expects: OTP's recorded trace
//! (`match`), or our recorded trace for a divergence not fixed yet
//! (`known`) or kept on purpose (`kept`). A `known` entry that now
//! answers as OTP fails too, so that it gets flipped to `match`.

use otp_diff::corpus::{self, Replay, BACKENDS};
use otp_diff::run;

/// Programs run at once (they mostly wait on the network and timers).
const PARALLEL: usize = 8;

/// Runs alone for a pair that did not answer as recorded.
const RETRIES: usize = 3;

#[test]
fn the_corpus_replays_as_recorded() {
    let entries = corpus::load(&corpus::dir()).expect("corpus");
    assert!(!entries.is_empty(), "the corpus is empty");
    let jobs: Vec<_> = entries
        .iter()
        .flat_map(|(_, e)| BACKENDS.iter().map(move |&b| (&e.program, b)))
        .collect();
    let traces = run::run_many(&jobs, PARALLEL);
    let mut failures = Vec::new();
    let (mut matched, mut known) = (0, 0);
    for (k, (name, e, b)) in entries
        .iter()
        .flat_map(|(name, e)| (0..BACKENDS.len()).map(move |b| (name, e, b)))
        .enumerate()
    {
        let mut verdict = e.check(b, &traces[k]);
        // Again alone, a few times: the programs were recorded as stable
        // (each answered the same twice on both sides), but this test may
        // share the machine with others, and a program orders processes
        // with `sleep` steps that a loaded machine can stretch. An answer
        // that really changed differs every time.
        for _ in 0..RETRIES {
            if matches!(verdict, Replay::Ok) {
                break;
            }
            verdict = e.check(b, &run::run(&e.program, BACKENDS[b]));
        }
        match verdict {
            Replay::Ok => {
                if matches!(e.expect[b], corpus::Expect::Match) {
                    matched += 1;
                } else {
                    known += 1;
                }
            }
            Replay::NowMatches => failures.push(format!(
                "{name} [{}]: now answers as OTP: flip `expect {}: known` to `match`",
                BACKENDS[b].name(),
                BACKENDS[b].name()
            )),
            Replay::Differs { want, got } => {
                let at = want
                    .iter()
                    .zip(&got)
                    .position(|(x, y)| x != y)
                    .unwrap_or(want.len().min(got.len()));
                failures.push(format!(
                    "{name} [{}]: step {}: want {:?}, got {:?}",
                    BACKENDS[b].name(),
                    at + 1,
                    want.get(at),
                    got.get(at)
                ));
            }
        }
    }
    println!(
        "otp-diff corpus: {} programs, {matched} (program, backend) pairs match OTP, {known} known divergences unchanged",
        entries.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
