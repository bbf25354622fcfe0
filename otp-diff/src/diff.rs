//! Comparing traces: where OTP and we first part, a signature for the
//! difference (so that one root cause shows once), and the minimiser.

use crate::otp::Trace;
use crate::program::{Program, Step};
use crate::term::Term;
use gen_tcp::InetBackend;

/// Where a program's traces first part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The backend.
    pub backend: InetBackend,
    /// The step (1-based) whose results differ.
    pub step: usize,
    /// That step, as text.
    pub step_text: String,
    /// OTP's result.
    pub otp: String,
    /// Ours.
    pub ours: String,
    /// The signature: backend, verb and the smallest part that differs.
    pub signature: String,
}

fn result_of(line: &str) -> &str {
    line.split_once(' ').map_or("", |(_, r)| r)
}

/// The first step whose results differ, if any.
pub fn first_divergence(
    p: &Program,
    backend: InetBackend,
    otp: &Trace,
    ours: &Trace,
) -> Option<Divergence> {
    divergences(p, backend, otp, ours).next()
}

/// Steps whose results only show state (they change nothing): a
/// divergence there does not hide the steps after it.
pub const PURE: &[&str] = &["getopts", "getstat", "sockname", "peername", "port"];

/// The divergence to report: the first one, unless it is `listed` and at
/// a [`PURE`] step, in which case the next one that is not (or the first
/// if all are). So one known difference in, say, `getstat` does not hide
/// what the rest of a program finds.
pub fn reportable(
    p: &Program,
    backend: InetBackend,
    otp: &Trace,
    ours: &Trace,
    listed: &std::collections::HashSet<String>,
) -> Option<Divergence> {
    let mut first = None;
    for d in divergences(p, backend, otp, ours) {
        let step = p.steps.get(d.step - 1);
        let pure = step.is_some_and(|s| s.by.is_none() && PURE.contains(&s.verb.as_str()));
        if pure && listed.contains(&d.signature) {
            first.get_or_insert(d);
            continue;
        }
        return Some(d);
    }
    first
}

/// Every step whose results differ, in order.
pub fn divergences<'a>(
    p: &'a Program,
    backend: InetBackend,
    otp: &'a Trace,
    ours: &'a Trace,
) -> impl Iterator<Item = Divergence> + 'a {
    let n = otp.len().max(ours.len());
    (0..n).filter_map(move |k| {
        let (o, u) = (otp.get(k), ours.get(k));
        if o == u {
            return None;
        }
        let o = o.map_or("<missing>", |l| result_of(l)).to_string();
        let u = u.map_or("<missing>", |l| result_of(l)).to_string();
        let step = p.steps.get(k);
        let step_text = step.map_or_else(|| "<end>".to_string(), Step::to_string);
        let verb = match step {
            None => "end".to_string(),
            // The answer `join` prints is that of the helper's last step.
            Some(s) if s.verb == "join" => {
                let helper = s.args.first().and_then(Term::as_atom);
                let call = p.steps[..k]
                    .iter()
                    .rev()
                    .find(|x| x.by.is_some() && x.by.as_deref() == helper)
                    .map_or("?", |x| x.verb.as_str());
                format!("join({call})")
            }
            Some(s) => s.verb.clone(),
        };
        let mut what = term_diff(&o, &u);
        if verb == "getstat" {
            // One counting rule shows in several counters: name the family.
            for (from, to) in [
                ("recv_oct", "recv_*"),
                ("recv_cnt", "recv_*"),
                ("recv_max", "recv_*"),
                ("recv_avg", "recv_*"),
                ("send_oct", "send_*"),
                ("send_cnt", "send_*"),
                ("send_max", "send_*"),
                ("send_avg", "send_*"),
            ] {
                what = what.replace(from, to);
            }
        }
        let signature = format!("{} {} {}", backend.name(), verb, what);
        Some(Divergence {
            backend,
            step: k + 1,
            step_text,
            otp: o,
            ours: u,
            signature,
        })
    })
}

/// What differs between two results, as short as it can say it: inside
/// `{ok, [{Key, Value}...]}` the first key whose value differs (or that
/// one side lacks); inside lists and tuples, the first element that
/// differs; data differing only in its bytes is `data`.
pub fn term_diff(otp: &str, ours: &str) -> String {
    match (Term::parse(otp), Term::parse(ours)) {
        (Ok(a), Ok(b)) => diff_terms(&a, &b),
        _ => format!("{} / {}", shape_text(otp), shape_text(ours)),
    }
}

