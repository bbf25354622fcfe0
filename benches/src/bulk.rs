//! b. Bulk stream: 1 GiB in 64 KiB sends of one reused buffer, read into
//! a 64 KiB buffer ([`Reader::Read`]) or with `recv(S, 0)`
//! ([`Reader::Recv`]); writer and reader are separate processes.
//!
//! This is throughput: the time from the first send to the last byte read.

use crate::target::with_backend;
use crate::{join, otp, with_ops, Context, Figures, Scale, Section, Target};
use gen_tcp::{Active, Error, InetBackend, Opt, Socket};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Bytes streamed at full size.
pub const TOTAL: usize = 1 << 30;
/// Size of each send and of the read buffer.
pub const CHUNK: usize = 64 * 1024;

/// How the reader takes the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// `std::io::Read` into one 64 KiB buffer (`read_into`, no allocation).
    Read,
    /// `gen_tcp:recv(S, 0)`: a new binary per call.
    Recv,
}

/// Streams; figures: `rate` (MB/s, 10^6 bytes).
pub fn run(target: Target, scale: Scale, reader: Reader) -> Result<Figures, String> {
    let chunks = scale.ops(TOTAL / CHUNK);
    let total = chunks * CHUNK;
    let elapsed = match target {
        Target::Std => std_net(chunks)?,
        Target::GenTcp(b) => gen_tcp(b, chunks, reader)?,
        Target::Otp(b) if reader == Reader::Recv => {
            return otp::rate(Section::BulkRecv, b, &[chunks, CHUNK], "mb_per_s")
                .map(|f| with_ops(f, chunks));
        }
        Target::Otp(_) | Target::Mio => return Err(target.not_measured("bulk")),
    };
    Ok(with_ops(
        vec![("rate".into(), total as f64 / elapsed.as_secs_f64() / 1e6)],
        chunks,
    ))
}

fn std_net(chunks: usize) -> Result<Duration, String> {
    let total = chunks * CHUNK;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ctx("bind")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let reader = std::thread::spawn(move || -> std::io::Result<Instant> {
        let (mut s, _) = listener.accept()?;
        let mut buf = vec![0u8; CHUNK];
        let mut seen = 0;
        while seen < total {
            match s.read(&mut buf)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => seen += n,
            }
        }
        Ok(Instant::now())
    });
    let writer = std::thread::spawn(move || -> std::io::Result<Instant> {
        let mut c = TcpStream::connect(addr)?;
        let buf = vec![7u8; CHUNK];
        let start = Instant::now();
        for _ in 0..chunks {
            c.write_all(&buf)?;
        }
        // Stay open until the reader has it all and closes.
        let _ = c.read(&mut [0u8; 1])?;
        Ok(start)
    });
    let end = join(reader, "reader")?.ctx("reader")?;
    let start = join(writer, "writer")?.ctx("writer")?;
    Ok(end - start)
}

fn gen_tcp(backend: InetBackend, chunks: usize, how: Reader) -> Result<Duration, String> {
    let total = chunks * CHUNK;
    let opts = with_backend(backend, &[Opt::Binary, Opt::Active(Active::False)]);
    let listen = gen_tcp::listen(0, &opts).ctx("listen")?;
    let port = gen_tcp::port(&listen).ctx("port")?;
    let (_, reader) = gen_tcp::spawn_with_handle(move || -> gen_tcp::Result<Instant> {
        let s = gen_tcp::accept(&listen, None)?;
        read_all(&s, total, how)?;
        let end = Instant::now();
        gen_tcp::close(&s)?;
        Ok(end)
    });
    let (_, writer) = gen_tcp::spawn_with_handle(move || -> gen_tcp::Result<Instant> {
        let c = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts, None)?;
        let buf = vec![7u8; CHUNK];
        let start = Instant::now();
        for _ in 0..chunks {
            gen_tcp::send(&c, &buf[..])?;
        }
        // Stay open until the reader has it all and closes.
        match gen_tcp::recv(&c, 0, None) {
            Ok(_) | Err(Error::Closed) => {}
            Err(e) => return Err(e),
        }
        gen_tcp::close(&c)?;
        Ok(start)
    });
    let end = join(reader, "reader")?.ctx("reader")?;
    let start = join(writer, "writer")?.ctx("writer")?;
    Ok(end - start)
}

fn read_all(s: &Socket, total: usize, how: Reader) -> gen_tcp::Result<()> {
    let mut seen = 0;
    match how {
        Reader::Read => {
            let mut buf = vec![0u8; CHUNK];
            let mut r = s;
            while seen < total {
                match r.read(&mut buf)? {
                    0 => return Err(Error::Closed),
                    n => seen += n,
                }
            }
        }
        Reader::Recv => {
            while seen < total {
                seen += gen_tcp::recv(s, 0, None)?.len();
            }
        }
    }
    Ok(())
}
