//! Creating descriptors for `listen`, `connect` and `accept`, the same for
//! both backends: family, `{ip}`/`{port}`/`{ifaddr}` binding, `{fd}`
//! adoption, `{netns}`, `{bind_to_device}`, `{backlog}`, and connecting
//! with a timeout; and taking a socket handed over whole
//! ([`adopt_whole`], for `gen_tcp::from_std`).

use crate::addr::{Family, SockAddr};
use crate::descriptor::Descriptor;
use crate::error::{Error, Result};
use crate::options::policy::{self, SetRule};
use crate::options::{CreateOpts, Fd, Opt};
use crate::sys::{self, Wait};
use crate::syscall;
use socket2::{Domain, Protocol, Socket, Type};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::Instant;

/// Sets the kernel options among `c.opts` on a new descriptor, before it
/// is bound or connected (buffer sizes must be set before the handshake to
/// count), under the same rules as `setopts` ([`policy::set_rule`]: e.g.
/// `nodelay` on a `local` socket, `enotsup` on `socket`, ignored on `inet`).
fn set_kernel_opts(s: &Socket, family: Family, c: &CreateOpts) -> Result<()> {
    for opt in &c.opts {
        match policy::set_rule(c.backend, opt, family == Family::Local) {
            SetRule::Apply => {
                crate::sockopt::set_on(s, opt)
                    .map_err(|e| policy::create_refusal(c.backend, c.opening, opt, e))?;
                policy::set_kernel_twin(s.as_fd(), c.backend, opt)?;
            }
            SetRule::Ignore => {}
            SetRule::Refuse(e) => return Err(e),
        }
    }
    Ok(())
}

fn new_socket(family: Family, c: &CreateOpts) -> Result<Socket> {
    let proto = match family {
        Family::Local => None,
        _ => Some(Protocol::TCP),
    };
    let make = move || Socket::new(family.domain(), Type::STREAM.nonblocking().cloexec(), proto);
    let s = match &c.netns {
        None => make()?,
        Some(ns) => in_netns(ns, make)?,
    };
    if let Some(dev) = &c.bind_to_device {
        s.bind_device(Some(dev))?;
    }
    set_kernel_opts(&s, family, c)?;
    Ok(s)
}

/// Runs `f` in the network namespace at `path` (`{netns, Path}`), in a
/// short-lived thread so the caller's namespace is untouched.
fn in_netns<T: Send>(
    path: &std::path::Path,
    f: impl FnOnce() -> std::io::Result<T> + Send,
) -> Result<T> {
    let ns = std::fs::File::open(path)?;
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                // SAFETY: `ns` is an open file for the call; setns changes
                // only this short-lived thread's namespace.
                syscall!(setns(ns.as_raw_fd(), libc::CLONE_NEWNET))?;
                f()
            })
            .join()
            .map_err(|_| Error::Einval)?
            .map_err(Error::from)
    })
}

/// Takes the descriptor of `{fd, Fd}`: gen_tcp owns it from now on and
/// closes it on close. One already taken by an earlier `listen`/`connect`
/// is `ebadf`, as OTP answers for a descriptor that is not open.
fn adopt(fd: &Fd) -> Result<Socket> {
    let s = Socket::from(fd.take().ok_or(Error::Posix(libc::EBADF))?);
    stream_socket(&s)?;
    s.set_nonblocking(true)?;
    s.set_cloexec(true)?;
    Ok(s)
}

/// `Ok` for a stream socket; `einval` for another socket (UDP, say),
/// `enotsock` for a descriptor that is no socket at all, as OTP 25
/// answers for `{fd, Fd}` on both backends.
fn stream_socket(s: &Socket) -> Result<()> {
    match s.r#type() {
        Ok(t) if t == Type::STREAM => Ok(()),
        Ok(_) => Err(Error::Einval),
        Err(e) if e.raw_os_error() == Some(libc::ENOTSOCK) => Err(Error::Posix(libc::ENOTSOCK)),
        Err(_) => Err(Error::Posix(libc::EBADF)),
    }
}