fn shape_text(s: &str) -> String {
    // `<<#Len:Hash>>` does not parse; say it is long data.
    if s.contains("<<#") || s.contains("[#") {
        "long_data".into()
    } else {
        s.to_string()
    }
}

fn key_of(t: &Term) -> Option<&str> {
    match t {
        Term::Tuple(p) if !p.is_empty() => p[0].as_atom(),
        Term::Atom(a) => Some(a),
        _ => None,
    }
}

/// A list of entries with distinct keys (getopts, getstat answers).
fn keyed(l: &[Term]) -> bool {
    let keys: Vec<&str> = l.iter().filter_map(key_of).collect();
    !l.is_empty()
        && keys.len() == l.len()
        && keys.iter().enumerate().all(|(k, x)| !keys[..k].contains(x))
}

/// The kind of a received packet: a binary, a string (byte list), or a
/// `{header, N}` list with a binary tail; `None` for other terms.
fn data_kind(t: &Term) -> Option<&'static str> {
    match t {
        Term::Bin(_) => Some("bin"),
        Term::List(items, None) if !items.is_empty() && t.as_bytes().is_some() => Some("str"),
        Term::List(items, Some(tail))
            if matches!(**tail, Term::Bin(_)) && items.iter().all(|i| i.as_int().is_some()) =>
        {
            Some("headed")
        }
        _ => None,
    }
}

fn is_data(t: &Term) -> bool {
    data_kind(t).is_some()
}

fn diff_terms(a: &Term, b: &Term) -> String {
    if let (Some(x), Some(y)) = (data_kind(a), data_kind(b)) {
        return if x == y {
            "data".into()
        } else {
            format!("{x} / {y}")
        };
    }
    match (a, b) {
        (Term::Tuple(x), Term::Tuple(y)) if x.len() == y.len() && x[0] == y[0] => {
            let head = x[0].to_string();
            for (p, q) in x.iter().zip(y).skip(1) {
                if p != q {
                    return format!("{head}.{}", diff_terms(p, q));
                }
            }
            "same".into()
        }
        (Term::List(x, None), Term::List(y, None)) if keyed(x) && keyed(y) => {
            // A keyed list (getopts, getstat, messages): the first key
            // whose entries differ.
            for p in x {
                let key = key_of(p).unwrap();
                match y.iter().find(|q| key_of(q) == Some(key)) {
                    None => return format!("[{key} only in otp]"),
                    Some(q) if q != p => return format!("[{}]", diff_terms(p, q)),
                    _ => {}
                }
            }
            for q in y {
                let key = key_of(q).unwrap();
                if !x.iter().any(|p| key_of(p) == Some(key)) {
                    return format!("[{key} only in ours]");
                }
            }
            if x.len() != y.len() {
                return format!("[{} / {} entries]", x.len(), y.len());
            }
            "[order]".into()
        }
        (Term::List(x, None), Term::List(y, None)) => {
            for k in 0..x.len().max(y.len()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) if p != q => return format!("[{}]", diff_terms(p, q)),
                    (Some(p), None) => return format!("[{} only in otp]", shape(p)),
                    (None, Some(q)) => return format!("[{} only in ours]", shape(q)),
                    _ => {}
                }
            }
            "same".into()
        }
        _ => format!("{} / {}", shape(a), shape(b)),
    }
}

