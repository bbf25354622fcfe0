//! Helpers for the backend's own tests: loopback pairs on ephemeral ports.
#![allow(dead_code)]

use gen_tcp_backend_socket as backend;
use gen_tcp_core::port::SocketExt;
use gen_tcp_core::{Active, CreateOpts, InetBackend, Opt, Socket};
use std::time::Duration;

/// A short bound for every wait in these tests.
pub const T: Option<Duration> = Some(Duration::from_secs(3));

/// Creation options on this backend, binary mode, plus `extra`.
pub fn opts(extra: &[Opt]) -> CreateOpts {
    let mut o = vec![Opt::InetBackend(InetBackend::Socket), Opt::Binary];
    o.extend_from_slice(extra);
    CreateOpts::parse(&o).unwrap()
}

/// A passive listen socket on 127.0.0.1.
pub fn listener(extra: &[Opt]) -> Socket {
    let mut o = vec![Opt::Ip([127, 0, 0, 1].into()), Opt::Active(Active::False)];
    o.extend_from_slice(extra);
    backend::listen(0, &opts(&o)).unwrap()
}

/// Connects to `l`.
pub fn connect_to(l: &Socket, extra: &[Opt]) -> Socket {
    let addr = l.port().sockname().unwrap();
    let mut o = vec![Opt::Active(Active::False)];
    o.extend_from_slice(extra);
    backend::connect(&[addr], &opts(&o), T).unwrap()
}

/// A connected pair (client, server), both passive, binary.
pub fn pair(client: &[Opt], server: &[Opt]) -> (Socket, Socket) {
    let l = listener(server);
    let c = connect_to(&l, client);
    let s = l.port().accept(T).unwrap();
    l.port().close().unwrap();
    (c, s)
}
