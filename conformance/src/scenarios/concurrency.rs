//! Many active sockets at once, and ownership moving while messages are
//! arriving. OTP guarantees what these check: every `{tcp, S, Data}` is
//! delivered exactly once, to the controlling process, in the order of
//! the socket's stream (`controlling_process/2`: pending messages move
//! with the socket). Each frame carries its socket's index and sequence
//! number, so a lost, repeated or reordered message is named. Checked on
//! OTP 25 (`docs/otp-answers.md`, "Added by the conformance suite", A6-A10).

use crate::ctx::{answer, in_process, step, Check, Ctx, QUIET, WAIT};
use gen_tcp::{Active, Message, Opt, PacketType, Socket};
use std::collections::HashMap;

crate::scenarios! {
    "concurrency/two_hundred_active_sockets_one_owner" => two_hundred_sockets;
    "concurrency/controlling_process_while_receiving" => transfer_while_receiving;
}

const P2: Opt = Opt::Packet(PacketType::Two);

/// `n` connected pairs: clients passive, servers `{active, true}`, all
/// `{packet, 2}`, owned by the caller.
fn pairs(ctx: &Ctx, n: usize) -> Result<Vec<(Socket, Socket)>, String> {
    let l = ctx.listen(&[
        Opt::Binary,
        P2,
        Opt::Active(Active::True),
        Opt::Backlog(128),
    ])?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let c = ctx.connect_to(&l, &[Opt::Binary, P2, Opt::Active(Active::False)])?;
        let s = step("accept", gen_tcp::accept(&l, Some(WAIT)))?;
        v.push((c, s));
    }
    let _ = gen_tcp::close(&l);
    Ok(v)
}

/// A frame: socket index and sequence number, 4 bytes each.
fn frame(index: usize, seq: u32) -> [u8; 8] {
    let mut f = [0; 8];
    f[..4].copy_from_slice(&(index as u32).to_be_bytes());
    f[4..].copy_from_slice(&seq.to_be_bytes());
    f
}

/// Which socket a message is about, and its frame, or why it is not a
/// frame from a known socket.
fn parse(m: Message, index_of: &HashMap<u64, usize>) -> Result<(usize, usize, u32), String> {
    let Message::Tcp(s, d) = m else {
        return Err(format!("unexpected message {m:?}"));
    };
    let Some(&at) = index_of.get(&s.id().get()) else {
        return Err(format!("a message from an unknown socket {:?}", s.id()));
    };
    let d = d.to_vec();
    if d.len() != 8 {
        return Err(format!("frame of {} bytes", d.len()));
    }
    let index = u32::from_be_bytes(d[..4].try_into().expect("4 bytes")) as usize;
    let seq = u32::from_be_bytes(d[4..].try_into().expect("4 bytes"));
    Ok((at, index, seq))
}

/// Checks one received frame against the next one expected on its socket.
fn expect_next(next: &mut [u32], (at, index, seq): (usize, usize, u32)) -> Check {
    if index != at {
        return Err(format!("socket {at} delivered a frame sent on {index}"));
    }
    if seq != next[at] {
        return Err(format!(
            "socket {at}: frame {seq} where {} was next (lost, repeated or reordered)",
            next[at]
        ));
    }
    next[at] += 1;
    Ok(())
}

/// Each pair's position, keyed by its server socket's id (what a `tcp`
/// message names).
fn index_by_server_id(v: &[(Socket, Socket)]) -> HashMap<u64, usize> {
    v.iter()
        .enumerate()
        .map(|(i, (_, s))| (s.id().get(), i))
        .collect()
}

