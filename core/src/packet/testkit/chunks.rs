//! The receive side under any cutting of a stream into reads: an
//! [`Inbound`] must give the same packets whatever the reads, buffer no
//! more than its limits while it waits, and do work linear in the bytes.

use crate::data::Data;
use crate::error::Error;
use crate::inbound::{unknown_limit, Inbound, MAX_UNFINISHED};
use crate::options::SockOpts;
use crate::packet::PacketType;

use super::bytes_examined;

/// What an [`Inbound`] made of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fed {
    /// The packets, in order.
    pub packets: Vec<Data>,
    /// The error that ended the stream, if one did.
    pub error: Option<Error>,
    /// Bytes still waiting at the end.
    pub left: usize,
    /// Calls made to [`Inbound::next_packet`] and [`Inbound::want`].
    pub calls: usize,
}

/// The most bytes an unfinished packet may hold under `opts` (the limits
/// of [`crate::inbound`]): of unknown length, [`unknown_limit`]; of known
/// length, its header (at most that limit) and `packet_size` of body, or
/// [`MAX_UNFINISHED`] in all when `packet_size` is 0.
pub fn max_waiting(opts: &SockOpts) -> usize {
    let limit = unknown_limit(opts);
    if opts.packet_size == 0 {
        limit.max(MAX_UNFINISHED)
    } else {
        limit + opts.packet_size as usize
    }
}

/// Feeds `stream` to a new [`Inbound`] under `opts` in pieces of the
/// lengths `pieces` gives (cycled; 0 counts as 1), taking each packet as
/// soon as it is whole (`recv(S, 0)` after every read, as a backend does,
/// with a [`Inbound::want`] each time it waits). Checks that it never
/// waits holding more than [`max_waiting`].
pub fn feed(opts: &SockOpts, stream: &[u8], pieces: &[usize]) -> Result<Fed, String> {
    let mut inbound = Inbound::new();
    let mut fed = Fed {
        packets: Vec::new(),
        error: None,
        left: 0,
        calls: 0,
    };
    let bound = max_waiting(opts);
    let mut rest = stream;
    let mut sizes = pieces.iter().cycle();
    while !rest.is_empty() {
        let n = sizes
            .next()
            .map_or(rest.len(), |&n| n.max(1))
            .min(rest.len());
        let (piece, after) = rest.split_at(n);
        rest = after;
        inbound.extend(piece);
        loop {
            fed.calls += 1;
            match inbound.next_packet(opts, 0) {
                Ok(Some(packet)) => fed.packets.push(packet),
                Ok(None) => {
                    fed.calls += 1;
                    let _ = inbound.want(opts, 0);
                    if inbound.len() > bound {
                        return Err(format!(
                            "waits holding {} bytes, over {bound}",
                            inbound.len()
                        ));
                    }
                    break;
                }
                Err(e) => {
                    fed.error = Some(e);
                    fed.left = inbound.len();
                    return Ok(fed);
                }
            }
        }
    }
    fed.left = inbound.len();
    Ok(fed)
}

/// Checks an [`Inbound`] under `opts` on `stream` cut by `pieces` against
/// the same stream in one piece: the same packets, the same end (the same
/// error, or as many bytes left waiting), bounded buffering while waiting (see [`feed`]), and
/// decoding work linear in the bytes (counted by [`bytes_examined`]: at
/// most a few looks at each byte, plus a few per call). Raw mode is not
/// framed (a packet is whatever a read brought), so it is not checked.
/// Returns what the cut stream gave.
pub fn check_chunks(opts: &SockOpts, stream: &[u8], pieces: &[usize]) -> Result<Fed, String> {
    if opts.packet == PacketType::Raw {
        return feed(opts, stream, pieces);
    }
    let whole = feed(opts, stream, &[])?;
    let before = bytes_examined();
    let cut = feed(opts, stream, pieces)?;
    let work = bytes_examined() - before;
    // Bytes left after an error are whatever had arrived: not compared.
    let left = |fed: &Fed| fed.error.is_none().then_some(fed.left);
    if (&cut.packets, &cut.error, left(&cut)) != (&whole.packets, &whole.error, left(&whole)) {
        return Err(format!(
            "cut into {pieces:?}: {cut:?}\nin one piece: {whole:?}"
        ));
    }
    let linear = 4 * stream.len() as u64 + 4 * cut.calls as u64;
    if work > linear {
        return Err(format!(
            "examined {work} bytes for {} bytes in {} calls",
            stream.len(),
            cut.calls
        ));
    }
    Ok(cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::InetBackend;

    #[test]
    fn lines_cut_anywhere_are_the_same_lines() {
        let mut opts = SockOpts::defaults(InetBackend::Inet);
        opts.packet = PacketType::Line;
        let stream = b"first\nsecond line\n\nlast without end";
        for pieces in [&[1][..], &[2, 3], &[7], &[100]] {
            let fed = check_chunks(&opts, stream, pieces).unwrap();
            assert_eq!(fed.packets.len(), 3);
            assert_eq!(fed.left, 16);
            assert_eq!(fed.error, None);
        }
    }
}
