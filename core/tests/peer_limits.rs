//! What a peer can make a receiver buffer and compute (issue 7): every
//! packet type bounds an unfinished packet by the limits OTP applies, and
//! decoding a stream costs work linear in its bytes however it is cut into
//! reads. Work is counted in bytes examined by the decoders
//! (`testkit::bytes_examined`), never timed.
//!
//! The limits, measured on OTP 25 (`erlang:decode_packet/3` and real
//! sockets of both backends, see `core/tests/otp/limits.escript`):
//! * `inet`: a packet of unknown length that fills the `buffer` is
//!   `emsgsize`, unless `packet_size` lets the buffer grow, up to it.
//! * `socket`: `packet_size` (64 MiB by default) for lines and HTTP lines;
//!   an ASN.1 header OTP would buffer without end, we stop at `packet_size`.

use gen_tcp_core::inbound::{unknown_limit, Inbound, MAX_UNFINISHED};
use gen_tcp_core::packet::testkit::bytes_examined;
use gen_tcp_core::{Data, Error, InetBackend, Mode, PacketType, SockOpts};

/// What feeding a stream gave.
#[derive(Debug)]
struct Run {
    packets: Vec<Data>,
    /// The error that stopped the stream, and how many bytes had been fed.
    error: Option<(Error, usize)>,
    /// The most bytes the receiver held while waiting for more.
    most_held: usize,
    /// Bytes the decoders examined.
    examined: u64,
}

/// Feeds `stream` in reads of `read` bytes as a backend does: `recv(S, 0)`
/// until it waits, and `want` before the next read. Stops at an error.
fn feed(opts: &SockOpts, stream: &[u8], read: usize) -> Run {
    let mut inbound = Inbound::new();
    let mut run = Run {
        packets: Vec::new(),
        error: None,
        most_held: 0,
        examined: 0,
    };
    let before = bytes_examined();
    let mut fed = 0;
    for piece in stream.chunks(read) {
        inbound.extend(piece);
        fed += piece.len();
        loop {
            match inbound.next_packet(opts, 0) {
                Ok(Some(p)) => run.packets.push(p),
                Ok(None) => break,
                Err(e) => {
                    run.error = Some((e, fed));
                    run.examined = bytes_examined() - before;
                    return run;
                }
            }
        }
        run.most_held = run.most_held.max(inbound.len());
        let _ = inbound.want(opts, 0);
    }
    run.examined = bytes_examined() - before;
    run
}

fn opts(backend: InetBackend, packet: PacketType) -> SockOpts {
    let mut o = SockOpts::defaults(backend);
    o.packet = packet;
    o.mode = Mode::Binary;
    o
}

/// `0x1f` (a long tag) then `len - 1` bytes `0x80`: a tag that never ends.
fn endless_asn1_tag(len: usize) -> Vec<u8> {
    let mut v = vec![0x80; len];
    v[0] = 0x1f;
    v
}

// ---- An endless ASN.1 tag: bounded, as OTP's inet driver bounds it ----

#[test]
fn inet_an_endless_asn1_tag_is_emsgsize_when_it_fills_the_buffer() {
    // OTP 25, inet defaults (buffer 1460): 1459 bytes wait, 1460 are emsgsize.
    let o = opts(InetBackend::Inet, PacketType::Asn1);
    let run = feed(&o, &endless_asn1_tag(10_000), 1);
    assert_eq!(run.error, Some((Error::Emsgsize, 1460)));
    assert_eq!(run.most_held, 1459);
}

#[test]
fn inet_an_endless_asn1_tag_may_grow_to_packet_size_and_no_further() {
    // OTP 25: {buffer, 1000}, {packet_size, 3000}: 2999 wait, 3000 fail.
    let mut o = opts(InetBackend::Inet, PacketType::Asn1);
    o.buffer = 1000;
    o.packet_size = 3000;
    for read in [1, 7, 4096] {
        let run = feed(&o, &endless_asn1_tag(10_000), read);
        let (e, fed) = run.error.expect("an error");
        assert_eq!(e, Error::Emsgsize);
        assert!(run.most_held < 3000, "{read}: {}", run.most_held);
        assert!(fed >= 3000, "{read}: {fed}");
    }
    // ... and a long tag that does end within the limit is a packet.
    let mut tlv = endless_asn1_tag(2500);
    tlv.extend_from_slice(&[0x01, 0x02, b'h', b'i']);
    let run = feed(&o, &tlv, 1);
    assert_eq!(run.error, None);
    assert_eq!(run.packets, vec![Data::Binary(tlv.into())]);
}

