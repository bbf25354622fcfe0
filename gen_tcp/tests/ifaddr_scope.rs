//! An IPv6 `{ifaddr, SockAddr}` keeps its scope id: a link-local address
//! names its interface by it, and the kernel refuses a link-local address
//! without one (`einval`). Loopback only: `fe80::1` on `lo` (always
//! interface 1) is an address `lo` does not have, which OTP 25's `inet`
//! backend answers `eaddrnotavail` for (its `socket` backend fails to
//! encode the address: `{invalid, {sockaddr, ...}}`, an OTP bug).

use gen_tcp::{Error, Ifaddr, InetBackend, Opt};
use std::net::{Ipv6Addr, SocketAddrV6};
use std::time::Duration;

#[test]
fn a_link_local_ifaddr_is_bound_on_its_scope() {
    let fe80_1 = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
    for backend in [InetBackend::Inet, InetBackend::Socket] {
        let on_lo = SocketAddrV6::new(fe80_1, 0, 0, 1);
        let opts = [
            Opt::InetBackend(backend),
            Opt::Inet6,
            Opt::Ifaddr(Ifaddr::SockAddr(on_lo.into())),
        ];
        let r = gen_tcp::listen(0, &opts);
        assert_eq!(
            r.err(),
            Some(Error::Posix(libc::EADDRNOTAVAIL)),
            "{backend:?}"
        );
        let r = gen_tcp::connect("::1", 1, &opts, Some(Duration::from_secs(5)));
        assert_eq!(
            r.err(),
            Some(Error::Posix(libc::EADDRNOTAVAIL)),
            "{backend:?}"
        );
        // The loopback address on lo's scope binds.
        let lo = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 1);
        let opts = [
            Opt::InetBackend(backend),
            Opt::Inet6,
            Opt::Ifaddr(Ifaddr::SockAddr(lo.into())),
        ];
        let l = gen_tcp::listen(0, &opts).unwrap();
        let at = gen_tcp::sockname(&l).unwrap().as_inet().unwrap();
        assert_eq!(at.ip(), std::net::IpAddr::from(Ipv6Addr::LOCALHOST));
    }
}
