//! `setopts` and `getopts` on this backend. The rules where OTP's
//! backends differ live once, in core's
//! [`policy`]; what is this backend's own:
//! once reading is over (the stream ended, or our own `shutdown(read)`),
//! the options of its reader ([`reader_opt`]) can neither be set nor read
//! back (`einval`), and once a failed read closed the socket every option
//! is `einval` (OTP 25).

use crate::port::SocketPort;
use crate::state::Phase;
use gen_tcp_core::options::policy;
use gen_tcp_core::{Error, Message, Opt, OptName, Result};
use std::os::fd::AsFd;

/// `inet:setopts/2`: setting `packet` (even to the same type) restarts
/// the HTTP sub-state at a start line, as `gen_tcp_socket`; an
/// `{active, N}` that brings the counter to 0, or `{active, false}` that
/// ends an `{active, N}`, sends `{tcp_passive, S}` at once (on a listen
/// socket too); turning active delivers what is buffered and wakes the
/// poller.
pub fn setopts(port: &SocketPort, opts: &[Opt]) -> Result<()> {
    port.live()?;
    let mut st = port.state.lock();
    // Closed by a failed read: `einval` (OTP 25). Once reading is over
    // (the stream ended, or our own `shutdown(read)`), the reader's
    // options can no longer be set; other options can.
    let for_reader = opts
        .iter()
        .any(|o| o.name().as_ref().is_some_and(reader_opt))
        || opts.iter().any(|o| matches!(o, Opt::List | Opt::Binary));
    if st.phase == Phase::Closed || (for_reader && st.read_closed()) {
        return Err(Error::Einval);
    }
    let (outcome, result) =
        policy::setopts(port.fd.as_fd(), port.fd.is_local(), &mut st.opts, opts);
    port.fd.options_set(opts);
    if opts.iter().any(|o| matches!(o, Opt::Packet(_))) {
        st.inbound.http_restart();
    }
    // Bytes that failed to decode are decoded again under new framing
    // options at once. (OTP 25 waits for more bytes even then, and a recv
    // times out with whole packets buffered: its stall after `emsgsize`,
    // which we do not keep; corpus entry socket-line-emsgsize-stalls.)
    if opts
        .iter()
        .any(|o| matches!(o, Opt::Packet(_) | Opt::PacketSize(_)))
    {
        st.bad_frame = false;
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
    // OTP 25's `socket` backend answers `einval` for the reader's options
    // once reading is over (the peer closed, docs/otp-answers.md Q15, or
    // our own `shutdown(read)`), and for every option once a failed read
    // closed the socket.
    let for_reader = names.iter().any(reader_opt);
    if st.phase == Phase::Closed || (for_reader && st.read_closed()) {
        return Err(Error::Einval);
    }
    policy::getopts(Some(port.fd.as_fd()), port.fd.is_local(), &st.opts, names)
}

/// The options OTP 25's socket backend keeps for its reader alone, which
/// `setopts` and `getopts` refuse (`einval`) once reading is over:
/// `active`, `mode`, `header`, `deliver`, `line_delimiter`,
/// `exit_on_close` (probed one by one after `shutdown(read)`; `packet`,
/// `packet_size`, `show_econnreset`, `send_timeout` and the kernel's
/// options still work).
pub fn reader_opt(name: &OptName) -> bool {
    matches!(
        name,
        OptName::Active
            | OptName::Mode
            | OptName::Header
            | OptName::Deliver
            | OptName::LineDelimiter
            | OptName::ExitOnClose
    )
}
