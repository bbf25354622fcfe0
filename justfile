# gen_tcp for Rust: the commands a developer runs.

# Run everything that tests: unit tests, doc tests, examples, the conformance matrix.
test:
    cargo build --workspace --all-targets --quiet
    cargo test --workspace --quiet --exclude conformance
    cargo test -p gen_tcp --quiet --features tracing --test debug_trace
    cargo test -p conformance --quiet -- --nocapture
    just examples

# The benchmarks: both backends beside std::net, mio and real OTP (when installed); writes benches/ratios.svg.
bench *SECTIONS:
    cargo build --release -p gen_tcp --example http_server
    cargo run --release -p gen_tcp_benches --bin bench -- {{SECTIONS}}

# The stress suite on both backends (a few minutes): hostile peers, descriptor exhaustion, extreme
# timeouts, races with blocked calls, 10,000 connections, a random soak. `just stress races` runs one
# part; `--seed N` repeats a run. `just test` runs its short form (stress/tests/short.rs).
stress *ARGS:
    cargo run --release --quiet -p gen_tcp_stress --bin stress -- {{ARGS}}

# Syscalls per operation for every row (needs strace): the floor is std's row.
bench-syscalls *SECTIONS:
    cargo build --release -p gen_tcp --example http_server
    cargo run --release -p gen_tcp_benches --bin bench -- --syscalls {{SECTIONS}}

# Run every example on both backends (each must exit 0).
examples:
    cargo build --quiet --examples -p gen_tcp
    for e in client_server acceptor_pool send_timeout select_server; do for b in inet socket; do cargo run --quiet -p gen_tcp --example $e -- $b > /dev/null || exit 1; done; done
    for b in inet socket; do cargo run --quiet -p gen_tcp --example http_server -- --self-test $b > /dev/null || exit 1; done
    cargo run --quiet -p gen_tcp --example inet_i > /dev/null

# The conformance matrix alone (scenario x backend).
matrix:
    cargo test -p conformance --quiet -- --nocapture

# The crates we publish, in dependency order.
published := "-p gen_tcp_core -p gen_tcp_backend_inet -p gen_tcp_backend_socket -p gen_tcp"

# Check that the published crates would publish: crates.io's metadata and a LICENSE on each,
# `cargo package` (each crate built from its package, against the others' packages) and
# `cargo publish --dry-run`, no unused dependency, and the rust-version really builds.
package:
    python3 .ci/check_package.py
    RUSTFLAGS="-D unused_crate_dependencies" cargo check --quiet --lib {{published}} --target-dir target/udeps
    # The packages are verified in a target dir of their own, made afresh: cargo takes a crate of
    # its temporary registry for unchanging (as any registry crate), so a build or an extraction
    # left from an earlier run of the same name and version would be verified instead of this one.
    rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/gen_tcp* "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/gen_tcp*.crate target/package target/verify
    cargo package --quiet --allow-dirty {{published}} --target-dir target/verify
    cargo publish --dry-run --quiet --allow-dirty {{published}} --target-dir target/verify
    just msrv

# Build every member with the oldest Rust it claims (rust-version), installing that toolchain.
# Where no toolchain can be downloaded it says so and skips the build (clippy's
# incompatible_msrv, in `just lint`, still holds the std API to rust-version).
msrv:
    #!/usr/bin/env bash
    set -euo pipefail
    v=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
    if ! rustup toolchain install "$v" --profile minimal --no-self-update >/dev/null 2>&1; then
        echo "msrv: SKIPPED: could not install Rust $v here"
        exit 0
    fi
    cargo "+$v" check --quiet --workspace --all-targets --target-dir target/msrv
    echo "msrv: every member builds with Rust $v"

# Clippy, rustfmt and rustdoc, as CI runs them.
lint:
    cargo clippy --workspace --all-targets -- -D warnings
    cargo fmt --all --check
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet

# Fuzz every target for SECS seconds each: the packet decoder families, the receive side, and
# fuzz_api (the whole API on a connected pair, both backends). Installs cargo-fuzz if missing; runs
# on a nightly toolchain where one is installed, else on this one with RUSTC_BOOTSTRAP=1.
fuzz SECS="60" *TARGETS="fuzz_length_prefixed fuzz_line fuzz_misc fuzz_http fuzz_stream fuzz_api":
    #!/usr/bin/env bash
    set -euo pipefail
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then tc=(+nightly); else tc=(); export RUSTC_BOOTSTRAP=1; fi
    cd fuzz
    for t in {{TARGETS}}; do
        cargo "${tc[@]}" fuzz run "$t" -- -max_total_time={{SECS}} -max_len=512 -timeout=30
    done

# Re-run the OTP probes that recorded OTP's answers (needs erlang-base).
otp:
    escript conformance/otp/probe.escript

# Differential run against the BEAM (needs erlang-base): N random programs from SEED on OTP 25 and on
# us, both backends; prints each divergence (minimised) not listed in otp-diff/corpus, exit 1 if any.
otp-diff N="200" SEED="1":
    cargo test --quiet -p otp-diff --lib -- --ignored
    cargo run --quiet -p otp-diff -- run {{N}} {{SEED}}
