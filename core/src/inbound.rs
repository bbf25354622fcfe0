//! The receive side both backends share: bytes read from the kernel wait
//! here until they make a packet, which is then shaped by `mode` and
//! `header` into [`Data`].
//!
//! # What a peer can make us hold
//! A packet still unfinished holds at most:
//! * a packet whose length is not known yet (a line or an HTTP line
//!   without its end, an ASN.1 header not finished): [`unknown_limit`]
//!   bytes, past which it is `emsgsize`. With the `inet` backend that is
//!   `max(buffer, packet_size)`, as `inet_drv`: its buffer grows to
//!   `packet_size` for such a packet and no further. With the `socket`
//!   backend it is `packet_size` (but never less than the 12 bytes of the
//!   longest fixed header): OTP's `gen_tcp_socket` sets no limit there, so
//!   an endless ASN.1 tag would grow without end.
//! * a packet whose header announced its length: that length, refused at
//!   once above `packet_size` (by the decoders).
//! * when `packet_size` is 0 (no limit asked), [`MAX_UNFINISHED`] in both
//!   cases.
//!
//! The decision on a packet of unknown length is taken on its first
//! [`unknown_limit`] bytes at most, as `inet_drv` does with its buffer, so
//! the answer does not depend on how the bytes were cut into reads. The
//! decoder resumes where it stopped ([`packet::Resume`]), so a packet
//! arriving over any number of reads costs work linear in its bytes.

use crate::backend::InetBackend;
use crate::data::Data;
use crate::descriptor::{Block, Descriptor};
use crate::error::{Error, Result};
use crate::options::{Mode, SockOpts};
use crate::packet::{self, DecodeError, Decoded, FrameConfig, HttpPacket, PacketType, Resume};
use crate::stats::Tally;
use bytes::{Bytes, BytesMut};
use std::cell::Cell;

/// The smallest read a backend makes: reading less than this per syscall
/// costs more in calls than it saves in memory.
pub const MIN_READ: usize = crate::descriptor::SCRATCH;

/// The largest read a backend makes at once (and so the most buffer it
/// reserves ahead of the bytes that arrived).
pub const MAX_READ: usize = 1024 * 1024;

/// The most bytes a framed socket buffers for one unfinished packet when
/// `packet_size` is 0 (no limit asked): a header announcing more, or a
/// packet of unknown length growing past it, is `emsgsize`, so a peer that
/// never finishes a packet cannot make us buffer without bound. 64 MiB,
/// the `packet_size` OTP's `socket` backend reports by default.
pub const MAX_UNFINISHED: usize = crate::options::PACKET_SIZE_MAX as usize;

/// The longest header of a packet type with a fixed header (`cdr`'s 12
/// bytes).
const LONGEST_FIXED_HEADER: usize = 12;

/// The most bytes a packet of still unknown length may hold under `opts`
/// before it is `emsgsize` (see the module docs).
///
/// # Example
/// ```
/// use gen_tcp_core::inbound::{unknown_limit, MAX_UNFINISHED};
/// use gen_tcp_core::{InetBackend, SockOpts};
///
/// let mut inet = SockOpts::defaults(InetBackend::Inet);
/// assert_eq!(unknown_limit(&inet), 1460); // the `buffer`, as inet_drv
/// inet.packet_size = 3000;
/// assert_eq!(unknown_limit(&inet), 3000); // the buffer grows to packet_size
/// let socket = SockOpts::defaults(InetBackend::Socket);
/// assert_eq!(unknown_limit(&socket), MAX_UNFINISHED); // packet_size, 64 MiB
/// ```
pub fn unknown_limit(opts: &SockOpts) -> usize {
    let packet_size = opts.packet_size as usize;
    let own = match opts.backend {
        InetBackend::Inet => (opts.buffer as usize).max(packet_size),
        // Never below a fixed header: OTP's socket backend takes a `cdr`
        // message with `packet_size` 1 if its body fits.
        InetBackend::Socket if packet_size != 0 => packet_size.max(LONGEST_FIXED_HEADER),
        InetBackend::Socket => 0,
    };
    match (own, packet_size) {
        (0, _) => MAX_UNFINISHED,
        (own, 0) => own.min(MAX_UNFINISHED),
        (own, _) => own,
    }
}

