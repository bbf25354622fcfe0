//! Active mode, the part both backends share: turning buffered bytes into
//! `{tcp, S, Data}` messages for the owner while the socket is active,
//! counting `{active, N}` down and sending `{tcp_passive, S}` at zero.

use crate::error::Result;
use crate::inbound::Inbound;
use crate::options::{policy, Opt, SockOpts};
use crate::port::{Owner, SocketExt};
use crate::process::Message;
use crate::socket::Socket;

/// Delivers every whole packet in `inbound` to the owner while `opts`
/// says the socket is active. Returns whether it is still active (so the
/// backend should keep reading). A framing error (`emsgsize`) is returned
/// for the backend to report as its closing sequence requires.
pub fn deliver_packets(
    socket: &Socket,
    owner: &Owner,
    opts: &mut SockOpts,
    inbound: &mut Inbound,
) -> Result<bool> {
    owner.with(|process| {
        while opts.active.is_active() {
            let Some(data) = inbound.next_packet(opts, 0)? else {
                break;
            };
            process.deliver(Message::Tcp(socket.clone(), data));
            let change = opts.active.after_delivery();
            opts.active = change.now;
            if change.passive_message {
                process.deliver(Message::TcpPassive(socket.clone()));
            }
        }
        Ok(opts.active.is_active())
    })
}

/// A socket just opened (`listen`, `connect`, `from_std`) with the options
/// `list`: with `{active, N}`, N =< 0, it starts passive and its owner,
/// the caller, gets `{tcp_passive, S}` at once, as on both OTP 25 backends
/// ([`policy::passive_at_open`]). An accepted socket inherits its listen
/// socket's state and is told nothing.
pub fn opened(socket: Socket, list: &[Opt]) -> Socket {
    if policy::passive_at_open(list) {
        socket
            .port()
            .owner()
            .deliver(Message::TcpPassive(socket.clone()));
    }
    socket
}
