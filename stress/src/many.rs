//! 10,000 connections per backend, each echoing sequence-numbered frames
//! with their bytes checked at both ends.
//!
//! The server (this process) accepts them all into one `{active, true}`
//! process, which echoes every `{packet, 4}` frame it gets; the clients
//! (a child process, so that each side has its own table of descriptors)
//! connect them all, then send a frame on each per round and check every
//! echo. The server's figures show what 10,000 connections cost: no
//! thread per connection, and every descriptor given back at the end.

use crate::figures::{raise_fd_limit, Figures, Ledger};
use crate::watchdog::watch;
use crate::{Rng, Scale, BACKENDS, WAIT};
use gen_tcp::{Active, Error, InetBackend, Message, Opt, PacketType, Socket};
use std::collections::HashMap;
use std::io::Write;
use std::net::Ipv4Addr;
use std::time::Duration;

/// The options of both ends.
fn opts(b: InetBackend) -> Vec<Opt> {
    vec![
        Opt::InetBackend(b),
        Opt::Binary,
        Opt::Packet(PacketType::Four),
        Opt::Active(Active::True),
    ]
}

/// Frame `round` of connection `index`: its numbers, then bytes that
/// only it has.
fn frame(index: u32, round: u32) -> Vec<u8> {
    let mut rng = Rng::new(((index as u64) << 32) | round as u64);
    let len = rng.below(200) as usize;
    let mut f = Vec::with_capacity(8 + len);
    f.extend_from_slice(&index.to_be_bytes());
    f.extend_from_slice(&round.to_be_bytes());
    f.resize(8 + len, 0);
    rng.fill(&mut f[8..]);
    f
}

/// The numbers of a frame.
fn numbers(f: &[u8]) -> Option<(u32, u32)> {
    let i = u32::from_be_bytes(f.get(..4)?.try_into().ok()?);
    let r = u32::from_be_bytes(f.get(4..8)?.try_into().ok()?);
    Some((i, r))
}

/// The client side (a child process): connects `n` sockets to `port`,
/// then `rounds` times sends a frame on each and checks each echo.
pub fn clients(b: InetBackend, port: u16, n: u32, rounds: u32) {
    let _dog = watch(format!("{n} clients [{b:?}]"), Duration::from_secs(600));
    raise_fd_limit();
    let mut socks: Vec<Socket> = Vec::with_capacity(n as usize);
    let mut index: HashMap<Socket, u32> = HashMap::new();
    for i in 0..n {
        let s = gen_tcp::connect(Ipv4Addr::LOCALHOST, port, &opts(b), Some(WAIT))
            .unwrap_or_else(|e| panic!("client connect #{i}: {e}"));
        index.insert(s.clone(), i);
        socks.push(s);
    }
    println!("clients {}: {n} connected: {}", b.name(), Figures::now());
    for round in 0..rounds {
        for (i, s) in socks.iter().enumerate() {
            gen_tcp::send(s, frame(i as u32, round))
                .unwrap_or_else(|e| panic!("client send #{i}: {e}"));
        }
        let mut echoed = vec![false; n as usize];
        for _ in 0..n {
            match gen_tcp::receive(Some(WAIT)) {
                Some(Message::Tcp(s, d)) => {
                    let i = index[&s];
                    let d = d.into_bytes();
                    assert_eq!(numbers(&d), Some((i, round)), "echo on #{i}");
                    assert!(d == frame(i, round)[..], "echo on #{i}: bytes differ");
                    assert!(!echoed[i as usize], "two echoes on #{i}");
                    echoed[i as usize] = true;
                }
                other => panic!("client, round {round}: {other:?}"),
            }
        }
    }
    println!(
        "clients {}: {rounds} rounds echoed: {}",
        b.name(),
        Figures::now()
    );
    for s in &socks {
        gen_tcp::close(s).unwrap();
    }
    let _ = std::io::stdout().flush();
}