#[test]
fn socket_an_endless_asn1_tag_is_emsgsize_at_packet_size() {
    // OTP 25's socket backend buffers it without end, whatever packet_size.
    let mut o = opts(InetBackend::Socket, PacketType::Asn1);
    o.packet_size = 1000;
    let run = feed(&o, &endless_asn1_tag(10_000), 1);
    assert_eq!(run.error, Some((Error::Emsgsize, 1000)));
    assert_eq!(run.most_held, 999);
}

#[test]
fn an_endless_asn1_tag_costs_linear_work() {
    // Socket defaults: the limit is packet_size, 64 MiB: far away.
    let o = opts(InetBackend::Socket, PacketType::Asn1);
    let n = 20_000;
    let run = feed(&o, &endless_asn1_tag(n), 1);
    assert_eq!(run.error, None);
    assert_eq!(run.most_held, n);
    assert!(
        run.examined <= 4 * n as u64,
        "{} bytes examined",
        run.examined
    );
}

// ---- Endless lines ----

#[test]
fn inet_a_long_line_with_a_large_buffer_costs_linear_work() {
    let mut o = opts(InetBackend::Inet, PacketType::Line);
    o.buffer = 1 << 20;
    let n = 20_000;
    let mut line = vec![b'a'; n];
    line.push(b'\n');
    let run = feed(&o, &line, 1);
    assert_eq!(run.packets, vec![Data::Binary(line.clone().into())]);
    assert!(
        run.examined <= 4 * n as u64,
        "{} bytes examined",
        run.examined
    );
}

#[test]
fn inet_an_endless_line_comes_in_buffer_sized_pieces() {
    // OTP 25, inet: {packet, line} without a newline delivers `buffer`
    // bytes at a time; with a smaller packet_size it is emsgsize.
    let mut o = opts(InetBackend::Inet, PacketType::Line);
    o.buffer = 1000;
    let run = feed(&o, &[b'a'; 2500], 100);
    assert_eq!(run.packets.len(), 2);
    assert!(run.packets.iter().all(|p| p.len() == 1000));
    assert_eq!(run.error, None);
    o.packet_size = 16;
    let run = feed(&o, &[b'a'; 2500], 100);
    assert_eq!(run.error, Some((Error::Emsgsize, 100)));
}

#[test]
fn socket_a_line_longer_than_buffer_comes_whole() {
    // OTP 25's socket backend cuts lines at packet_size, not at buffer.
    let o = opts(InetBackend::Socket, PacketType::Line);
    let mut line = vec![b'a'; 3 * o.buffer as usize];
    line.push(b'\n');
    let run = feed(&o, &line, 1000);
    assert_eq!(run.packets, vec![Data::Binary(line.into())]);
}

#[test]
fn socket_a_line_longer_than_packet_size_is_emsgsize() {
    let mut o = opts(InetBackend::Socket, PacketType::Line);
    o.packet_size = 3000;
    let run = feed(&o, &[b'a'; 10_000], 1);
    assert_eq!(run.error, Some((Error::Emsgsize, 3000)));
    assert_eq!(run.most_held, 2999);
    // Exactly packet_size, newline included, is a line.
    let mut line = vec![b'a'; 2999];
    line.push(b'\n');
    assert_eq!(feed(&o, &line, 1).packets.len(), 1);
}

#[test]
fn socket_an_endless_line_costs_linear_work() {
    let o = opts(InetBackend::Socket, PacketType::Line);
    let n = 20_000;
    let run = feed(&o, &vec![b'a'; n], 1);
    assert_eq!(run.error, None);
    assert!(
        run.examined <= 4 * n as u64,
        "{} bytes examined",
        run.examined
    );
}