/// A socket handed over whole, as [`adopt_whole`] found it.
#[derive(Debug)]
pub enum Adopted {
    /// A listening socket: non-blocking, as `listen` leaves its own.
    Listening(Descriptor),
    /// A connected socket: blocking, as `connect` leaves its own.
    Connected(Descriptor),
}

/// Takes a socket handed over whole by its owner (`gen_tcp::from_std`),
/// as it is: bound, listening or connected, with its kernel options and
/// backlog, made close-on-exec. It must be a TCP (`inet`, `inet6`) or
/// unix (`local`) stream socket, listening or connected. `opts` are
/// parsed as `listen`'s and `connect`'s (`{inet_backend, B}` first, or
/// the default backend), and the kernel options among them are set, by
/// the same rules; options that make a socket (`ip`, `port`, `ifaddr`,
/// `backlog`, `fd`, a family, `netns`, `tcp_module`) have nothing to do
/// with one that exists: `badarg`.
///
/// Refused: `enotsock` for a descriptor that is no socket, `einval` for
/// another kind of socket (UDP, SCTP, ...) or family, `enotconn` for a
/// stream socket neither listening nor connected. The descriptor is
/// closed then: it was given up with the call.
///
/// ```
/// use gen_tcp_core::open::{adopt_whole, Adopted};
/// use gen_tcp_core::{Error, Opt};
/// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let (adopted, _options) = adopt_whole(std_listener.into(), &[Opt::Nodelay(true)])?;
/// assert!(matches!(adopted, Adopted::Listening(_)));
/// let udp = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert_eq!(adopt_whole(udp.into(), &[]).unwrap_err(), Error::Einval);
/// let file = std::fs::File::open("/dev/null")?;
/// assert_eq!(adopt_whole(file.into(), &[]).unwrap_err().to_string(), "enotsock");
/// let bound = std::net::TcpListener::bind("127.0.0.1:0")?;
/// assert_eq!(adopt_whole(bound.into(), &[Opt::Port(80)]).unwrap_err(), Error::Badarg);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn adopt_whole(fd: OwnedFd, opts: &[Opt]) -> Result<(Adopted, CreateOpts)> {
    let c = CreateOpts::parse(opts)?;
    if opts
        .iter()
        .any(|o| o.is_create_only() && !matches!(o, Opt::InetBackend(_)))
    {
        return Err(Error::Badarg);
    }
    let s = Socket::from(fd);
    stream_socket(&s)?;
    let domain = s.domain()?;
    let family = if domain == Domain::UNIX {
        Family::Local
    } else if domain == Domain::IPV4 || domain == Domain::IPV6 {
        if s.protocol()? != Some(Protocol::TCP) {
            return Err(Error::Einval);
        }
        if domain == Domain::IPV4 {
            Family::Inet
        } else {
            Family::Inet6
        }
    } else {
        return Err(Error::Einval);
    };
    s.set_cloexec(true)?;
    if let Some(dev) = &c.bind_to_device {
        s.bind_device(Some(dev))?;
    }
    set_kernel_opts(&s, family, &c)?;
    let adopted = adopted_as_it_is(s)?;
    Ok((adopted, c))
}

/// A listening or connected stream socket, each in the blocking mode
/// `listen` and `connect` leave theirs in.
fn adopted_as_it_is(s: Socket) -> Result<Adopted> {
    if s.is_listener()? {
        s.set_nonblocking(true)?;
        return Ok(Adopted::Listening(Descriptor::adopted(s)));
    }
    if s.peer_addr().is_err() {
        return Err(Error::Posix(libc::ENOTCONN));
    }
    s.set_nonblocking(false)?;
    Ok(Adopted::Connected(Descriptor::adopted(s)))
}