/// The server side: accepts `n` connections, echoes until all closed.
fn serve(b: InetBackend, n: u32, rounds: u32, scale: Scale) -> Result<(), String> {
    let lo = [
        Opt::InetBackend(b),
        Opt::Binary,
        Opt::Packet(PacketType::Four),
        Opt::Active(Active::True),
        Opt::Ip(Ipv4Addr::LOCALHOST.into()),
        Opt::Backlog(4096),
    ];
    let l = gen_tcp::listen(0, &lo).map_err(|e| format!("listen: {e}"))?;
    let port = gen_tcp::port(&l).map_err(|e| format!("port: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = std::process::Command::new(exe)
        .args(["child", "many", b.name(), &port.to_string(), &n.to_string()])
        .arg(rounds.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting the clients: {e}"))?;
    let mut accepted = Vec::with_capacity(n as usize);
    for i in 0..n {
        match gen_tcp::accept(&l, Some(WAIT)) {
            Ok(s) => accepted.push(s),
            Err(e) => {
                let _ = child.kill();
                return Err(format!("accept #{i}: {e}"));
            }
        }
    }
    gen_tcp::close(&l).map_err(|e| e.to_string())?;
    let peak = Figures::now();
    println!(
        "  {:<6} {n} connections accepted (server side): {peak}",
        b.name()
    );
    let (mut frames, mut closed) = (0u64, 0u32);
    let mut seen: HashMap<Socket, (u32, u32)> = HashMap::new();
    while closed < n {
        match gen_tcp::receive(Some(WAIT)) {
            Some(Message::Tcp(s, d)) => {
                let d = d.into_bytes();
                let Some((i, r)) = numbers(&d) else {
                    return Err(format!("a short frame: {d:?}"));
                };
                // Each connection carries one index, rounds in order.
                let next = seen.entry(s.clone()).or_insert((i, 0));
                if *next != (i, r) {
                    return Err(format!("frame ({i}, {r}), want {next:?}"));
                }
                next.1 += 1;
                gen_tcp::send(&s, &d[..]).map_err(|e| format!("echo: {e}"))?;
                frames += 1;
            }
            Some(Message::TcpClosed(_)) => closed += 1,
            other => {
                let _ = child.kill();
                return Err(format!("server: {other:?} ({closed} closed)"));
            }
        }
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("the clients: {e}"))?;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("  | {line}");
    }
    if !out.status.success() {
        return Err(format!("the clients failed: {}", out.status));
    }
    if frames != n as u64 * rounds as u64 {
        return Err(format!("{frames} frames echoed, want {}", n * rounds));
    }
    for s in &accepted {
        match gen_tcp::close(s) {
            Ok(()) | Err(Error::Closed) => {}
            Err(e) => return Err(format!("close: {e}")),
        }
    }
    drop(accepted);
    drop(seen);
    println!(
        "  {:<6} {frames} frames echoed over {n} connections ({:?} scale): ok",
        b.name(),
        scale
    );
    Ok(())
}

/// Runs the part on both backends: 10,000 connections at full scale.
pub fn part(scale: Scale) {
    let n: u32 = scale.pick(500, 10_000);
    let rounds = scale.pick(2, 3);
    let limit = raise_fd_limit();
    let need = n as u64 + 256;
    if limit < need {
        println!(
            "  SKIPPED: the descriptor limit is {limit}, {n} connections need {need} \
             (raise the hard limit: ulimit -Hn)"
        );
        return;
    }
    for b in BACKENDS {
        let _dog = watch(format!("{n} connections [{b:?}]"), Duration::from_secs(600));
        let ledger = Ledger::open(&format!("many {}", b.name()));
        if let Err(e) = serve(b, n, rounds, scale) {
            panic!("{n} connections [{b:?}]: {e}");
        }
        while gen_tcp::receive(Some(Duration::ZERO)).is_some() {}
        ledger.close();
    }
}
