//! The Rust interpreter: runs a program through the public `gen_tcp` API
//! and prints the same normalised trace as `otp/run.escript`.
//!
//! A program runs in its own gen_tcp process (thread), which owns the
//! sockets it opens, so that they close when it ends, as in the escript.
//! Helpers (`spawn a`) are processes that take steps from a channel, not
//! from their mailbox, so that their mailbox holds only socket messages.

use crate::convert::{self, Inexpressible};
use crate::peer::{Peer, PeerListener};
use crate::program::{Program, Step};
use crate::term::Term;
use gen_tcp::{InetBackend, Opt, Pid, Shutdown, Socket};
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest a whole program may run before it is reported as hung.
pub const PROGRAM_LIMIT: Duration = Duration::from_secs(12);
/// How long `join` waits for a helper's answer.
pub const JOIN_WAIT: Duration = Duration::from_millis(3000);
/// A mailbox is drained once quiet for this long...
pub const QUIET: Duration = Duration::from_millis(100);
/// ... or after this long in all.
pub const FLUSH_MAX: Duration = Duration::from_millis(1500);
/// How long `end`/`kill` wait for a process to be gone.
pub const END_WAIT: Duration = Duration::from_millis(1000);

enum Cmd {
    /// A step to run; the helper answers on the channel as it starts it.
    Go(Step, mpsc::SyncSender<()>),
    Stop,
}

struct Helper {
    pid: Pid,
    /// Set by `kill`: answers given after it are lost, as a killed Erlang
    /// process gives none; one given before it stays (`kept`).
    killed: std::sync::atomic::AtomicBool,
    kept: Mutex<Vec<Term>>,
    cmds: Mutex<mpsc::Sender<Cmd>>,
    results: Mutex<mpsc::Receiver<Term>>,
    handle: Mutex<Option<JoinHandle<()>>>,
}

enum Role {
    Sock(Socket),
    Peer(Arc<Peer>),
    Proc(Arc<Helper>),
    Main(Pid),
}

struct Ctx {
    backend: InetBackend,
    roles: Mutex<HashMap<String, Role>>,
}

/// A step's early answer (a missing role, an inexpressible argument).
type Early<T> = Result<T, Term>;

impl Ctx {
    fn bind(&self, name: &Term, r: Role) {
        if let Some(n) = name.as_atom() {
            self.roles.lock().unwrap().insert(n.to_string(), r);
        }
    }

    fn name_of(&self, t: &Term) -> Early<String> {
        t.as_atom()
            .map(str::to_string)
            .ok_or_else(|| Term::tuple([Term::atom("bad_role"), t.clone()]))
    }

    fn no_role(n: &str) -> Term {
        Term::tuple([Term::atom("no_role"), Term::atom(n)])
    }

    fn not(what: &str, n: &str) -> Term {
        Term::tuple([Term::atom(what), Term::atom(n)])
    }

    fn sock(&self, t: &Term) -> Early<Socket> {
        let n = self.name_of(t)?;
        match self.roles.lock().unwrap().get(&n) {
            Some(Role::Sock(s)) => Ok(s.clone()),
            Some(_) => Err(Ctx::not("not_ours", &n)),
            None => Err(Ctx::no_role(&n)),
        }
    }

    fn peer(&self, t: &Term) -> Early<Arc<Peer>> {
        let n = self.name_of(t)?;
        match self.roles.lock().unwrap().get(&n) {
            Some(Role::Peer(p)) => Ok(p.clone()),
            Some(_) => Err(Ctx::not("not_peer", &n)),
            None => Err(Ctx::no_role(&n)),
        }
    }

    fn helper(&self, t: &Term) -> Early<Arc<Helper>> {
        let n = self.name_of(t)?;
        match self.roles.lock().unwrap().get(&n) {
            Some(Role::Proc(h)) => Ok(h.clone()),
            Some(_) => Err(Ctx::not("not_proc", &n)),
            None => Err(Ctx::no_role(&n)),
        }
    }

