//! Host names to addresses: the system resolver (`getaddrinfo`), its
//! failures named as gen_tcp names them, and a deadline around it.
//!
//! `std`'s `ToSocketAddrs` hides which way a lookup failed (every
//! resolver error is one opaque message), so the call is made here.

use super::Family;
use crate::error::{Error, Result};
use std::ffi::CString;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// glibc's "the host has no address in the requested family" (not in the
/// `libc` crate; musl never returns it).
const EAI_ADDRFAMILY: libc::c_int = -9;

/// At most this many lookups wait in helper threads at once; past it a
/// connect with a timeout answers `system_limit` rather than start
/// another thread (a dead name server would otherwise let a caller that
/// retries pile up threads, each held for the resolver's own timeouts).
const MAX_HELPERS: usize = 256;

/// The gen_tcp reason for a `getaddrinfo` failure `rc` (`errno` for
/// `EAI_SYSTEM`), keeping apart what OTP 25 folds into `nxdomain`:
///
/// - no such name, or no address in the family: `nxdomain` (OTP's
///   `inet_gethost` reports these as `notfound`/`no_data`);
/// - no name server answered or reachable now: `try_again` (its
///   `try_again`, `EAI_AGAIN`);
/// - a name server failed for good: `no_recovery` (`EAI_FAIL`);
/// - out of memory: `enomem`; a system error: its errno;
/// - anything else means a name the resolver cannot take: `einval` (as
///   OTP answers a malformed name).
pub(crate) fn reason(rc: libc::c_int, errno: Option<i32>) -> Error {
    match rc {
        libc::EAI_NONAME | libc::EAI_NODATA | EAI_ADDRFAMILY => Error::Nxdomain,
        libc::EAI_AGAIN => Error::TryAgain,
        libc::EAI_FAIL => Error::NoRecovery,
        libc::EAI_MEMORY => Error::Posix(libc::ENOMEM),
        libc::EAI_SYSTEM => errno.map_or(Error::Einval, Error::from_errno),
        _ => Error::Einval,
    }
}

/// True for a name under `.invalid`, which RFC 6761 (6.4) reserves so
/// that it never resolves: resolver libraries "SHOULD always return
/// immediate negative responses", without asking a name server.
fn is_special_invalid(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host).as_bytes();
    let tld = b"invalid";
    name.len() >= tld.len()
        && name[name.len() - tld.len()..].eq_ignore_ascii_case(tld)
        && (name.len() == tld.len() || name[name.len() - tld.len() - 1] == b'.')
}

/// The addresses of `host` in `family`, with `port`, in the resolver's
/// order, each once.
pub(crate) fn lookup(host: &str, family: Family, port: u16) -> Result<Vec<SocketAddr>> {
    if is_special_invalid(host) {
        return Err(Error::Nxdomain);
    }
    let host = CString::new(host).map_err(|_| Error::Einval)?;
    // SAFETY: an all-zero addrinfo is a valid "no hints" value; the
    // fields that matter are set below.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = match family {
        Family::Inet6 => libc::AF_INET6,
        _ => libc::AF_INET,
    };
    hints.ai_socktype = libc::SOCK_STREAM;
    hints.ai_protocol = libc::IPPROTO_TCP;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: `host` is a NUL-terminated string and `hints` a valid
    // addrinfo, both alive for the call; `list` receives a list that we
    // free below with `freeaddrinfo`.
    let rc = unsafe { libc::getaddrinfo(host.as_ptr(), std::ptr::null(), &hints, &mut list) };
    if rc != 0 {
        let errno = std::io::Error::last_os_error().raw_os_error();
        return Err(reason(rc, errno));
    }
    let mut out: Vec<SocketAddr> = Vec::new();
    let mut next = list;
    while !next.is_null() {
        // SAFETY: `next` is a node of the list getaddrinfo returned, not
        // yet freed.
        let ai = unsafe { &*next };
        if let Some(a) = socket_addr(ai, port) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        next = ai.ai_next;
    }
    // SAFETY: `list` came from a successful getaddrinfo and is freed once;
    // nothing points into it any more.
    unsafe { libc::freeaddrinfo(list) };
    if out.is_empty() {
        return Err(Error::Nxdomain);
    }
    Ok(out)
}

