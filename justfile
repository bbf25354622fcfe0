# gen_tcp for Rust: the commands a developer runs.

# Run everything that tests: unit tests, doc tests, examples, the conformance matrix.
test:
    cargo build --workspace --all-targets --quiet
    cargo test --workspace --quiet --exclude conformance
    cargo test -p conformance --quiet -- --nocapture
    just examples

# The benchmarks: both backends beside a plain std::net baseline and real OTP (when installed).
bench:
    cargo run --release -p gen_tcp_benches --bin bench

# Run every example on both backends (each must exit 0).
examples:
    cargo build --quiet --examples -p gen_tcp
    for e in client_server acceptor_pool send_timeout; do for b in inet socket; do cargo run --quiet -p gen_tcp --example $e -- $b > /dev/null || exit 1; done; done

# The conformance matrix alone (scenario x backend).
matrix:
    cargo test -p conformance --quiet -- --nocapture

# Clippy, rustfmt and rustdoc, as CI runs them.
lint:
    cargo clippy --workspace --all-targets -- -D warnings
    cargo fmt --all --check
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet

# Fuzz every packet decoder family for SECS seconds each (needs cargo-fuzz and a nightly toolchain).
fuzz SECS="60":
    cd fuzz && for t in fuzz_length_prefixed fuzz_line fuzz_misc fuzz_http fuzz_stream; do cargo +nightly fuzz run $t -- -max_total_time={{SECS}} -max_len=512 || exit 1; done

# Re-run the OTP probes that recorded OTP's answers (needs erlang-base).
otp:
    escript conformance/otp/probe.escript