/// Bytes received and not yet delivered, with the HTTP sub-state.
#[derive(Debug, Default)]
pub struct Inbound {
    buf: BytesMut,
    /// The HTTP sub-state: a start line was read and the headers follow
    /// (OTP decodes `http` as `httph` then, until `http_eoh`). As
    /// `inet_drv`'s `http_state`, it outlives a change of `packet`; the
    /// `socket` backend restarts it ([`Inbound::http_restart`]).
    in_headers: bool,
    /// Where the decoder stopped in the unfinished packet at the front of
    /// `buf`. Reset whenever bytes leave the front.
    resume: Cell<Resume>,
    /// The rest of a packet `Read` handed out in part: the next packet,
    /// whoever takes it (`recv`, `Read` again, active delivery), so that
    /// the stream stays in order.
    rest: Bytes,
    /// What was delivered: every packet, by its bytes on the wire.
    delivered: Tally,
    /// Bytes at the front that OTP's `socket` backend would hold in its
    /// own buffer after a raw `recv(S, N)` timed out ([`Inbound::hold`]);
    /// the bytes after them it would still have left in the kernel.
    held: usize,
}

impl Inbound {
    /// An empty buffer.
    pub fn new() -> Inbound {
        Inbound::default()
    }

    /// Drops every byte waiting and the HTTP sub-state, as a new buffer;
    /// the tally of what was delivered stays.
    pub fn clear(&mut self) {
        *self = Inbound {
            delivered: self.delivered,
            ..Inbound::default()
        };
    }

    /// What was delivered so far: each packet by its bytes on the wire
    /// (header included; the rest of a packet `Read` gave in part counts
    /// with its packet), as `inet_drv` counts `recv_oct`/`recv_cnt`.
    pub fn delivered(&self) -> &Tally {
        &self.delivered
    }

    /// Counts `n` bytes handed out without passing through this buffer
    /// (a `Read` the kernel copied straight into the caller's buffer).
    pub fn count_direct(&mut self, n: usize) {
        self.delivered.add(n);
    }

    /// Bytes waiting.
    pub fn len(&self) -> usize {
        self.rest.len() + self.buf.len()
    }

