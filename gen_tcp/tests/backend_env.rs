//! The counterpart of the kernel's `inet_backend` parameter: the default
//! backend comes from `GEN_TCP_INET_BACKEND`, read once, unless code sets
//! it; `{inet_backend, B}` as the first option still wins.
//!
//! Its own test binary with one test, so that nothing reads the variable
//! before the test sets it.

use gen_tcp::{InetBackend, Opt, BACKEND_ENV};

#[test]
fn the_environment_sets_the_default_and_code_and_options_override_it() {
    std::env::set_var(BACKEND_ENV, "socket");
    assert_eq!(gen_tcp::default_backend(), InetBackend::Socket);
    let l = gen_tcp::listen(0, &[]).unwrap();
    assert_eq!(l.backend(), InetBackend::Socket);
    let first = gen_tcp::listen(0, &[Opt::InetBackend(InetBackend::Inet)]).unwrap();
    assert_eq!(first.backend(), InetBackend::Inet);

    // Read once: changing the variable later changes nothing.
    std::env::set_var(BACKEND_ENV, "inet");
    assert_eq!(gen_tcp::default_backend(), InetBackend::Socket);

    gen_tcp::set_default_backend(InetBackend::Inet);
    assert_eq!(
        gen_tcp::listen(0, &[]).unwrap().backend(),
        InetBackend::Inet
    );
}