/// A listening descriptor for `listen(Port, Opts)`.
pub fn listen(port: u16, c: &CreateOpts) -> Result<Socket> {
    let port = if port == 0 { c.port } else { Some(port) };
    let s = match &c.fd {
        Some(fd) => {
            let s = adopt(fd)?;
            let family = c.family_for(Some(&sockname(&s)?));
            set_kernel_opts(&s, family, c)?;
            // An address given beside the descriptor binds it, as OTP
            // does: `{ip}`/`{port}`, or `{ifaddr, {local, Path}}`.
            let local_path = family == Family::Local && c.local_path.is_some();
            if port.is_some() || c.ip.is_some() || local_path {
                if let Some(addr) = c.bind_addr(family, port) {
                    s.bind(&addr.to_socket2()?)?;
                }
            }
            s
        }
        None => {
            // No SO_REUSEADDR unless asked: OTP reports `reuseaddr` false
            // and a port in TIME_WAIT gives `eaddrinuse`, as here.
            let family = c.family_for(None);
            let s = new_socket(family, c)?;
            let addr = match c.bind_addr(family, port) {
                Some(a) => a,
                None if family == Family::Local => return Err(Error::Einval),
                None => c.bind_addr(family, Some(0)).expect("inet address"),
            };
            s.bind(&addr.to_socket2()?)?;
            s
        }
    };
    s.listen(c.backlog.min(i32::MAX as u32) as i32)?;
    Ok(s)
}

/// A connected descriptor for `connect(Address, Port, Opts, Timeout)`:
/// each address is tried in turn until one connects or `deadline` passes.
pub fn connect(addrs: &[SockAddr], c: &CreateOpts, deadline: Option<Instant>) -> Result<Socket> {
    if let Some(fd) = &c.fd {
        let s = adopt(fd)?;
        let family = c.family_for(Some(&sockname(&s)?));
        set_kernel_opts(&s, family, c)?;
        if s.peer_addr().is_ok() {
            return Ok(s);
        }
        // A local address given beside the descriptor binds it first, as
        // OTP does (`{ifaddr, {local, Path}}`, `{ip, _}`, `{port, _}`).
        if let Some(bind) = c.bind_addr(family, None) {
            s.bind(&bind.to_socket2()?)?;
        }
        let first = addrs.first().ok_or(Error::Einval)?;
        return connect_one(s, first, deadline);
    }
    let mut last = Error::Einval;
    for addr in addrs {
        let family = c.family.unwrap_or(Family::of(addr));
        if family != Family::of(addr) {
            last = Error::Posix(libc::EAFNOSUPPORT);
            continue;
        }
        let s = new_socket(family, c)?;
        if let Some(bind) = c.bind_addr(family, None) {
            s.bind(&bind.to_socket2()?)?;
        }
        match connect_one(s, addr, deadline) {
            Ok(s) => return Ok(s),
            Err(Error::Timeout) => return Err(Error::Timeout),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Connects `s` to `addr` within `deadline`, leaving it blocking (see
/// [`crate::descriptor`]): with no deadline, one blocking `connect`, as
/// std's; with one, a non-blocking `connect` and a wait for it.
fn connect_one(s: Socket, addr: &SockAddr, deadline: Option<Instant>) -> Result<Socket> {
    let fd = s.as_raw_fd();
    let target = addr.to_socket2()?;
    if deadline.is_none() {
        sys::set_nonblocking(fd, false)?;
        match s.connect(&target) {
            Ok(()) => return Ok(s),
            // Interrupted: the handshake goes on; wait for it below.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(connect_error(e)),
        }
    } else {
        sys::set_nonblocking(fd, true)?;
        match s.connect(&target) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(connect_error(e)),
        }
    }
    sys::wait_fd(fd, Wait::Write, deadline, crate::process::call_wake_fd())?;
    if let Some(e) = s.take_error()? {
        return Err(e.into());
    }
    sys::set_nonblocking(fd, false)?;
    Ok(s)
}

fn connect_error(e: std::io::Error) -> Error {
    match e.raw_os_error() {
        // A unix socket whose listener's queue is full: OTP answers eagain.
        Some(libc::EAGAIN) => Error::Posix(libc::EAGAIN),
        _ => e.into(),
    }
}

/// The local address of a descriptor.
pub fn sockname(s: &Socket) -> Result<SockAddr> {
    Ok(SockAddr::from_socket2(&s.local_addr()?))
}

/// The peer address of a descriptor.
pub fn peername(s: &Socket) -> Result<SockAddr> {
    Ok(SockAddr::from_socket2(&s.peer_addr()?))
}