/// The address in one `addrinfo` node, with `port`.
fn socket_addr(ai: &libc::addrinfo, port: u16) -> Option<SocketAddr> {
    if ai.ai_addr.is_null() {
        return None;
    }
    let len = ai.ai_addrlen as usize;
    match ai.ai_family {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the node says it holds an AF_INET address of at
            // least this size; read_unaligned makes no alignment claim.
            let sa = unsafe { std::ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in>()) };
            let ip = Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr));
            Some(SocketAddrV4::new(ip, port).into())
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for AF_INET6.
            let sa = unsafe { std::ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in6>()) };
            let ip = Ipv6Addr::from(sa.sin6_addr.s6_addr);
            Some(SocketAddrV6::new(ip, port, sa.sin6_flowinfo, sa.sin6_scope_id).into())
        }
        _ => None,
    }
}

/// Runs `f` (a lookup) and waits for it until `deadline` (`timeout`),
/// in a helper thread when there is a deadline, since a blocked
/// `getaddrinfo` cannot be interrupted. Without one, `f` runs here.
pub(crate) fn within<T, F>(deadline: Option<Instant>, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    let Some(deadline) = deadline else {
        return f();
    };
    static HELPERS: AtomicUsize = AtomicUsize::new(0);
    if HELPERS.fetch_add(1, Ordering::AcqRel) >= MAX_HELPERS {
        HELPERS.fetch_sub(1, Ordering::AcqRel);
        return Err(Error::SystemLimit);
    }
    /// Counts the helper out however it ends.
    struct Helper;
    impl Drop for Helper {
        fn drop(&mut self) {
            HELPERS.fetch_sub(1, Ordering::AcqRel);
        }
    }
    let helper = Helper;
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("gen_tcp resolver".into())
        .spawn(move || {
            let _helper = helper;
            // The caller may have stopped waiting: then nobody receives.
            let _ = tx.send(f());
        })?;
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(answer) => answer,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Timeout),
        // The lookup panicked (it does not; a resolver bug would): say so
        // as the OS says a call that could not complete.
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::Posix(libc::EIO)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn resolver_failures_keep_their_reason() {
        assert_eq!(reason(libc::EAI_NONAME, None), Error::Nxdomain);
        assert_eq!(reason(libc::EAI_NODATA, None), Error::Nxdomain);
        assert_eq!(reason(EAI_ADDRFAMILY, None), Error::Nxdomain);
        assert_eq!(reason(libc::EAI_AGAIN, None), Error::TryAgain);
        assert_eq!(reason(libc::EAI_FAIL, None), Error::NoRecovery);
        assert_eq!(reason(libc::EAI_MEMORY, None), Error::Posix(libc::ENOMEM));
        assert_eq!(
            reason(libc::EAI_SYSTEM, Some(libc::EMFILE)),
            Error::SystemLimit
        );
        assert_eq!(reason(libc::EAI_BADFLAGS, None), Error::Einval);
    }

    #[test]
    fn localhost_and_numbers_resolve_in_their_family() {
        let v4 = lookup("localhost", Family::Inet, 7).unwrap();
        assert!(v4.contains(&SocketAddr::from(([127, 0, 0, 1], 7))));
        assert!(v4.iter().all(|a| a.is_ipv4()));
        assert_eq!(
            lookup("::1", Family::Inet6, 9).unwrap(),
            [SocketAddr::from((Ipv6Addr::LOCALHOST, 9))]
        );
        // An IPv6 literal has no IPv4 address.
        assert_eq!(lookup("::1", Family::Inet, 9), Err(Error::Nxdomain));
        assert_eq!(lookup("a\0b", Family::Inet, 9), Err(Error::Einval));
    }

    #[test]
    fn names_under_invalid_never_resolve_and_ask_nobody() {
        for name in ["nonexistent.invalid", "a.b.INVALID.", "invalid"] {
            assert_eq!(lookup(name, Family::Inet, 80), Err(Error::Nxdomain), "{name}");
        }
        for name in ["notinvalid", "invalid.example", "x.invalidx"] {
            assert!(!is_special_invalid(name), "{name}");
        }
    }

    #[test]
    fn a_lookup_that_outlives_the_deadline_is_timeout() {
        let (release, blocked) = mpsc::channel::<()>();
        let deadline = Instant::now() + Duration::from_millis(20);
        let r = within(Some(deadline), move || {
            let _ = blocked.recv();
            Ok(1)
        });
        assert_eq!(r, Err(Error::Timeout));
        drop(release);
        assert_eq!(
            within(Some(Instant::now() + Duration::from_secs(10)), || Ok(2)),
            Ok(2)
        );
        assert_eq!(within(None, || Ok(3)), Ok(3));
    }

    #[test]
    fn a_failed_lookup_within_a_deadline_keeps_its_reason() {
        let far = Some(Instant::now() + Duration::from_secs(10));
        assert_eq!(
            within(far, || Err::<(), _>(Error::TryAgain)),
            Err(Error::TryAgain)
        );
    }
}
