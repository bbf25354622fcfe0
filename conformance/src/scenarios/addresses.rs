//! Addresses: IPv6 loopback, `local` (unix domain) sockets, `peername`,
//! `sockname`, `port`, and adopting a descriptor with `{fd, N}`.

use crate::ctx::{bytes, eq, posix, step, unique_path, Check, Ctx, WAIT};
use gen_tcp::{Active, Address, Fd, Ifaddr, Opt, SockAddr};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

crate::scenarios! {
    "addresses/ipv6_loopback" => ipv6_loopback;
    "addresses/local_socket" => local_socket;
    "addresses/peername_sockname_port" => peername_sockname_port;
    "addresses/fd_adoption" => fd_adoption;
}

/// A listen socket on `::1` and a client connecting to `"::1"`: both ends
/// see IPv6 addresses. Machines without IPv6 answer `eafnosupport` or
/// `eaddrnotavail` to the listen; the scenario then has nothing to check.
fn ipv6_loopback(ctx: &Ctx) -> Check {
    let lo = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let l = match gen_tcp::listen(
        0,
        &ctx.opts(&[Opt::Ip(lo), Opt::Binary, Opt::Active(Active::False)]),
    ) {
        Ok(l) => l,
        Err(e) if e == posix("eafnosupport") || e == posix("eaddrnotavail") => {
            eprintln!("addresses/ipv6_loopback: no IPv6 here ({e}); nothing to check");
            return Ok(());
        }
        Err(e) => return Err(format!("listen on ::1: {e}")),
    };
    let port = step("port", gen_tcp::port(&l))?;
    let c = step(
        "connect",
        gen_tcp::connect(
            "::1",
            port,
            &ctx.opts(&[Opt::Binary, Opt::Active(Active::False)]),
            Some(WAIT),
        ),
    )?;
    let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    eq(
        "peername",
        gen_tcp::peername(&c),
        Ok(SockAddr::Inet(SocketAddr::new(lo, port))),
    )?;
    eq(
        "accepted sockname",
        gen_tcp::sockname(&s),
        Ok(SockAddr::Inet(SocketAddr::new(lo, port))),
    )?;
    step("send", gen_tcp::send(&c, "v6"))?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 2, Some(WAIT))),
        Ok(b"v6".to_vec()),
    )
}

/// `{ifaddr, {local, Path}}` listens on a unix socket; `connect({local,
/// Path}, 0, [local])` reaches it. `sockname` of the listen socket and
/// `peername` of the client are `{local, Path}`, and data flows.
fn local_socket(ctx: &Ctx) -> Check {
    let path = unique_path(ctx, "local");
    let lopts = ctx.opts(&[
        Opt::Ifaddr(Ifaddr::Local(path.clone())),
        Opt::Binary,
        Opt::Active(Active::False),
    ]);
    let l = step("listen", gen_tcp::listen(0, &lopts))?;
    let copts = ctx.opts(&[Opt::Local, Opt::Binary, Opt::Active(Active::False)]);
    let c = step(
        "connect",
        gen_tcp::connect(Address::local(&path), 0, &copts, Some(WAIT)),
    )?;
    let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    eq(
        "listen sockname",
        gen_tcp::sockname(&l),
        Ok(SockAddr::Local(path.clone())),
    )?;
    eq(
        "client peername",
        gen_tcp::peername(&c),
        Ok(SockAddr::Local(path.clone())),
    )?;
    step("send", gen_tcp::send(&c, "hi"))?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 2, Some(WAIT))),
        Ok(b"hi".to_vec()),
    )?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// The two ends of a connection name each other: the client's `peername`
/// is the accepted socket's `sockname` (the listen port) and the other way
/// round; `port` is the port of `sockname`.
fn peername_sockname_port(ctx: &Ctx) -> Check {
    let l = ctx.listen(&[Opt::Binary])?;
    let lport = step("port", gen_tcp::port(&l))?;
    crate::ctx::ensure("ephemeral port", lport != 0)?;
    let c = ctx.connect_to(&l, &[])?;
    let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    let lo: IpAddr = [127, 0, 0, 1].into();
    eq(
        "listen sockname",
        gen_tcp::sockname(&l),
        Ok(SockAddr::Inet(SocketAddr::new(lo, lport))),
    )?;
    eq(
        "client peername",
        gen_tcp::peername(&c),
        Ok(SockAddr::Inet(SocketAddr::new(lo, lport))),
    )?;
    eq("accepted port", gen_tcp::port(&s), Ok(lport))?;
    let cname = step("client sockname", gen_tcp::sockname(&c))?;
    eq(
        "accepted peername",
        gen_tcp::peername(&s),
        Ok(cname.clone()),
    )?;
    eq("client port", gen_tcp::port(&c), Ok(cname.port()))?;
    eq(
        "listen peername",
        gen_tcp::peername(&l),
        Err(posix("enotconn")),
    )
}

/// `{fd, Fd}`: a listening socket opened elsewhere (a std `TcpListener`)
/// is adopted by `listen`, keeps its port, and accepts connections.
fn fd_adoption(ctx: &Ctx) -> Check {
    let std_l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = std_l.local_addr().map_err(|e| e.to_string())?.port();
    let fd = Fd::from(std_l);
    let l = step(
        "listen {fd, N}",
        gen_tcp::listen(
            0,
            &ctx.opts(&[Opt::Fd(fd), Opt::Binary, Opt::Active(Active::False)]),
        ),
    )?;
    eq("port", gen_tcp::port(&l), Ok(port))?;
    let c = ctx.connect_to(&l, &[Opt::Binary])?;
    let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
    step("send", gen_tcp::send(&c, "adopted"))?;
    eq(
        "recv",
        bytes(gen_tcp::recv(&s, 7, Some(WAIT))),
        Ok(b"adopted".to_vec()),
    )
}
