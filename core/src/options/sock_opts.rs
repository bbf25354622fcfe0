//! The options gen_tcp itself interprets, per socket: their value types,
//! the checks and couplings the table names, and what framing needs.

use super::{Opt, OptName, SockOpts};
use crate::active::Active;
use crate::backend::InetBackend;
use crate::error::{Error, Result};
use crate::packet::{FrameConfig, PacketType};

/// `{mode, list | binary}`: how received packets are delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Packets are lists of bytes (OTP's default).
    #[default]
    List,
    /// Packets are binaries.
    Binary,
}

/// `{deliver, port | term}`: the shape of active messages in Erlang. Both
/// are accepted and reported; in Rust messages always carry the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Deliver {
    /// `{Port, {data, Data}}`.
    Port,
    /// `{tcp, Socket, Data}` (the default).
    #[default]
    Term,
}

/// The `packet_size` OTP's `socket` backend reports by default (64 MiB);
/// larger values are accepted, as OTP accepts them.
pub const PACKET_SIZE_MAX: u32 = 0x400_0000;

/// The values every backend accepts.
pub(super) fn any<T>(_: &T) -> bool {
    true
}

/// Zero is refused (`{buffer, 0}` on `socket`, the message-queue
/// watermarks on `inet`).
pub(super) fn nonzero(n: &u32) -> bool {
    *n != 0
}

/// `{active, N}` takes -32768..=32767, as both backends do.
pub(super) fn active_n(a: &Active) -> bool {
    match a {
        Active::N(n) => (-32768..=32767).contains(n),
        _ => true,
    }
}

/// inet_drv keeps at least one byte of buffer (`{buffer, 0}` reads back 1).
pub(super) fn buffer_at_least_one(o: &mut SockOpts) {
    o.buffer = o.buffer.max(1);
}

/// As inet_drv: lowering `high_watermark` under `low_watermark` lowers it
/// too. Not on `socket`, where `low_watermark` is the kernel's
/// `SO_RCVLOWAT` and `high_watermark` does nothing.
pub(super) fn low_follows_high(o: &mut SockOpts) {
    if o.backend == InetBackend::Inet {
        o.low_watermark = o.low_watermark.min(o.high_watermark);
    }
}

/// As inet_drv: raising `low_watermark` over `high_watermark` raises it
/// too (`inet` only, as [`low_follows_high`]).
pub(super) fn high_follows_low(o: &mut SockOpts) {
    if o.backend == InetBackend::Inet {
        o.high_watermark = o.high_watermark.max(o.low_watermark);
    }
}

/// The kernel option a gen_tcp-level option also is on `backend`: on
/// OTP 25's `socket` backend `low_watermark` is `SO_RCVLOWAT`
/// (gen_tcp_socket maps it to `{socket, rcvlowat}`): set with it, and
/// read back from the kernel, which clamps it.
pub(crate) fn kernel_twin(backend: InetBackend, name: &OptName) -> Option<(i32, i32)> {
    match (backend, name) {
        (InetBackend::Socket, OptName::LowWatermark) => Some((libc::SOL_SOCKET, libc::SO_RCVLOWAT)),
        _ => None,
    }
}

/// The message-queue pair keeps low at most high, as the output pair does.
pub(super) fn msgq_low_follows_high(o: &mut SockOpts) {
    o.low_msgq_watermark = o.low_msgq_watermark.min(o.high_msgq_watermark);
}

/// The message-queue pair keeps low at most high, as the output pair does.
pub(super) fn msgq_high_follows_low(o: &mut SockOpts) {
    o.high_msgq_watermark = o.high_msgq_watermark.max(o.low_msgq_watermark);
}

impl SockOpts {
    /// What a gen_tcp-level option follows when a kernel option is set:
    /// on `inet`, `{recbuf, N}` raises `buffer` to N until `buffer` is set
    /// on the socket (inet_drv: "make sure we have bufsz >= SO_RCVBUF";
    /// OTP 25 then leaves an explicitly set buffer alone).
    pub(super) fn couple_kernel(&mut self, opt: &Opt) {
        if self.backend != InetBackend::Inet {
            return;
        }
        match opt {
            Opt::Recbuf(n) if !self.buffer_set => self.buffer = self.buffer.max(*n),
            Opt::Buffer(_) => self.buffer_set = true,
            _ => {}
        }
    }

    /// The options a socket accepted on a listen socket with these
    /// options starts with: the same, but an explicit `buffer` is the
    /// listen socket's, not the new one's (`recbuf` raises it again).
    pub fn for_accepted(&self) -> SockOpts {
        SockOpts {
            buffer_set: false,
            ..self.clone()
        }
    }