/// 200 active sockets owned by one process; four threads send 20 frames
/// on each of them concurrently. The owner receives all 4000 `tcp`
/// messages, each socket's in the order sent, then nothing more.
fn two_hundred_sockets(ctx: &Ctx) -> Check {
    const N: usize = 200;
    const FRAMES: u32 = 20;
    const SENDERS: usize = 4;
    let v = pairs(ctx, N)?;
    let index_of = index_by_server_id(&v);
    let clients: Vec<Socket> = v.iter().map(|(c, _)| c.clone()).collect();
    let senders: Vec<_> = (0..SENDERS)
        .map(|k| {
            let mine: Vec<(usize, Socket)> = clients
                .iter()
                .cloned()
                .enumerate()
                .filter(|(i, _)| i % SENDERS == k)
                .collect();
            std::thread::spawn(move || -> Check {
                for seq in 0..FRAMES {
                    for (i, c) in &mine {
                        step("send", gen_tcp::send(c, &frame(*i, seq)[..]))?;
                    }
                }
                Ok(())
            })
        })
        .collect();
    let mut next = vec![0u32; N];
    for _ in 0..N * FRAMES as usize {
        let m = gen_tcp::receive(Some(WAIT)).ok_or_else(|| {
            let short: Vec<usize> = (0..N).filter(|&i| next[i] < FRAMES).collect();
            format!("no message within {WAIT:?}; sockets still short: {short:?}")
        })?;
        expect_next(&mut next, parse(m, &index_of)?)?;
    }
    for h in senders {
        h.join().map_err(|_| "sender panicked".to_string())??;
    }
    match gen_tcp::receive(Some(QUIET)) {
        None => Ok(()),
        Some(m) => Err(format!("a message beyond the {N} x {FRAMES}: {m:?}")),
    }
}

/// Four active sockets; one thread per socket sends 1000 frames. The
/// owner takes messages until it has 200, then hands every socket to a
/// new process while frames keep arriving. What the old owner took, then
/// what the new owner takes, is each socket's whole stream, in order,
/// once; the old owner's mailbox ends empty (its pending messages moved).
fn transfer_while_receiving(ctx: &Ctx) -> Check {
    const N: usize = 4;
    const FRAMES: u32 = 1000;
    let v = pairs(ctx, N)?;
    let index_of = index_by_server_id(&v);
    let senders: Vec<_> = v
        .iter()
        .enumerate()
        .map(|(i, (c, _))| {
            let c = c.clone();
            std::thread::spawn(move || -> Check {
                for seq in 0..FRAMES {
                    step("send", gen_tcp::send(&c, &frame(i, seq)[..]))?;
                    if seq % 100 == 99 {
                        // Spread the stream over time so that the transfer
                        // falls in the middle of it.
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                }
                Ok(())
            })
        })
        .collect();
    let mut next = vec![0u32; N];
    for _ in 0..200 {
        let m = gen_tcp::receive(Some(WAIT)).ok_or("old owner: no message")?;
        expect_next(&mut next, parse(m, &index_of)?)?;
    }
    let taken_before = next.clone();
    let start = next.clone();
    let index_of2 = index_of.clone();
    let (new, rx) = in_process(move || -> Result<Vec<u32>, String> {
        let mut next = start;
        // Wait for the old owner's "all transferred" before checking.
        let _ = gen_tcp::receive_match(|m| matches!(m, Message::User(_)), Some(WAIT));
        while next.iter().any(|&n| n < FRAMES) {
            let m = gen_tcp::receive(Some(WAIT))
                .ok_or_else(|| format!("new owner: no message within {WAIT:?}, at {next:?}"))?;
            expect_next(&mut next, parse(m, &index_of2)?)?;
        }
        Ok(next)
    });
    for (_, s) in &v {
        step("controlling_process", gen_tcp::controlling_process(s, new))?;
    }
    new.send_user(());
    let done = answer("new owner", &rx)??;
    for h in senders {
        h.join().map_err(|_| "sender panicked".to_string())??;
    }
    if done != vec![FRAMES; N] {
        return Err(format!("new owner ended at {done:?}"));
    }
    if taken_before.iter().all(|&n| n == FRAMES) {
        return Err("the old owner took every frame before the transfer".into());
    }
    match gen_tcp::receive(Some(QUIET)) {
        None => Ok(()),
        Some(m) => Err(format!("left in the old owner's mailbox: {m:?}")),
    }
}