#[test]
fn socket_an_endless_line_without_packet_size_stops_at_64_mib() {
    let mut o = opts(InetBackend::Socket, PacketType::Line);
    o.packet_size = 0;
    assert_eq!(unknown_limit(&o), MAX_UNFINISHED);
    let mut inbound = Inbound::new();
    inbound.extend(&vec![b'a'; MAX_UNFINISHED - 1]);
    assert_eq!(inbound.next_packet(&o, 0), Ok(None));
    inbound.extend(b"a");
    assert_eq!(inbound.next_packet(&o, 0), Err(Error::Emsgsize));
}

// ---- Endless HTTP lines ----

#[test]
fn socket_an_endless_http_line_costs_linear_work() {
    let o = opts(InetBackend::Socket, PacketType::HttpBin);
    let n = 20_000;
    let mut stream = b"GET /".to_vec();
    stream.resize(n, b'a');
    let run = feed(&o, &stream, 1);
    assert_eq!(run.error, None);
    assert!(
        run.examined <= 4 * n as u64,
        "{} bytes examined",
        run.examined
    );
}

#[test]
fn an_endless_continued_header_costs_linear_work() {
    // Each `\r\n ` continues the header: the search must not restart.
    let o = opts(InetBackend::Socket, PacketType::HttphBin);
    let mut stream = b"X-Long: a".to_vec();
    while stream.len() < 20_000 {
        stream.extend_from_slice(b"\r\n a");
    }
    let run = feed(&o, &stream, 1);
    assert_eq!(run.error, None);
    let n = stream.len() as u64;
    assert!(run.examined <= 4 * n, "{} bytes examined", run.examined);
}

#[test]
fn inet_an_http_line_that_fills_the_buffer_is_emsgsize() {
    // OTP 25, inet, {buffer, 1000}: 999 bytes wait, 1000 are emsgsize;
    // with {packet_size, 3000} the limit is 3000.
    let mut o = opts(InetBackend::Inet, PacketType::HttpBin);
    o.buffer = 1000;
    let mut stream = b"GET /".to_vec();
    stream.resize(5000, b'a');
    assert_eq!(feed(&o, &stream, 1).error, Some((Error::Emsgsize, 1000)));
    o.packet_size = 3000;
    assert_eq!(feed(&o, &stream, 1).error, Some((Error::Emsgsize, 3000)));
}

#[test]
fn inet_a_header_line_that_exactly_fills_the_buffer_is_emsgsize() {
    // inet_drv cannot read the byte that tells whether the header goes on.
    let mut o = opts(InetBackend::Inet, PacketType::HttphBin);
    o.buffer = 32;
    let mut header = b"X-A: ".to_vec();
    header.resize(30, b'v');
    header.extend_from_slice(b"\r\n\r\n");
    // Fed byte by byte, the error comes with the 32nd byte; fed at once,
    // with the 34th, but it is the same answer on the same 32 bytes.
    assert_eq!(feed(&o, &header, 1).error, Some((Error::Emsgsize, 32)));
    assert_eq!(feed(&o, &header, 64).error, Some((Error::Emsgsize, 34)));
}

// ---- Known lengths ----

#[test]
fn a_header_announcing_more_than_64_mib_without_packet_size_is_emsgsize_at_once() {
    let mut o = opts(InetBackend::Inet, PacketType::Four);
    o.packet_size = 0;
    let over = (MAX_UNFINISHED as u32 - 3).to_be_bytes();
    let run = feed(&o, &over, 4);
    assert_eq!(run.error, Some((Error::Emsgsize, 4)));
    let within = (MAX_UNFINISHED as u32 - 4).to_be_bytes();
    assert_eq!(feed(&o, &within, 4).error, None);
}

#[test]
fn a_long_asn1_tag_before_a_large_body_is_scanned_once() {
    // The header is long (but within the limit), the body comes in many
    // reads: the tag must not be read again for each of them.
    let o = opts(InetBackend::Socket, PacketType::Asn1);
    let mut tlv = endless_asn1_tag(50_000);
    tlv.extend_from_slice(&[0x01, 0x83, 0x01, 0x00, 0x00]);
    tlv.resize(tlv.len() + 0x01_0000, b'x');
    let run = feed(&o, &tlv, 64);
    assert_eq!(run.packets, vec![Data::Binary(tlv.clone().into())]);
    let n = tlv.len() as u64;
    assert!(run.examined <= 4 * n, "{} bytes examined", run.examined);
}
