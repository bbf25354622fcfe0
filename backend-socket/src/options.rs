//! `setopts` and `getopts` on this backend. The rules where OTP's
//! backends differ live once, in core's
//! [`policy`]; what is this backend's own:
//! once the peer has closed, `getopts` is `einval`, and once
//! `{tcp_closed, S}` was sent, `setopts` is `einval` (OTP 25, both).

use crate::port::SocketPort;
use gen_tcp_core::options::policy;
use gen_tcp_core::{Error, Message, Opt, OptName, Result};
use std::os::fd::AsFd;

/// `inet:setopts/2`: a change of `packet` resets the HTTP sub-state; an
/// `{active, N}` that brings the counter to 0, or `{active, false}` that
/// ends an `{active, N}`, sends `{tcp_passive, S}` at once (on a listen
/// socket too); turning active delivers what is buffered and wakes the
/// poller.
pub fn setopts(port: &SocketPort, opts: &[Opt]) -> Result<()> {
    port.live()?;
    let mut st = port.state.lock();
    if st.closed_reported {
        return Err(Error::Einval);
    }
    let old_packet = st.opts.packet;
    let (outcome, result) =
        policy::setopts(port.fd.as_fd(), port.fd.is_local(), &mut st.opts, opts);
    port.fd.options_set(opts);
    if st.opts.packet != old_packet {
        st.inbound.packet_changed();
    }
    if let Some(s) = port.handle() {
        for _ in 0..outcome.passive_messages {
            port.owner.deliver(Message::TcpPassive(s.clone()));
        }
    }
    if st.opts.active.is_active() {
        port.activate(&mut st);
    } else {
        // Passive: the socket lives on its user handles alone.
        let want = st.want();
        st.reg.settle(want);
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
    policy::getopts(Some(port.fd.as_fd()), port.fd.is_local(), &st.opts, names)
}
