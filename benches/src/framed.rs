//! c. Framed messages: `{packet, 4}`, 100-byte bodies, one `send` per
//! message, the receiver one `recv(S, 0)` per message; writer and reader
//! are separate processes.
//!
//! This is the cost of a message protocol: each message is framed by the
//! sender, found in the stream and delivered whole by the receiver. std
//! does it by hand: the 4-byte header and the body in one `write`, then
//! `read_exact` of the header and of the body; mio does the same on
//! non-blocking sockets. Timed from the first send to the last message
//! received.

use crate::mio_conn::MioConn;
use crate::target::with_backend;
use crate::{join, otp, with_ops, Context, Figures, Scale, Section, Target};
use gen_tcp::{Active, Error, InetBackend, Opt, PacketType};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Messages at full size.
pub const MESSAGES: usize = 200_000;
/// Bytes in each message's body (the header adds 4).
pub const BODY: usize = 100;

/// Sends the messages; figures: `rate` (messages/s), `ops`.
pub fn run(target: Target, scale: Scale) -> Result<Figures, String> {
    let messages = scale.ops(MESSAGES);
    let elapsed = match target {
        Target::Std => std_net(messages)?,
        Target::Mio => mio_loop(messages)?,
        Target::GenTcp(b) => gen_tcp(b, messages)?,
        Target::Otp(b) => {
            return otp::rate(Section::Framed, b, &[messages, BODY], "msg_per_s")
                .map(|f| with_ops(f, messages))
        }
    };
    Ok(with_ops(
        vec![("rate".into(), messages as f64 / elapsed.as_secs_f64())],
        messages,
    ))
}

/// One message as it crosses the wire: a 4-byte big-endian length, then
/// the body.
fn frame() -> Vec<u8> {
    let mut f = (BODY as u32).to_be_bytes().to_vec();
    f.extend_from_slice(&[7u8; BODY]);
    f
}

fn body_len(header: [u8; 4]) -> Result<usize, std::io::Error> {
    match u32::from_be_bytes(header) as usize {
        BODY => Ok(BODY),
        n => Err(std::io::Error::other(format!("message of {n} bytes"))),
    }
}

fn std_net(messages: usize) -> Result<Duration, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let reader = std::thread::spawn(move || -> std::io::Result<Instant> {
        let (mut s, _) = listener.accept()?;
        s.set_nodelay(true)?;
        let mut header = [0u8; 4];
        let mut body = [0u8; BODY];
        for _ in 0..messages {
            s.read_exact(&mut header)?;
            s.read_exact(&mut body[..body_len(header)?])?;
        }
        Ok(Instant::now())
    });
    let writer = std::thread::spawn(move || -> std::io::Result<Instant> {
        let mut c = TcpStream::connect(addr)?;
        c.set_nodelay(true)?;
        let frame = frame();
        let start = Instant::now();
        for _ in 0..messages {
            c.write_all(&frame)?;
        }
        // Stay open until the reader has it all and closes.
        let _ = c.read(&mut [0u8; 1])?;
        Ok(start)
    });
    let end = join(reader, "reader")?.ctx("reader")?;
    let start = join(writer, "writer")?.ctx("writer")?;
    Ok(end - start)
}

fn mio_loop(messages: usize) -> Result<Duration, String> {
    let mut listener = mio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0).into()).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let reader = std::thread::spawn(move || -> std::io::Result<Instant> {
        let mut s = MioConn::accept(&mut listener)?;
        s.stream().set_nodelay(true)?;
        let mut header = [0u8; 4];
        let mut body = [0u8; BODY];
        for _ in 0..messages {
            s.read_exact(&mut header)?;
            s.read_exact(&mut body[..body_len(header)?])?;
        }
        Ok(Instant::now())
    });
    let writer = std::thread::spawn(move || -> std::io::Result<Instant> {
        let mut c = MioConn::connect(addr)?;
        c.stream().set_nodelay(true)?;
        let frame = frame();
        let start = Instant::now();
        for _ in 0..messages {
            c.write_all(&frame)?;
        }
        let _ = c.read(&mut [0u8; 1])?;
        Ok(start)
    });
    let end = join(reader, "reader")?.ctx("reader")?;
    let start = join(writer, "writer")?.ctx("writer")?;
    Ok(end - start)
}

fn gen_tcp(backend: InetBackend, messages: usize) -> Result<Duration, String> {
    let opts = with_backend(
        backend,
        &[
            Opt::Binary,
            Opt::Active(Active::False),
            Opt::Packet(PacketType::Four),
            Opt::Nodelay(true),
        ],
    );
    let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
    let port = gen_tcp::port(&listen).ctx("port")?;
    let (_, reader) = gen_tcp::spawn_with_handle(move || -> Result<Instant, String> {
        let s = gen_tcp::accept(&listen, None).ctx("accept")?;
        for i in 0..messages {
            let m = gen_tcp::recv(&s, 0, None).ctx("recv")?;
            if m.len() != BODY {
                return Err(format!("message {i} has {} bytes", m.len()));
            }
        }
        let end = Instant::now();
        gen_tcp::close(&s).ctx("close")?;
        Ok(end)
    });
    let (_, writer) = gen_tcp::spawn_with_handle(move || -> gen_tcp::Result<Instant> {
        let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, None)?;
        let body = bytes::Bytes::from(vec![7u8; BODY]);
        let start = Instant::now();
        for _ in 0..messages {
            gen_tcp::send(&c, body.clone())?;
        }
        // Stay open until the reader has it all and closes.
        match gen_tcp::recv(&c, 0, None) {
            Ok(_) | Err(Error::Closed) => {}
            Err(e) => return Err(e),
        }
        gen_tcp::close(&c)?;
        Ok(start)
    });
    let end = join(reader, "reader")??;
    let start = join(writer, "writer")?.ctx("writer")?;
    Ok(end - start)
}