/// A term with its data replaced by `data`, numbers by `N` and long
/// lists by their length, for signatures.
fn shape(t: &Term) -> String {
    match t {
        _ if is_data(t) => data_kind(t).unwrap_or("data").into(),
        Term::Int(_) => "N".into(),
        // What a list holds is for the keyed or element-wise comparison
        // to say; as a whole it is only empty or not.
        Term::List(items, None) if !items.is_empty() => "[..]".into(),
        Term::Tuple(items) => format!(
            "{{{}}}",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        Term::List(items, None) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Decides, for each candidate program, whether it still shows the
/// divergence being minimised (stably, on both sides).
pub type Eval<'a> = dyn FnMut(&[Program]) -> Vec<Option<Divergence>> + 'a;

/// Shrinks `p` to a shorter program whose divergence on its backend has
/// the same signature: drops chunks of steps (halving the chunk size as
/// in delta debugging), then single elements of list arguments (options,
/// names). Candidates of one round are evaluated together; the first that
/// keeps the signature wins the round.
pub fn minimise(p: &Program, signature: &str, eval: &mut Eval<'_>) -> Program {
    let keeps = |d: &Option<Divergence>| d.as_ref().is_some_and(|d| d.signature == signature);
    let mut cur = p.clone();
    let mut chunk = (cur.len() / 2).max(1);
    loop {
        let cands: Vec<Program> = (0..cur.len())
            .step_by(chunk)
            .filter_map(|start| {
                // A `sleep` is the settle window of the step before it: it
                // goes with that step, never alone (a program without it
                // would race).
                let mut end = (start + chunk).min(cur.len());
                if cur.steps[start..end].iter().all(|s| s.verb == "sleep") {
                    return None;
                }
                while end < cur.len() && cur.steps[end].verb == "sleep" {
                    end += 1;
                }
                let mut c = cur.clone();
                c.steps.drain(start..end);
                (!c.is_empty()).then_some(c)
            })
            .collect();
        let verdicts = if cands.is_empty() {
            Vec::new()
        } else {
            eval(&cands)
        };
        if let Some(k) = verdicts.iter().position(keeps) {
            cur = cands[k].clone();
            chunk = chunk.min((cur.len() / 2).max(1));
            continue;
        }
        if chunk == 1 {
            break;
        }
        chunk = (chunk / 2).max(1);
    }
    // Then the elements of list arguments, one at a time.
    loop {
        let mut cands = Vec::new();
        for (si, s) in cur.steps.iter().enumerate() {
            for (ai, arg) in s.args.iter().enumerate() {
                let Some(items) = arg.as_list() else { continue };
                if arg.as_bytes().is_some() && !items.is_empty() {
                    continue; // a string payload: keep it whole
                }
                for k in 0..items.len() {
                    let mut c = cur.clone();
                    let mut v = items.to_vec();
                    v.remove(k);
                    c.steps[si].args[ai] = Term::list(v);
                    cands.push(c);
                }
            }
        }
        if cands.is_empty() {
            break;
        }
        let verdicts = eval(&cands);
        match verdicts.iter().position(keeps) {
            Some(k) => cur = cands[k].clone(),
            None => break,
        }
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_name_the_smallest_difference() {
        assert_eq!(
            term_diff(
                "{ok,[{packet,raw},{active,false}]}",
                "{ok,[{packet,0},{active,false}]}"
            ),
            "ok.[packet.raw / N]"
        );
        assert_eq!(
            term_diff("{ok,[{a,1},{b,2}]}", "{ok,[{a,1}]}"),
            "ok.[b only in otp]"
        );
        assert_eq!(
            term_diff("{ok,[{buffer,1000}]}", "{ok,[{buffer,1460}]}"),
            "ok.[buffer.N / N]"
        );
        assert_eq!(term_diff("{error,closed}", "ok"), "{error,closed} / ok");
        assert_eq!(term_diff("{ok,<<\"ab\">>}", "{ok,<<\"cd\">>}"), "ok.data");
        assert_eq!(
            term_diff("[{tcp,s,<<\"a\">>},{tcp_closed,s}]", "[{tcp,s,<<\"a\">>}]"),
            "[tcp_closed only in otp]"
        );
    }

    #[test]
    fn the_minimiser_keeps_what_the_divergence_needs() {
        // A fake evaluator: a program "diverges" while it holds steps
        // `close s` and `send s "x"` in this order.
        let p = Program::parse(
            "listen l []\npconnect p l\naccept l s 1000\nsleep 50\nclose s\nflush\nsend s \"x\"\nflush\npsend p \"y\"\nsleep 50\n",
        )
        .unwrap();
        let sig = "inet send x";
        let mut eval = |cands: &[Program]| -> Vec<Option<Divergence>> {
            cands
                .iter()
                .map(|c| {
                    let text = c.to_string();
                    let i = text.find("close s")?;
                    let j = text.find("send s")?;
                    (i < j).then(|| Divergence {
                        backend: InetBackend::Inet,
                        step: 1,
                        step_text: String::new(),
                        otp: String::new(),
                        ours: String::new(),
                        signature: sig.into(),
                    })
                })
                .collect()
        };
        let m = minimise(&p, sig, &mut eval);
        assert_eq!(m.to_string(), "close s\nsend s \"x\"\n");
    }
}