    /// True when no byte waits.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty() && self.buf.is_empty()
    }

    /// Keeps the rest of a packet that `Read` handed out in part: it is
    /// the next packet delivered.
    pub fn keep_rest(&mut self, rest: Bytes) {
        if self.rest.is_empty() {
            self.rest = rest;
        } else {
            // (Never: a packet is only read in part once the rest is gone.)
            let mut both = BytesMut::from(&self.rest[..]);
            both.extend_from_slice(&rest);
            self.rest = both.freeze();
        }
    }

    /// Up to `max` bytes of the rest of a packet read in part, if any.
    pub fn take_rest(&mut self, max: usize) -> Option<Bytes> {
        if self.rest.is_empty() {
            return None;
        }
        let n = max.min(self.rest.len());
        Some(self.rest.split_to(n))
    }

    /// The `packet` option changed: the decoder starts over on the bytes
    /// at the front. The HTTP sub-state stays, as in `inet_drv` (after a
    /// status line, `setopts([{packet, raw}])` then `{packet, http}` still
    /// reads headers).
    pub fn packet_changed(&mut self) {
        self.resume.take();
    }

    /// Restarts the HTTP sub-state at a start line, as OTP's `socket`
    /// backend does on every `setopts` that sets `packet` (even to the
    /// same type).
    pub fn http_restart(&mut self) {
        self.in_headers = false;
        self.resume.take();
    }

    /// Appends bytes (for a backend that read them elsewhere).
    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes)
    }

    /// Reads once from `fd` without waiting, up to `want` bytes (at least
    /// [`MIN_READ`]). `Ok(0)` is end of stream; `WouldBlock` passes through.
    ///
    /// A read of up to [`MIN_READ`] bytes lands in a per-thread scratch
    /// buffer and only the bytes received are copied here, so an idle
    /// socket keeps no spare capacity and a packet handed out as a
    /// binary pins only its own bytes. Larger reads (a big `recv(S, N)`
    /// or a long frame) go straight into this buffer.
    pub fn fill_from(&mut self, fd: &Descriptor, want: usize) -> std::io::Result<usize> {
        if want > MIN_READ || self.buf.capacity() - self.buf.len() >= MIN_READ {
            // Never reserve more than MAX_READ ahead of the bytes: a peer
            // announcing a large frame must send it to make us hold it.
            return self.fill_direct(fd, want.clamp(MIN_READ, MAX_READ));
        }
        fd.recv_scratch(Block::No, |got| {
            let got = got?;
            self.buf.extend_from_slice(got);
            Ok(got.len())
        })
    }

    /// Reads up to `want` bytes from `fd` straight into the spare capacity,
    /// which is not initialised: it is handed to the kernel as `MaybeUninit`
    /// and never seen as `&[u8]` before the kernel has written it.
    fn fill_direct(&mut self, fd: &Descriptor, want: usize) -> std::io::Result<usize> {
        self.buf.reserve(want);
        let spare = self.buf.spare_capacity_mut();
        let n = spare.len().min(want);
        let r = fd.recv_uninit(&mut spare[..n], Block::No)?;
        // SAFETY: `recv_uninit` initialised the first `r` spare bytes.
        unsafe { self.buf.set_len(self.buf.len() + r) };
        Ok(r)
    }

    /// Tops the buffer up for a raw `recv(S, 0)` before it is answered:
    /// OTP reads the kernel for it even when bytes are already buffered,
    /// and delivers both, up to `buffer` bytes. `None` when no read was
    /// needed (no bytes buffered, the buffer is full enough, a framed or
    /// fixed-length `recv`) or the kernel holds nothing: the read is made
    /// only for bytes the kernel has, so an end of stream behind them
    /// stays for the next read, after the buffered bytes are delivered.
    /// `Some` is the read's result, for the backend to count.
    pub fn top_up(
        &mut self,
        fd: &Descriptor,
        opts: &SockOpts,
        length: usize,
    ) -> Option<std::io::Result<usize>> {
        if !self.may_top_up(opts, length) {
            return None;
        }
        // (An error here is met again by the read that follows.)
        match fd.unread() {
            Ok(0) | Err(_) => None,
            Ok(n) => Some(self.fill_from(fd, n.min(raw_packet_max(opts) - self.len()))),
        }
    }

    /// True when [`Inbound::top_up`] may read the kernel for this `recv`:
    /// a backend serving a packet without taking the right to read must
    /// not serve this one.
    pub fn may_top_up(&self, opts: &SockOpts, length: usize) -> bool {
        let have = self.len();
        opts.packet == PacketType::Raw
            && length == 0
            && self.held == 0
            && have > 0
            && have < raw_packet_max(opts)
    }

    /// A raw `recv(S, N)` timed out on the `socket` backend: OTP's holds
    /// what it had read for it in its own buffer, and the next
    /// `recv(S, 0)` delivers exactly that, reading nothing (where after a
    /// `recv(S, N)` that succeeded it holds nothing and reads the kernel).
    /// We may have read more than it had; the bytes past these are
    /// delivered as from the kernel, after them.
    pub fn hold(&mut self) {
        self.held = self.len();
    }

    /// How many bytes the next read should ask for, to complete what
    /// `recv(S, length)` waits for.
    pub fn want(&self, opts: &SockOpts, length: usize) -> usize {
        if opts.packet == PacketType::Raw && length > 0 {
            return length.saturating_sub(self.buf.len());
        }
        match self.decide(&self.frame(opts), opts) {
            Decoded::More(Some(total)) => total.saturating_sub(self.buf.len()),
            _ => opts.buffer as usize,
        }
    }

    fn frame(&self, opts: &SockOpts) -> FrameConfig {
        let mut cfg = opts.frame_config();
        cfg.packet = match (cfg.packet, self.in_headers) {
            (PacketType::Http, true) => PacketType::Httph,
            (PacketType::HttpBin, true) => PacketType::HttphBin,
            (packet, _) => packet,
        };
        cfg
    }

    /// What the bytes at the front make under `cfg`: the decoder's answer,
    /// taken on the first [`unknown_limit`] bytes while the packet's length
    /// is unknown, and with the limits of the module docs as errors.
    /// Resumes the decoder where the previous call left it.
    #[inline(always)]
    fn decide(&self, cfg: &FrameConfig, opts: &SockOpts) -> Decoded {
        let limit = unknown_limit(opts);
        let all = &self.buf[..];
        let view = &all[..all.len().min(limit)];
        let mut resume = self.resume.get();
        // Changed in place where it must be: a packet's answer is large, and
        // moving it costs the short packets more than deciding them.
        let mut decoded = packet::decode_resuming(cfg, view, &mut resume);
        if let Decoded::More(known) = decoded {
            match known {
                None if view.len() >= limit => {
                    decoded = Decoded::Error(DecodeError::TooLarge);
                }
                Some(total) if opts.packet_size == 0 && total > MAX_UNFINISHED => {
                    decoded = Decoded::Error(DecodeError::TooLarge);
                }
                // Known to be whole in the bytes past the view: take it from
                // all of them (the hint is for a prefix, so it still holds).
                Some(total) if total <= all.len() && view.len() < all.len() => {
                    decoded = packet::decode_resuming(cfg, all, &mut resume);
                }
                _ => {}
            }
        }
        self.resume.set(resume);
        decoded
    }

    /// Drops `n` bytes from the front; the decoder starts over after them.
    fn consume(&mut self, n: usize) -> BytesMut {
        self.resume.take();
        self.held = self.held.saturating_sub(n);
        self.buf.split_to(n)
    }

    /// The next packet for `recv(S, length)` (`length` counts only in raw
    /// mode), or `None` if more bytes are needed. A packet over
    /// `packet_size` or malformed is `emsgsize`, as `inet_drv` reports it.
    pub fn next_packet(&mut self, opts: &SockOpts, length: usize) -> Result<Option<Data>> {
        if !self.rest.is_empty() {
            if opts.packet != PacketType::Raw {
                let rest = std::mem::take(&mut self.rest);
                return Ok(Some(match opts.mode {
                    Mode::Binary => Data::Binary(rest),
                    Mode::List => Data::List(rest.to_vec()),
                }));
            }
            // Raw now: the rest is the front of the stream.
            let mut front = BytesMut::with_capacity(self.rest.len() + self.buf.len());
            front.extend_from_slice(&std::mem::take(&mut self.rest));
            front.extend_from_slice(&self.buf);
            self.buf = front;
            self.resume.take();
        }
        if opts.packet == PacketType::Raw {
            if self.buf.is_empty() || self.buf.len() < length {
                return Ok(None);
            }
            // `recv(S, 0)` and active delivery take at most `buffer`
            // bytes, as one read into OTP's buffer gives (both backends).
            let n = match length {
                0 if self.held > 0 => self.buf.len().min(self.held),
                0 => self.buf.len().min(raw_packet_max(opts)),
                _ => length,
            };
            let body = self.consume(n).freeze();
            self.delivered.add(n);
            return Ok(Some(shape(body, opts)));
        }
        let cfg = self.frame(opts);
        match self.decide(&cfg, opts) {
            Decoded::Packet { consumed, body } => {
                self.delivered.add(consumed);
                let mut whole = self.consume(consumed).freeze();
                let body = whole.split_off(body.start).slice(..body.end - body.start);
                Ok(Some(shape(body, opts)))
            }
            Decoded::Http { consumed, packet } => {
                // Drop the packet's bytes in place: no shared handle to count.
                self.resume.take();
                self.held = self.held.saturating_sub(consumed);
                self.delivered.add(consumed);
                bytes::Buf::advance(&mut self.buf, consumed);
                self.in_headers = match packet {
                    HttpPacket::Request { .. } | HttpPacket::Response { .. } => true,
                    HttpPacket::Eoh => false,
                    _ => self.in_headers,
                };
                Ok(Some(Data::Http(packet)))
            }
            Decoded::More(_) => Ok(None),
            Decoded::Error(_) => Err(Error::Emsgsize),
        }
    }

    /// Drops up to `max` bytes from the front, undelivered (what
    /// `inet_drv` throws away with its buffer after `emsgsize` on a socket
    /// that stays open).
    pub fn discard(&mut self, max: usize) {
        let rest = self.take_rest(max).map_or(0, |r| r.len());
        let n = (max - rest).min(self.buf.len());
        self.consume(n);
    }

    /// Takes up to `max` raw bytes (for `Read` in raw mode).
    pub fn take(&mut self, max: usize) -> Bytes {
        if let Some(rest) = self.take_rest(max) {
            return rest;
        }
        let n = max.min(self.buf.len());
        if n > 0 {
            self.delivered.add(n);
        }
        self.consume(n).freeze()
    }

    /// Takes every byte waiting, the rest of a packet `Read` gave in part
    /// first, for a socket that gives its descriptor away
    /// (`into_std_parts`). Copies only when both have bytes.
    ///
    /// ```
    /// let mut inbound = gen_tcp_core::inbound::Inbound::new();
    /// inbound.extend(b"abcdef");
    /// let front = inbound.take(2);
    /// inbound.keep_rest(bytes::Bytes::from_static(b"xy"));
    /// assert_eq!(front, &b"ab"[..]);
    /// assert_eq!(inbound.take_all(), &b"xycdef"[..]);
    /// assert!(inbound.is_empty());
    /// ```
    pub fn take_all(&mut self) -> Bytes {
        let rest = std::mem::take(&mut self.rest);
        let n = self.buf.len();
        let buf = self.consume(n).freeze();
        if rest.is_empty() {
            return buf;
        }
        if buf.is_empty() {
            return rest;
        }
        let mut both = BytesMut::with_capacity(rest.len() + buf.len());
        both.extend_from_slice(&rest);
        both.extend_from_slice(&buf);
        both.freeze()
    }
}

