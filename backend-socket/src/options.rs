//! `setopts` and `getopts` for this backend, and the options a new socket
//! starts with, as OTP 25's `socket` backend answers them.
//!
//! gen_tcp-level options live in [`SockOpts`]; kernel options go to the
//! descriptor through [`sockopt`]. Where OTP's `socket` backend differs
//! from the `inet` one, the rule is written once here:
//!
//! - `setopts`: `{inet_backend, _}`, `{port, _}`, `{ifaddr, _}`,
//!   `{netns, _}` and `{fd, _}` are `einval`; `{ip, _}`, `{backlog, _}`,
//!   `inet`, `inet6`, `local` and `{tcp_module, _}` are accepted and
//!   ignored. `pktoptions` is `einval`. `reuseport`, `reuseport_lb` and
//!   `exclusiveaddruse` are in the reference page (OTP 26) though OTP 25
//!   refuses them; we follow the page: `SO_REUSEPORT`, and
//!   `exclusiveaddruse` accepted and ignored off Windows.
//! - `nodelay` on a `local` socket is `enotsup`, at creation and in
//!   `setopts`; `getopts` leaves it out.
//! - `getopts` leaves out `high_watermark`, `high_msgq_watermark` and
//!   `low_msgq_watermark`, and the IPv6 options on an IPv4 socket;
//!   `low_watermark` reads back what was set (1 by default). Once the peer has
//!   closed, `getopts` is `einval`.

use crate::port::SocketPort;
use crate::state::default_opts;
use gen_tcp_core::sockopt;
use gen_tcp_core::{Active, Error, Message, Opt, OptName, Result, SockOpts};
use std::os::fd::AsFd;

/// Options the `socket` backend refuses on TCP sockets.
fn refused(opt: &Opt) -> bool {
    matches!(opt, Opt::Pktoptions(_))
}

/// Splits `opts` into the new gen_tcp-level state and the kernel options
/// to set, checking each; `Ok(passive_message)` says whether an
/// `{active, N}` counter reached 0.
fn plan<'a>(opts: &'a [Opt], local: bool, into: &mut SockOpts) -> Result<(Vec<&'a Opt>, bool)> {
    let mut kernel = Vec::new();
    let mut passive_message = false;
    for opt in opts {
        match opt {
            Opt::InetBackend(_) | Opt::Port(_) | Opt::Ifaddr(_) | Opt::Netns(_) | Opt::Fd(_) => {
                return Err(Error::Einval)
            }
            Opt::Ip(_)
            | Opt::Backlog(_)
            | Opt::Inet
            | Opt::Inet6
            | Opt::Local
            | Opt::TcpModule(_) => {}
            o if refused(o) => return Err(Error::Einval),
            Opt::Nodelay(_) if local => return Err(Error::Enotsup),
            Opt::Active(a) => {
                let change = into.active.set(*a)?;
                into.active = change.now;
                passive_message = change.passive_message;
            }
            other => {
                if !into.apply(other)? {
                    kernel.push(other);
                }
            }
        }
    }
    Ok((kernel, passive_message))
}

/// The gen_tcp-level options a new socket starts with (the kernel ones
/// are set by `open` before the descriptor is bound or connected).
pub fn initial(opts: &[Opt]) -> Result<SockOpts> {
    let mut o = default_opts();
    for opt in opts {
        match opt {
            Opt::Active(a) => o.active = Active::False.set(*a)?.now,
            other => {
                o.apply(other)?;
            }
        }
    }
    Ok(o)
}

/// `inet:setopts/2`: the options are applied in order, each checked
/// before it changes anything; as in OTP 25's `socket` backend, those
/// before a bad one stay applied (docs/otp-answers.md, Q2). A change of
/// `packet` resets the HTTP sub-state; an `{active, N}` that brings the
/// counter to 0 sends `{tcp_passive, S}` at once; turning active delivers
/// what is buffered and wakes the poller.
pub fn setopts(port: &SocketPort, opts: &[Opt]) -> Result<()> {
    port.live()?;
    let mut st = port.state.lock();
    if st.closed_reported {
        return Err(Error::Einval);
    }
    let mut result = Ok(());
    for opt in opts {
        let mut new = st.opts.clone();
        let applied = plan(std::slice::from_ref(opt), port.local, &mut new).and_then(
            |(kernel, passive_message)| {
                for k in kernel {
                    sockopt::set(port.sock.as_fd(), k)?;
                }
                Ok(passive_message)
            },
        );
        let passive_message = match applied {
            Ok(p) => p,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        if new.packet != st.opts.packet {
            st.inbound.packet_changed();
        }
        st.opts = new;
        if passive_message {
            if let Some(s) = port.handle() {
                port.owner.deliver(Message::TcpPassive(s));
            }
        }
    }
    if st.opts.active.is_active() {
        port.activate(&mut st);
    }
    result
}

/// `inet:getopts/2`.
pub fn getopts(port: &SocketPort, names: &[OptName]) -> Result<Vec<Opt>> {
    port.live()?;
    let st = port.state.lock();
    // OTP 25's `socket` backend answers `einval` once the peer has closed
    // (docs/otp-answers.md, Q15).
    if matches!(st.phase, crate::state::Phase::PeerClosed(_)) {
        return Err(Error::Einval);
    }
    let inet6 = port.sock.domain().is_ok_and(|d| d == socket2::Domain::IPV6);
    let fd = port.sock.as_fd();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        match name {
            OptName::HighWatermark | OptName::HighMsgqWatermark | OptName::LowMsgqWatermark => {}
            OptName::Tclass | OptName::Recvtclass | OptName::Ipv6V6only if !inet6 => {}
            OptName::Nodelay if port.local => {}
            OptName::Pktoptions => out.push(Opt::Pktoptions(Vec::new())),
            name => match st.opts.get(name) {
                Some(o) => out.push(o),
                None => out.extend(sockopt::get(fd, name)?),
            },
        }
    }
    Ok(out)
}
