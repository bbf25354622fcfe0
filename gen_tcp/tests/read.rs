//! `std::io::Read` on a socket: end of stream is `Ok(0)`, but a listen
//! socket has no stream to end: reading one is an error (`enotconn`, as
//! `recv` answers), never a silent `Ok(0)`.

use gen_tcp::{Active, InetBackend, Opt};
use std::io::{ErrorKind, Read};
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(5));

#[test]
fn reading_a_listen_socket_is_enotconn_on_both_backends() {
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let l =
            gen_tcp::listen(0, &[Opt::InetBackend(backend), Opt::Active(Active::False)]).unwrap();
        let mut buf = [0u8; 8];
        let e = (&l)
            .read(&mut buf)
            .expect_err("a listen socket has nothing to read");
        assert_eq!(e.kind(), ErrorKind::NotConnected, "{backend:?}");
        assert_eq!(
            gen_tcp::Error::from(e).to_string(),
            "enotconn",
            "{backend:?}"
        );
        // As `recv` says.
        assert_eq!(
            gen_tcp::recv(&l, 0, WAIT).unwrap_err().to_string(),
            "enotconn",
            "{backend:?}"
        );
    }
}

#[test]
fn end_of_stream_is_still_ok_zero_and_stays_so() {
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let opts = [
            Opt::InetBackend(backend),
            Opt::Binary,
            Opt::Active(Active::False),
        ];
        let l = gen_tcp::listen(0, &opts).unwrap();
        let c = gen_tcp::connect("127.0.0.1", gen_tcp::port(&l).unwrap(), &opts, WAIT).unwrap();
        let mut s = gen_tcp::accept(&l, WAIT).unwrap();
        gen_tcp::send(&c, "last").unwrap();
        gen_tcp::close(&c).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"last", "{backend:?}");
        // Read again after the end (inet answers enotconn inside): still 0.
        assert_eq!(s.read(&mut [0u8; 4]).unwrap(), 0, "{backend:?}");
    }
}