    fn pid(&self, t: &Term) -> Early<Pid> {
        let n = self.name_of(t)?;
        match self.roles.lock().unwrap().get(&n) {
            Some(Role::Proc(h)) => Ok(h.pid),
            Some(Role::Main(p)) => Ok(*p),
            Some(_) => Err(Ctx::not("not_proc", &n)),
            None => Err(Ctx::no_role(&n)),
        }
    }

    /// A socket's role name, else `port`/`socket` as the escript prints an
    /// unnamed one of each backend.
    fn socket_name(&self, s: &Socket) -> Term {
        let roles = self.roles.lock().unwrap();
        let mut names: Vec<&String> = roles
            .iter()
            .filter(|(_, r)| matches!(r, Role::Sock(x) if x == s))
            .map(|(n, _)| n)
            .collect();
        names.sort();
        match names.last() {
            Some(n) => Term::atom(n),
            None => Term::atom(match s.backend() {
                InetBackend::Inet => "port",
                InetBackend::Socket => "socket",
            }),
        }
    }
}

/// Runs `program` on `backend` and returns its trace, one line per step
/// (`"<index> <result>"`); a program still running after
/// [`PROGRAM_LIMIT`] ends with `<index> hung` at the step it is in.
pub fn run(program: &Program, backend: InetBackend) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    let steps = program.steps.clone();
    let n = steps.len();
    gen_tcp::spawn(move || main(steps, backend, tx));
    let deadline = Instant::now() + PROGRAM_LIMIT;
    let mut lines = Vec::with_capacity(n);
    while lines.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => lines.push(l),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                lines.push(format!("{} hung", lines.len() + 1));
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                lines.push(format!("{} {{program_died}}", lines.len() + 1));
                break;
            }
        }
    }
    lines
}

fn main(steps: Vec<Step>, backend: InetBackend, out: mpsc::Sender<String>) {
    let ctx = Arc::new(Ctx {
        backend,
        roles: Mutex::new(HashMap::new()),
    });
    ctx.bind(&Term::atom("main"), Role::Main(gen_tcp::self_pid()));
    for (i, step) in steps.iter().enumerate() {
        let r = guarded(&ctx, step);
        let _ = out.send(format!("{} {}", i + 1, r));
    }
    // Helpers end with the program; peers close.
    let roles = std::mem::take(&mut *ctx.roles.lock().unwrap());
    for r in roles.values() {
        if let Role::Proc(h) = r {
            let _ = h.cmds.lock().unwrap().send(Cmd::Stop);
        }
    }
    drop(roles);
}

/// Runs one step (in the calling process), a panic in the library being
/// a result too.
fn guarded(ctx: &Arc<Ctx>, step: &Step) -> Term {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| exec(ctx, step)));
    r.unwrap_or_else(|_| Term::tuple([Term::atom("raise"), Term::atom("panic")]))
}

fn exec(ctx: &Arc<Ctx>, step: &Step) -> Term {
    if let Some(a) = &step.by {
        return go(ctx, a, step);
    }
    do_step(ctx, &step.verb, &step.args).unwrap_or_else(|t| t)
}

fn ok() -> Term {
    Term::atom("ok")
}

fn unit(r: gen_tcp::Result<()>) -> Term {
    match r {
        Ok(()) => ok(),
        Err(e) => convert::err(&e),
    }
}

fn expr<T>(r: Result<T, Inexpressible>) -> Early<T> {
    r.map_err(Inexpressible::term)
}

fn go(ctx: &Arc<Ctx>, a: &str, step: &Step) -> Term {
    let h = match ctx.helper(&Term::atom(a)) {
        Ok(h) => h,
        Err(t) => return t,
    };
    let mut s = step.clone();
    s.by = None;
    // Returns once the helper has started the step, as an Erlang message
    // is there when `!` returns: on a loaded machine the helper's thread
    // may wake late, and the `sleep` that follows a `go` is meant for the
    // call, not for the wake-up.
    let (started_tx, started_rx) = mpsc::sync_channel(1);
    if h.cmds.lock().unwrap().send(Cmd::Go(s, started_tx)).is_ok() {
        let _ = started_rx.recv_timeout(PROGRAM_LIMIT);
    }
    ok()
}

