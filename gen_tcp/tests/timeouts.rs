//! Timeouts are `Option<Duration>`, and any `Duration` is a valid one.

use gen_tcp::{Active, InetBackend, Opt};
use std::time::Duration;

/// `Duration::MAX` is a timeout like any other: it waits (here, for what
/// is already there), it does not overflow the clock and panic.
#[test]
fn the_longest_timeout_does_not_panic() {
    const MAX: Option<Duration> = Some(Duration::MAX);
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let opts = [
            Opt::InetBackend(backend),
            Opt::Binary,
            Opt::Active(Active::False),
        ];
        let l = gen_tcp::listen(0, &opts).unwrap();
        let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &opts, MAX).unwrap();
        let s = gen_tcp::accept(&l, MAX).unwrap();
        gen_tcp::send(&c, "x").unwrap();
        assert_eq!(gen_tcp::recv(&s, 1, MAX).unwrap(), b"x", "{backend:?}");
    }
}
