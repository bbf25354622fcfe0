//! `{netns, Path}` and `{bind_to_device, Ifname}`: a socket opened in
//! another network namespace is reachable only from that namespace.
//!
//! Needs `ip` (iproute2) and the right to make a namespace (root). Where
//! either is missing the test says so on stderr and checks nothing else;
//! CI runs it as root.

use gen_tcp::{Active, Error, InetBackend, Opt};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const WAIT: Option<Duration> = Some(Duration::from_secs(5));

struct Netns(String);

impl Netns {
    fn new() -> Option<Netns> {
        let name = format!("gen_tcp_test_{}", std::process::id());
        let ip = |args: &[&str]| {
            Command::new("ip")
                .args(args)
                .status()
                .is_ok_and(|s| s.success())
        };
        if !ip(&["netns", "add", &name]) {
            return None;
        }
        let ns = Netns(name);
        ip(&["netns", "exec", &ns.0, "ip", "link", "set", "lo", "up"]).then_some(ns)
    }

    fn path(&self) -> PathBuf {
        PathBuf::from("/var/run/netns").join(&self.0)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

#[test]
fn a_socket_in_another_namespace_is_reached_only_from_there() {
    let Some(ns) = Netns::new() else {
        eprintln!("skipped: cannot make a network namespace here (needs iproute2 and root)");
        return;
    };
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let inside = [
            Opt::InetBackend(backend),
            Opt::Netns(ns.path()),
            Opt::Binary,
            Opt::Active(Active::False),
        ];
        let l = gen_tcp::listen(
            0,
            &[&inside[..], &[Opt::Ip([127, 0, 0, 1].into())]].concat(),
        )
        .unwrap();
        let port = gen_tcp::port(&l).unwrap();
        let outside = [Opt::InetBackend(backend), Opt::Binary];
        assert_eq!(
            gen_tcp::connect("127.0.0.1", port, &outside, WAIT).err(),
            Some(Error::Posix(libc::ECONNREFUSED)),
            "{backend:?}: reached from the default namespace"
        );
        let c = gen_tcp::connect("127.0.0.1", port, &inside, WAIT).unwrap();
        let s = gen_tcp::accept(&l, WAIT).unwrap();
        gen_tcp::send(&c, "across").unwrap();
        assert_eq!(gen_tcp::recv(&s, 6, WAIT).unwrap(), b"across");
    }
}

#[test]
fn bind_to_device_names_the_interface() {
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let l = gen_tcp::listen(
            0,
            &[Opt::InetBackend(backend), Opt::Ip([127, 0, 0, 1].into())],
        )
        .unwrap();
        let port = gen_tcp::port(&l).unwrap();
        let opts = [Opt::InetBackend(backend), Opt::BindToDevice(b"lo".to_vec())];
        let c = match gen_tcp::connect("127.0.0.1", port, &opts, WAIT) {
            Err(Error::Posix(libc::EPERM)) => {
                eprintln!("skipped: SO_BINDTODEVICE needs CAP_NET_RAW");
                return;
            }
            other => other.unwrap(),
        };
        assert_eq!(
            gen_tcp::getopts(&c, &[gen_tcp::OptName::BindToDevice]).unwrap(),
            vec![Opt::BindToDevice(b"lo".to_vec())],
            "{backend:?}"
        );
    }
}