fn spawn_helper(ctx: &Arc<Ctx>, name: &Term) -> Term {
    let (cmd_tx, cmd_rx) = mpsc::channel::<Cmd>();
    let (res_tx, res_rx) = mpsc::channel::<Term>();
    let c = ctx.clone();
    let (pid, handle) = gen_tcp::spawn_with_handle(move || {
        while let Ok(Cmd::Go(step, started)) = cmd_rx.recv() {
            let _ = started.send(());
            let r = guarded(&c, &step);
            if res_tx.send(r).is_err() {
                break;
            }
        }
    });
    ctx.bind(
        name,
        Role::Proc(Arc::new(Helper {
            pid,
            killed: std::sync::atomic::AtomicBool::new(false),
            kept: Mutex::new(Vec::new()),
            cmds: Mutex::new(cmd_tx),
            results: Mutex::new(res_rx),
            handle: Mutex::new(Some(handle)),
        })),
    );
    ok()
}

/// `end`/`kill`: `end` stops the helper once its current step returns;
/// `kill` is `Pid::kill` (`exit(Pid, kill)`), which ends the step it is
/// blocked in. `ok` once its thread is gone, else `busy`. After `kill`
/// its answer is lost.
fn stop(h: &Helper, kill: bool) -> Term {
    if kill {
        h.kept
            .lock()
            .unwrap()
            .extend(h.results.lock().unwrap().try_iter());
        h.killed.store(true, std::sync::atomic::Ordering::SeqCst);
        h.pid.kill();
    }
    let _ = h.cmds.lock().unwrap().send(Cmd::Stop);
    let deadline = Instant::now() + END_WAIT;
    let mut handle = h.handle.lock().unwrap();
    loop {
        match handle.as_ref() {
            None => return ok(),
            Some(j) if j.is_finished() => {
                let _ = handle.take().map(JoinHandle::join);
                return ok();
            }
            Some(_) if Instant::now() >= deadline => return Term::atom("busy"),
            Some(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn with_backend(ctx: &Ctx, rest: Vec<Opt>, listen: bool) -> Vec<Opt> {
    let mut v = vec![Opt::InetBackend(ctx.backend)];
    if listen {
        v.push(Opt::Ip([127, 0, 0, 1].into()));
    }
    v.extend(rest);
    v
}

fn sock_result(ctx: &Ctx, name: &Term, r: gen_tcp::Result<Socket>) -> Term {
    match r {
        Ok(s) => {
            ctx.bind(name, Role::Sock(s));
            Term::ok(name.clone())
        }
        Err(e) => convert::err(&e),
    }
}

fn timeout(t: &Term) -> Early<Option<Duration>> {
    convert::timeout_of(t).ok_or_else(|| Inexpressible(t.clone()).term())
}

/// A payload term as the chunks `send` gets (`payload/1` in the escript).
pub fn payload(t: &Term) -> Early<Vec<Vec<u8>>> {
    fn pat(n: &Term, seed: i64) -> Option<Vec<u8>> {
        let n = usize::try_from(n.as_int()?).ok()?;
        Some(
            (0..n)
                .map(|i| b'a' + ((seed as usize + i) % 26) as u8)
                .collect(),
        )
    }
    fn go(t: &Term, out: &mut Vec<Vec<u8>>) -> Option<()> {
        match t {
            Term::Bin(b) => out.push(b.clone()),
            Term::Tuple(p) if p.first().and_then(Term::as_atom) == Some("pat") => {
                let seed = p.get(2).map_or(Some(0), Term::as_int)?;
                out.push(pat(p.get(1)?, seed)?);
            }
            Term::List(items, None) => {
                let mut run: Vec<u8> = Vec::new();
                for i in items {
                    match i.as_int() {
                        Some(c) => run.push(u8::try_from(c).ok()?),
                        None => {
                            if !run.is_empty() {
                                out.push(std::mem::take(&mut run));
                            }
                            go(i, out)?;
                        }
                    }
                }
                if !run.is_empty() {
                    out.push(run);
                }
            }
            _ => return None,
        }
        Some(())
    }
    let mut out = Vec::new();
    go(t, &mut out).ok_or_else(|| Inexpressible(t.clone()).term())?;
    Ok(out)
}

fn how_of(t: &Term) -> Early<Shutdown> {
    match t.as_atom() {
        Some("read") => Ok(Shutdown::Read),
        Some("write") => Ok(Shutdown::Write),
        Some("read_write") => Ok(Shutdown::ReadWrite),
        _ => Err(Inexpressible(t.clone()).term()),
    }
}

fn peer_how_of(t: &Term) -> Early<std::net::Shutdown> {
    match t.as_atom() {
        Some("read") => Ok(std::net::Shutdown::Read),
        Some("write") => Ok(std::net::Shutdown::Write),
        Some("read_write") => Ok(std::net::Shutdown::Both),
        _ => Err(Inexpressible(t.clone()).term()),
    }
}

fn empty() -> Term {
    Term::list([])
}

fn do_step(ctx: &Arc<Ctx>, verb: &str, a: &[Term]) -> Early<Term> {
    Ok(match verb {
        "listen" => {
            let opts = expr(convert::opts_of(&a[1]))?;
            sock_result(
                ctx,
                &a[0],
                gen_tcp::listen(0, &with_backend(ctx, opts, true)),
            )
        }
        "connect" => {
            let opts = expr(convert::opts_of(&a[2]))?;
            let pl = PeerListener::open(a.get(3).unwrap_or(&empty()))?;
            let r = gen_tcp::connect(
                "127.0.0.1",
                pl.port(),
                &with_backend(ctx, opts, false),
                Some(Duration::from_millis(2000)),
            );
            if r.is_ok() {
                if let Ok(p) = pl.accept() {
                    ctx.bind(&a[1], Role::Peer(Arc::new(p)));
                }
            }
            sock_result(ctx, &a[0], r)
        }
        "pconnect" => {
            let l = ctx.sock(&a[1])?;
            let port = match gen_tcp::port(&l) {
                Ok(p) => p,
                Err(e) => return Ok(convert::err(&e)),
            };
            match Peer::connect(port, a.get(2).unwrap_or(&empty())) {
                Ok(p) => {
                    ctx.bind(&a[0], Role::Peer(Arc::new(p)));
                    ok()
                }
                Err(t) => t,
            }
        }
        "accept" => {
            let l = ctx.sock(&a[0])?;
            let t = timeout(&a[2])?;
            sock_result(ctx, &a[1], gen_tcp::accept(&l, t))
        }
        "send" => {
            let s = ctx.sock(&a[0])?;
            let chunks = payload(&a[1])?;
            let whole: usize = chunks.iter().map(Vec::len).sum();
            match gen_tcp::send(&s, chunks) {
                Ok(()) => ok(),
                Err(gen_tcp::Error::TimeoutRest(rest)) => {
                    let shape = if rest.is_empty() {
                        "none"
                    } else if rest.len() >= whole {
                        "all"
                    } else {
                        "part"
                    };
                    Term::error(Term::tuple([
                        Term::atom("timeout"),
                        Term::tuple([Term::atom("rest"), Term::atom(shape)]),
                    ]))
                }
                Err(e) => convert::err(&e),
            }
        }
        "recv" => {
            let s = ctx.sock(&a[0])?;
            let len = a[1]
                .as_int()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| Inexpressible(a[1].clone()).term())?;
            let t = timeout(&a[2])?;
            match gen_tcp::recv(&s, len, t) {
                Ok(d) => Term::ok(convert::data_term(&d)),
                Err(e) => convert::err(&e),
            }
        }
        "setopts" => {
            let s = ctx.sock(&a[0])?;
            let opts = expr(convert::opts_of(&a[1]))?;
            unit(gen_tcp::setopts(&s, &opts))
        }
        "getopts" => {
            let s = ctx.sock(&a[0])?;
            let names = expr(convert::opt_names_of(&a[1]))?;
            match gen_tcp::getopts(&s, &names) {
                Ok(v) => Term::ok(Term::list(
                    v.iter().map(|o| convert::opt_term_on(o, s.backend())),
                )),
                Err(e) => convert::err(&e),
            }
        }
        "getstat" => {
            let s = ctx.sock(&a[0])?;
            let names = expr(convert::stats_of(&a[1]))?;
            match gen_tcp::getstat(&s, &names) {
                Ok(v) => Term::ok(Term::list(v.iter().map(|&(k, n)| convert::stat_term(k, n)))),
                Err(e) => convert::err(&e),
            }
        }
        "shutdown" => {
            let s = ctx.sock(&a[0])?;
            unit(gen_tcp::shutdown(&s, how_of(&a[1])?))
        }
        "close" => unit(gen_tcp::close(&ctx.sock(&a[0])?)),
        "ctl" => {
            let s = ctx.sock(&a[0])?;
            let pid = ctx.pid(&a[1])?;
            unit(gen_tcp::controlling_process(&s, pid))
        }
        "sockname" | "peername" => {
            let s = ctx.sock(&a[0])?;
            let r = if verb == "sockname" {
                gen_tcp::sockname(&s)
            } else {
                gen_tcp::peername(&s)
            };
            match r {
                Ok(addr) => Term::ok(convert::addr_term(&addr)),
                Err(e) => convert::err(&e),
            }
        }
        "port" => match gen_tcp::port(&ctx.sock(&a[0])?) {
            Ok(0) => Term::ok(Term::Int(0)),
            Ok(_) => Term::ok(Term::atom("port")),
            Err(e) => convert::err(&e),
        },
        "sleep" => {
            let ms = a[0]
                .as_int()
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| Inexpressible(a[0].clone()).term())?;
            std::thread::sleep(Duration::from_millis(ms));
            ok()
        }
        "flush" => {
            let deadline = Instant::now() + FLUSH_MAX;
            let mut got = Vec::new();
            loop {
                let left = deadline
                    .saturating_duration_since(Instant::now())
                    .min(QUIET);
                match gen_tcp::receive(Some(left)) {
                    Some(m) => got.push(convert::message_term(&m, &|s| ctx.socket_name(s))),
                    None => break,
                }
            }
            Term::list(got)
        }
        "spawn" => spawn_helper(ctx, &a[0]),
        "join" => {
            let h = ctx.helper(&a[0])?;
            if h.killed.load(std::sync::atomic::Ordering::SeqCst) {
                let mut kept = h.kept.lock().unwrap();
                return Ok(if kept.is_empty() {
                    Term::atom("still_running")
                } else {
                    kept.remove(0)
                });
            }
            let r = h.results.lock().unwrap().recv_timeout(JOIN_WAIT);
            r.unwrap_or_else(|_| Term::atom("still_running"))
        }
        "end" | "kill" => stop(&*ctx.helper(&a[0])?, verb == "kill"),
        "psend" => {
            let p = ctx.peer(&a[0])?;
            p.send(&payload(&a[1])?.concat())
        }
        "precv" => {
            let p = ctx.peer(&a[0])?;
            let want = match (a[1].as_int(), a[1].as_atom()) {
                (Some(n), _) if n >= 0 => Some(n as usize),
                (_, Some("eof")) => None,
                _ => return Err(Inexpressible(a[1].clone()).term()),
            };
            p.recv(want)
        }
        "pshutdown" => ctx.peer(&a[0])?.shutdown(peer_how_of(&a[1])?),
        "pclose" => ctx.peer(&a[0])?.close(false),
        "preset" => ctx.peer(&a[0])?.close(true),
        other => Term::tuple([
            Term::atom("bad_step"),
            Term::atom(other),
            Term::Int(a.len() as i64),
        ]),
    })
}

/// Runs every `(program, backend)` job on our side, `parallel` at a time;
/// traces in the order of `jobs`.
pub fn run_many(jobs: &[(&Program, InetBackend)], parallel: usize) -> Vec<Vec<String>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Vec<String>>>> = Mutex::new(vec![None; jobs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(p, b)) = jobs.get(k) else { break };
                let t = run(p, b);
                out.lock().unwrap()[k] = Some(t);
            });
        }
    });
    out.into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}