/// The most bytes one raw packet (`recv(S, 0)`, an active message) holds:
/// `buffer`, as both OTP backends read at most that much for one.
fn raw_packet_max(opts: &SockOpts) -> usize {
    (opts.buffer as usize).max(1)
}

/// Shapes a packet's bytes by `mode` and `header`.
///
/// With `{header, N}` in binary mode, a packet too short to have a binary
/// part is a plain list, as OTP gives it: shorter than N bytes on `inet`
/// (`inet_drv`), N bytes or fewer on `socket` (`gen_tcp_socket`, whose
/// answer to fewer than N is a crash of its own; it gets the list too).
pub fn shape(body: Bytes, opts: &SockOpts) -> Data {
    let header = opts.header as usize;
    let short = match opts.backend {
        InetBackend::Inet => body.len() < header,
        InetBackend::Socket => body.len() <= header,
    };
    match opts.mode {
        Mode::Binary if header == 0 => Data::Binary(body),
        Mode::Binary if short => Data::List(body.to_vec()),
        Mode::Binary => Data::Headed(body[..header].to_vec(), body.slice(header..)),
        Mode::List => Data::List(body.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::InetBackend;

    fn opts(packet: PacketType, mode: Mode) -> SockOpts {
        let mut o = SockOpts::defaults(InetBackend::Socket);
        o.packet = packet;
        o.mode = mode;
        o
    }

    #[test]
    fn raw_length_waits_for_exactly_that_many() {
        let o = opts(PacketType::Raw, Mode::Binary);
        let mut i = Inbound::new();
        i.extend(b"abc");
        assert_eq!(i.next_packet(&o, 5).unwrap(), None);
        assert_eq!(i.want(&o, 5), 2);
        i.extend(b"defg");
        assert_eq!(
            i.next_packet(&o, 5).unwrap(),
            Some(Data::Binary("abcde".into()))
        );
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Binary("fg".into()))
        );
        assert_eq!(i.next_packet(&o, 0).unwrap(), None);
    }

    #[test]
    fn a_raw_packet_holds_at_most_buffer_bytes() {
        let mut o = opts(PacketType::Raw, Mode::Binary);
        o.buffer = 3;
        let mut i = Inbound::new();
        i.extend(b"abcdefg");
        let mut got = vec![];
        while let Some(p) = i.next_packet(&o, 0).unwrap() {
            got.push(p);
        }
        let want: Vec<Data> = ["abc", "def", "g"].map(|s| Data::Binary(s.into())).into();
        assert_eq!(got, want);
        // A length asked for is not cut.
        i.extend(b"hijklm");
        assert_eq!(
            i.next_packet(&o, 5).unwrap(),
            Some(Data::Binary("hijkl".into()))
        );
    }

    #[test]
    fn top_up_reads_the_kernel_but_leaves_the_end_of_stream() {
        let mut o = opts(PacketType::Raw, Mode::Binary);
        o.buffer = 6;
        let (a, b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let c = crate::CreateOpts::parse(&[crate::Opt::Local]).unwrap();
        let fd = Descriptor::connected(a, &c, &[]);
        let mut i = Inbound::new();
        // Nothing buffered: no top-up (the recv reads as usual).
        assert!(i.top_up(&fd, &o, 0).is_none());
        i.extend(b"ab");
        // The kernel holds nothing: no read.
        assert!(i.top_up(&fd, &o, 0).is_none());
        std::io::Write::write_all(&mut &b, b"cdefgh").unwrap();
        b.shutdown(std::net::Shutdown::Write).unwrap();
        // Not for a length or a framed packet.
        assert!(i.top_up(&fd, &o, 2).is_none());
        assert!(i.top_up(&fd, &opts(PacketType::Line, Mode::Binary), 0).is_none());
        assert_eq!(i.top_up(&fd, &o, 0).unwrap().unwrap(), 6);
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Binary("abcdef".into()))
        );
        // Buffered bytes behind the end of stream: no read, the end of
        // stream stays in the kernel for the read after them.
        assert!(i.top_up(&fd, &o, 0).is_none());
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Binary("gh".into()))
        );
        assert_eq!(i.fill_from(&fd, 10).unwrap(), 0);
    }

    #[test]
    fn held_bytes_are_delivered_alone_and_without_a_read() {
        let o = opts(PacketType::Raw, Mode::Binary);
        let mut i = Inbound::new();
        i.extend(b"abc");
        // A recv(S, 5) timed out with three bytes: held.
        assert_eq!(i.next_packet(&o, 5).unwrap(), None);
        i.hold();
        i.extend(b"defg"); // read ahead: as if still in the kernel
        assert!(!i.may_top_up(&o, 0));
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Binary("abc".into()))
        );
        assert!(i.may_top_up(&o, 0));
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Binary("defg".into()))
        );
    }

    #[test]
    fn discard_drops_from_the_front_uncounted() {
        let o = opts(PacketType::Raw, Mode::Binary);
        let mut i = Inbound::new();
        i.extend(b"abcdefgh");
        let front = i.take(2);
        i.keep_rest(Bytes::from_static(b"xy"));
        assert_eq!(front, &b"ab"[..]);
        i.discard(3); // "xy" and "c"
        assert_eq!(i.delivered().oct, 2);
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Binary("defgh".into()))
        );
        i.discard(10);
        assert!(i.is_empty());
    }

    #[test]
    fn delivered_counts_packets_on_the_wire_not_reads() {
        let mut o = opts(PacketType::Two, Mode::Binary);
        let mut i = Inbound::new();
        i.extend(&[0, 2, b'a', b'b', 0, 3, b'c', b'd', b'e', 0, 5, b'x']);
        assert_eq!(*i.delivered(), Tally::default());
        i.next_packet(&o, 0).unwrap().unwrap();
        i.next_packet(&o, 0).unwrap().unwrap();
        assert_eq!(i.next_packet(&o, 0).unwrap(), None);
        let t = Tally { oct: 9, cnt: 2, max: 5 };
        assert_eq!(*i.delivered(), t);
        // A packet over packet_size is not counted.
        o.packet_size = 4;
        assert_eq!(i.next_packet(&o, 0), Err(Error::Emsgsize));
        assert_eq!(*i.delivered(), t);
        // Raw bytes count as they are taken; a clear keeps the tally.
        o.packet = PacketType::Raw;
        i.next_packet(&o, 0).unwrap().unwrap();
        i.extend(b"zz");
        i.clear();
        assert!(i.is_empty());
        assert_eq!(*i.delivered(), Tally { oct: 12, cnt: 3, max: 5 });
    }

    #[test]
    fn packet_2_strips_the_header_and_splits_frames() {
        let o = opts(PacketType::Two, Mode::List);
        let mut i = Inbound::new();
        i.extend(&[0, 3, b'a', b'b']);
        assert_eq!(i.next_packet(&o, 0).unwrap(), None);
        i.extend(&[b'c', 0, 1, b'z']);
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::List(b"abc".to_vec()))
        );
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::List(b"z".to_vec()))
        );
    }

    #[test]
    fn oversize_frame_is_emsgsize() {
        let mut o = opts(PacketType::Two, Mode::Binary);
        o.packet_size = 10;
        let mut i = Inbound::new();
        i.extend(&[0, 11]);
        assert_eq!(i.next_packet(&o, 0), Err(Error::Emsgsize));
    }

    #[test]
    fn an_endless_unframed_packet_is_emsgsize_not_unbounded() {
        let o = opts(PacketType::Http, Mode::Binary);
        let mut i = Inbound::new();
        i.extend(b"GET /");
        i.extend(&vec![b'a'; MAX_UNFINISHED]);
        assert_eq!(i.next_packet(&o, 0), Err(Error::Emsgsize));
    }

    #[test]
    fn a_large_announced_frame_is_not_reserved_before_it_arrives() {
        let mut o = opts(PacketType::Four, Mode::Binary);
        o.packet_size = 0;
        let (a, b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let c = crate::CreateOpts::parse(&[crate::Opt::Local]).unwrap();
        let fd = Descriptor::connected(a, &c, &[]);
        let header = (60u32 << 20).to_be_bytes();
        std::io::Write::write_all(&mut &b, &header).unwrap();
        let mut i = Inbound::new();
        assert_eq!(i.fill_from(&fd, i.want(&o, 0)).unwrap(), 4);
        assert_eq!(i.want(&o, 0), 60 << 20);
        // The body has not come: the read finds nothing, and what it
        // reserved for it stays within one MAX_READ.
        let r = i.fill_from(&fd, i.want(&o, 0));
        assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
        assert!(i.buf.capacity() <= 2 * MAX_READ, "{}", i.buf.capacity());
    }

    #[test]
    fn a_large_read_lands_in_the_spare_capacity_whole() {
        // A read of more than MIN_READ goes to the uninitialised spare
        // capacity; what arrives is what was sent.
        let (a, b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let c = crate::CreateOpts::parse(&[crate::Opt::Local]).unwrap();
        let fd = Descriptor::connected(a, &c, &[]);
        let sent: Vec<u8> = (0..60_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::io::Write::write_all(&mut &b, &sent).unwrap();
        let mut i = Inbound::new();
        i.extend(b"head");
        let mut got = 0;
        while got < sent.len() {
            got += i.fill_from(&fd, 4 * MIN_READ).unwrap();
        }
        assert_eq!(got, sent.len());
        assert_eq!(&i.buf[..4], b"head");
        assert_eq!(&i.buf[4..], &sent[..]);
    }

    #[test]
    fn header_longer_than_the_packet_gives_a_list() {
        for (backend, exact) in [
            (InetBackend::Inet, Data::Headed(b"ij".to_vec(), Bytes::new())),
            (InetBackend::Socket, Data::List(b"ij".to_vec())),
        ] {
            let mut o = SockOpts::defaults(backend);
            o.mode = Mode::Binary;
            o.header = 2;
            assert_eq!(shape(Bytes::from_static(b"ij"), &o), exact, "{backend:?}");
            assert_eq!(
                shape(Bytes::from_static(b"h"), &o),
                Data::List(b"h".to_vec()),
                "{backend:?}"
            );
            assert_eq!(
                shape(Bytes::from_static(b"ijk"), &o),
                Data::Headed(b"ij".to_vec(), Bytes::from_static(b"k")),
                "{backend:?}"
            );
        }
    }

    #[test]
    fn header_splits_binary_mode() {
        let mut o = opts(PacketType::Raw, Mode::Binary);
        o.header = 2;
        let mut i = Inbound::new();
        i.extend(b"abcd");
        assert_eq!(
            i.next_packet(&o, 0).unwrap(),
            Some(Data::Headed(b"ab".to_vec(), "cd".into()))
        );
    }
}
