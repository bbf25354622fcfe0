//! A `recv` timeout is a deadline, whatever arrives: a peer that keeps
//! the socket readable with a packet it never finishes does not keep
//! `recv` past it, and the bytes that came are kept for the next call.
//!
//! The outcome is asserted, not elapsed time: `recv` must answer
//! `timeout` while the peer is still sending (it streams the packet but
//! its last byte, flat out, until told to stop; a generous watchdog ends
//! it otherwise), and the packet must arrive whole once the peer
//! finishes it.

use gen_tcp::{Active, Error, InetBackend, Opt, PacketType};
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long the peer streams at most if nobody stops it.
const WATCHDOG: Duration = Duration::from_secs(20);
/// The packet: large enough that streaming it takes far longer than
/// [`SHORT`], within the 64 MiB a packet may have.
const LEN: usize = 48 << 20;
/// Bytes per write of the peer: more than a read takes, so that the
/// socket stays readable.
const CHUNK: usize = 8 << 20;
const SHORT: Option<Duration> = Some(Duration::from_millis(5));
const WAIT: Option<Duration> = Some(Duration::from_secs(30));

fn byte(i: usize) -> u8 {
    (i % 251) as u8
}

/// The packet's bytes, made once.
fn packet() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| (0..251u8).cycle().take(LEN).collect())
}

/// A peer streaming the bytes of a `LEN`-byte packet (`head` first), all
/// but the last one.
struct Stream {
    stop: Arc<AtomicBool>,
    gave_up: Arc<AtomicBool>,
    thread: JoinHandle<(TcpStream, usize)>,
}

impl Stream {
    fn start(mut peer: TcpStream, head: Vec<u8>) -> Stream {
        packet();
        let stop = Arc::new(AtomicBool::new(false));
        let gave_up = Arc::new(AtomicBool::new(false));
        let (s, g) = (stop.clone(), gave_up.clone());
        peer.write_all(&head).unwrap();
        // Once nobody reads, the peer's writes block: it looks at `stop`
        // at least this often.
        peer.set_write_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        let thread = std::thread::spawn(move || {
            let end = Instant::now() + WATCHDOG;
            let mut sent = 0;
            while !s.load(Ordering::Acquire) {
                let n = CHUNK.min(LEN - 1 - sent);
                if n == 0 || Instant::now() >= end {
                    g.store(true, Ordering::Release);
                    break;
                }
                match peer.write(&packet()[sent..sent + n]) {
                    Ok(k) => sent += k,
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(e) => panic!("peer: {e}"),
                }
            }
            peer.set_write_timeout(None).unwrap();
            (peer, sent)
        });
        Stream {
            stop,
            gave_up,
            thread,
        }
    }

    /// Stops the peer: whether it was still sending (not stopped by its
    /// watchdog or for want of bytes), the peer, and the bytes it sent.
    fn stop(self) -> (bool, TcpStream, usize) {
        let still = !self.gave_up.load(Ordering::Acquire);
        self.stop.store(true, Ordering::Release);
        let (peer, sent) = self.thread.join().unwrap();
        (still, peer, sent)
    }
}

/// Sends the rest of the packet, from byte `sent` on.
fn finish(mut peer: TcpStream, sent: usize) -> JoinHandle<TcpStream> {
    std::thread::spawn(move || {
        peer.write_all(&packet()[sent..]).unwrap();
        peer
    })
}

/// The packet, checked byte by byte at every page (and its last byte).
fn check(b: InetBackend, got: &[u8]) {
    assert_eq!(got.len(), LEN, "{b:?}");
    let ok = (0..LEN)
        .step_by(4093)
        .chain([LEN - 1])
        .all(|i| got[i] == byte(i));
    assert!(ok, "{b:?}: the packet's bytes are not what was sent");
}

fn connected(b: InetBackend, extra: &[Opt]) -> (gen_tcp::Socket, TcpStream) {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let mut opts = vec![Opt::InetBackend(b), Opt::Binary, Opt::Active(Active::False)];
    opts.extend_from_slice(extra);
    let s = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, WAIT).unwrap();
    let (peer, _) = l.accept().unwrap();
    (s, peer)
}

#[test]
fn an_unfinished_frame_streaming_in_does_not_keep_recv_past_its_deadline() {
    for b in [InetBackend::Inet, InetBackend::Socket] {
        let (s, peer) = connected(b, &[Opt::Packet(PacketType::Four)]);
        let stream = Stream::start(peer, (LEN as u32).to_be_bytes().to_vec());
        let r = gen_tcp::recv(&s, 0, SHORT);
        let (still_sending, peer, sent) = stream.stop();
        assert_eq!(r, Err(Error::Timeout), "{b:?}");
        assert!(
            still_sending,
            "{b:?}: recv answered only once the peer stopped"
        );
        // What came during the timed-out recv was kept.
        let finish = finish(peer, sent);
        let got = gen_tcp::recv(&s, 0, WAIT).unwrap().into_bytes();
        finish.join().unwrap();
        check(b, &got);
    }
}

#[test]
fn a_raw_recv_of_n_bytes_streaming_in_does_not_overrun_its_deadline() {
    for b in [InetBackend::Inet, InetBackend::Socket] {
        let (s, peer) = connected(b, &[]);
        let stream = Stream::start(peer, Vec::new());
        let r = gen_tcp::recv(&s, LEN, SHORT);
        let (still_sending, peer, sent) = stream.stop();
        assert_eq!(r, Err(Error::Timeout), "{b:?}");
        assert!(
            still_sending,
            "{b:?}: recv answered only once the peer stopped"
        );
        let finish = finish(peer, sent);
        let got = gen_tcp::recv(&s, LEN, WAIT).unwrap().into_bytes();
        finish.join().unwrap();
        check(b, &got);
    }
}