    /// The answer to `recv(S, Length)` with a `Length` no read may ask
    /// for: in raw mode, over 64 MiB (`TCP_MAX_PACKET_SIZE`) is
    /// `{error, enomem}`, as OTP 25's `inet` answers (its `socket` backend
    /// aborts the VM). Checked before any buffer is reserved for it.
    pub fn check_recv_length(&self, length: usize) -> Result<()> {
        if self.packet == PacketType::Raw && length > PACKET_SIZE_MAX as usize {
            return Err(Error::Posix(libc::ENOMEM));
        }
        Ok(())
    }

    /// What the framing needs from these options.
    pub fn frame_config(&self) -> FrameConfig {
        FrameConfig {
            packet: self.packet,
            packet_size: self.packet_size,
            line_delimiter: self.line_delimiter,
            // inet_drv cuts a line at its buffer size; gen_tcp_socket passes
            // packet_size as the line length, which only cuts a line when a
            // read ends exactly there (else the line is emsgsize): it never
            // cuts, and packet_size bounds the line.
            trunc_len: match self.backend {
                InetBackend::Inet => self.buffer,
                InetBackend::Socket => 0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::InetBackend;

    #[test]
    fn watermarks_keep_low_at_most_high() {
        let mut o = SockOpts::defaults(InetBackend::Inet);
        o.apply(&Opt::LowWatermark(10_000)).unwrap();
        assert_eq!((o.low_watermark, o.high_watermark), (10_000, 10_000));
        o.apply(&Opt::HighWatermark(100)).unwrap();
        assert_eq!((o.low_watermark, o.high_watermark), (100, 100));
        // socket: low_watermark is SO_RCVLOWAT, high_watermark does nothing.
        let mut s = SockOpts::defaults(InetBackend::Socket);
        s.apply(&Opt::LowWatermark(9000)).unwrap();
        s.apply(&Opt::HighWatermark(100)).unwrap();
        assert_eq!(s.low_watermark, 9000);
    }

    /// OTP 25's inet: `recbuf` raises `buffer` (never lowers it) until
    /// `buffer` is set explicitly; the socket backend keeps them apart.
    #[test]
    fn recbuf_raises_buffer_on_inet_until_buffer_is_set() {
        let mut o = SockOpts::defaults(InetBackend::Inet);
        o.apply(&Opt::Recbuf(4096)).unwrap();
        o.apply(&Opt::Recbuf(2000)).unwrap();
        assert_eq!(o.buffer, 4096);
        o.apply(&Opt::Buffer(100)).unwrap();
        o.apply(&Opt::Recbuf(8000)).unwrap();
        assert_eq!(o.buffer, 100);
        let mut accepted = o.for_accepted();
        accepted.apply(&Opt::Recbuf(5000)).unwrap();
        assert_eq!(accepted.buffer, 5000);
        let mut s = SockOpts::defaults(InetBackend::Socket);
        s.apply(&Opt::Recbuf(65536)).unwrap();
        assert_eq!(s.buffer, 8192);
    }

    #[test]
    fn out_of_range_values_are_einval_as_each_backend_says() {
        let mut o = SockOpts::defaults(InetBackend::Socket);
        assert_eq!(o.apply(&Opt::PacketSize(PACKET_SIZE_MAX + 1)), Ok(true));
        assert_eq!(o.apply(&Opt::Buffer(0)), Err(Error::Einval));
        assert_eq!(o.apply(&Opt::HighMsgqWatermark(0)), Ok(true));
        let mut i = SockOpts::defaults(InetBackend::Inet);
        assert_eq!(i.apply(&Opt::Buffer(0)), Ok(true));
        assert_eq!(i.buffer, 1);
        assert_eq!(i.apply(&Opt::HighMsgqWatermark(0)), Err(Error::Einval));
        assert_eq!(o.apply(&Opt::Active(Active::N(40_000))), Err(Error::Einval));
        assert_eq!(o.apply(&Opt::Nodelay(true)), Ok(false));
        assert_eq!(o.apply(&Opt::Binary), Ok(true));
        assert_eq!(o.get(&OptName::Mode), Some(Opt::Mode(Mode::Binary)));
    }

    #[test]
    fn typed_accessors_check_and_couple_as_setopts_does() {
        let mut o = SockOpts::defaults(InetBackend::Inet);
        assert_eq!((o.buffer(), o.low_watermark()), (1460, 4096));
        o.set_low_msgq_watermark(10_000).unwrap();
        assert_eq!(o.high_msgq_watermark(), 10_000);
        assert_eq!(o.set_high_msgq_watermark(0), Err(Error::Einval));
        assert_eq!(
            o.high_msgq_watermark(),
            10_000,
            "a refused value changes nothing"
        );
        o.set_packet(PacketType::Line).unwrap();
        assert_eq!(o.frame_config().packet, PacketType::Line);
        let s = SockOpts::defaults(InetBackend::Socket);
        assert_eq!(
            (s.buffer(), s.low_watermark(), s.packet_size()),
            (8192, 1, PACKET_SIZE_MAX)
        );
    }
}
