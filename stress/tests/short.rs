//! The stress suite's short form, in `just test`: each part of the
//! `stress` binary at its short scale, in a process of its own (its
//! figures are its own, and a hang or an exhaustion stays there). The
//! full form is `just stress`.

use std::process::Command;

/// Runs `stress --short PART` and fails with its output unless it passed.
fn part(name: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_stress"))
        .args(["--short", "--seed", "20240607", name])
        .output()
        .expect("run the stress binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&format!("== {name}: passed")),
        "stress --short {name}: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hostile_peers() {
    part("hostile");
}

#[test]
fn descriptor_exhaustion() {
    part("exhaust");
}

#[test]
fn extreme_timeouts() {
    part("timeouts");
}

#[test]
fn races_with_blocked_calls() {
    part("races");
}

#[test]
fn many_connections() {
    part("many");
}

#[test]
fn random_soak() {
    part("soak");
}

#[test]
fn random_api_use() {
    part("api");
}
