//! The options gen_tcp itself interprets, per socket, with OTP's defaults.

use super::{Opt, OptName};
use crate::active::Active;
use crate::backend::InetBackend;
use crate::error::{Error, Result};
use crate::packet::{FrameConfig, PacketType};
use std::time::Duration;

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

/// The per-socket options gen_tcp interprets itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // each field is the option of the same name
pub struct SockOpts {
    /// The backend these options belong to (validation differs a little).
    pub backend: InetBackend,
    pub active: Active,
    pub buffer: u32,
    pub debug: bool,
    pub delay_send: bool,
    pub deliver: Deliver,
    pub exit_on_close: bool,
    pub exclusiveaddruse: bool,
    pub header: u32,
    pub high_msgq_watermark: u32,
    pub low_msgq_watermark: u32,
    pub high_watermark: u32,
    pub low_watermark: u32,
    pub mode: Mode,
    pub packet: PacketType,
    pub packet_size: u32,
    pub line_delimiter: u8,
    pub send_timeout: Option<Duration>,
    pub send_timeout_close: bool,
    pub show_econnreset: bool,
}

impl SockOpts {
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

    /// The defaults OTP 25 reports for a new socket of `backend`
    /// (`docs/otp-answers.md`, Q1).
    pub fn defaults(backend: InetBackend) -> SockOpts {
        SockOpts {
            backend,
            active: Active::True,
            buffer: match backend {
                InetBackend::Inet => 1460,
                InetBackend::Socket => 8192,
            },
            debug: false,
            delay_send: false,
            deliver: Deliver::Term,
            exit_on_close: true,
            exclusiveaddruse: false,
            header: 0,
            high_msgq_watermark: 8192,
            low_msgq_watermark: 4096,
            high_watermark: 8192,
            // What OTP 25 reports (docs/otp-answers.md, Q1).
            low_watermark: match backend {
                InetBackend::Inet => 4096,
                InetBackend::Socket => 1,
            },
            mode: Mode::List,
            packet: PacketType::Raw,
            packet_size: match backend {
                InetBackend::Inet => 0,
                InetBackend::Socket => PACKET_SIZE_MAX,
            },
            line_delimiter: b'\n',
            send_timeout: None,
            send_timeout_close: false,
            show_econnreset: false,
        }
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

    /// Checks a value as OTP's `backend` does, without applying it
    /// (docs/otp-answers.md, Q2).
    pub fn validate(opt: &Opt, backend: InetBackend) -> Result<()> {
        match (opt, backend) {
            (Opt::Active(Active::N(n)), _) if !(-32768..=32767).contains(n) => Err(Error::Einval),
            (Opt::HighMsgqWatermark(0) | Opt::LowMsgqWatermark(0), InetBackend::Inet) => {
                Err(Error::Einval)
            }
            (Opt::Buffer(0), InetBackend::Socket) => Err(Error::Einval),
            _ => Ok(()),
        }
    }

    /// Applies a gen_tcp-level option. Returns `Ok(false)` for options this
    /// struct does not hold (kernel or create-only ones). The `active`
    /// arithmetic is the caller's, through [`Active::set`].
    pub fn apply(&mut self, opt: &Opt) -> Result<bool> {
        Self::validate(opt, self.backend)?;
        match opt {
            Opt::Active(a) => self.active = *a,
            // inet_drv keeps at least one byte of buffer (`{buffer, 0}` reads back 1).
            Opt::Buffer(n) => self.buffer = (*n).max(1),
            Opt::Debug(b) => self.debug = *b,
            Opt::DelaySend(b) => self.delay_send = *b,
            Opt::Deliver(d) => self.deliver = *d,
            Opt::ExitOnClose(b) => self.exit_on_close = *b,
            Opt::Exclusiveaddruse(b) => self.exclusiveaddruse = *b,
            Opt::Header(n) => self.header = *n,
            Opt::HighMsgqWatermark(n) => {
                self.high_msgq_watermark = *n;
                self.low_msgq_watermark = self.low_msgq_watermark.min(*n);
            }
            Opt::LowMsgqWatermark(n) => {
                self.low_msgq_watermark = *n;
                self.high_msgq_watermark = self.high_msgq_watermark.max(*n);
            }
            // As inet_drv: raising low above high raises high, and the reverse.
            Opt::HighWatermark(n) => {
                self.high_watermark = *n;
                self.low_watermark = self.low_watermark.min(*n);
            }
            Opt::LowWatermark(n) => {
                self.low_watermark = *n;
                self.high_watermark = self.high_watermark.max(*n);
            }
            Opt::Mode(m) => self.mode = *m,
            Opt::List => self.mode = Mode::List,
            Opt::Binary => self.mode = Mode::Binary,
            Opt::Packet(p) => self.packet = *p,
            Opt::PacketSize(n) => self.packet_size = *n,
            Opt::LineDelimiter(c) => self.line_delimiter = *c,
            Opt::SendTimeout(t) => self.send_timeout = *t,
            Opt::SendTimeoutClose(b) => self.send_timeout_close = *b,
            Opt::ShowEconnreset(b) => self.show_econnreset = *b,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// How `getopts` answers for `name` on `backend` where OTP does not
    /// report a value: `Err(einval)` for an option the backend rejects
    /// (`line_delimiter` on `inet`), `Ok(false)` for one it leaves out of
    /// the answer (the watermarks on `socket`), `Ok(true)` otherwise.
    pub fn reported_on(backend: InetBackend, name: &OptName) -> Result<bool> {
        match (backend, name) {
            (InetBackend::Inet, OptName::LineDelimiter) => Err(Error::Einval),
            (
                InetBackend::Socket,
                OptName::HighWatermark | OptName::HighMsgqWatermark | OptName::LowMsgqWatermark,
            ) => Ok(false),
            _ => Ok(true),
        }
    }

    /// Reads a gen_tcp-level option; `None` for kernel options.
    pub fn get(&self, name: &OptName) -> Option<Opt> {
        Some(match name {
            OptName::Active => Opt::Active(self.active),
            OptName::Buffer => Opt::Buffer(self.buffer),
            OptName::Debug => Opt::Debug(self.debug),
            OptName::DelaySend => Opt::DelaySend(self.delay_send),
            OptName::Deliver => Opt::Deliver(self.deliver),
            OptName::ExitOnClose => Opt::ExitOnClose(self.exit_on_close),
            OptName::Exclusiveaddruse => Opt::Exclusiveaddruse(self.exclusiveaddruse),
            OptName::Header => Opt::Header(self.header),
            OptName::HighMsgqWatermark => Opt::HighMsgqWatermark(self.high_msgq_watermark),
            OptName::LowMsgqWatermark => Opt::LowMsgqWatermark(self.low_msgq_watermark),
            OptName::HighWatermark => Opt::HighWatermark(self.high_watermark),
            OptName::LowWatermark => Opt::LowWatermark(self.low_watermark),
            OptName::Mode => Opt::Mode(self.mode),
            OptName::Packet => Opt::Packet(self.packet),
            OptName::PacketSize => Opt::PacketSize(self.packet_size),
            OptName::LineDelimiter => Opt::LineDelimiter(self.line_delimiter),
            OptName::SendTimeout => Opt::SendTimeout(self.send_timeout),
            OptName::SendTimeoutClose => Opt::SendTimeoutClose(self.send_timeout_close),
            OptName::ShowEconnreset => Opt::ShowEconnreset(self.show_econnreset),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watermarks_keep_low_at_most_high() {
        let mut o = SockOpts::defaults(InetBackend::Inet);
        o.apply(&Opt::LowWatermark(10_000)).unwrap();
        assert_eq!((o.low_watermark, o.high_watermark), (10_000, 10_000));
        o.apply(&Opt::HighWatermark(100)).unwrap();
        assert_eq!((o.low_watermark, o.high_watermark), (100, 100));
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
}
