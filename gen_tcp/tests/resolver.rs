//! Host names in `connect`: the connect timeout bounds the lookup too, and
//! a failed lookup says why (`nxdomain` only when the name does not
//! exist, `try_again` when no name server can answer now).
//!
//! These need a name server whose answers the test chooses. The
//! scenarios run in a child process (this test binary again) inside a
//! private mount namespace whose `/etc/resolv.conf` names 127.83.0.53,
//! where the child answers DNS queries itself. That takes `unshare` and
//! the right to mount (root); where either is missing the test says so on
//! stderr and checks nothing else. CI runs it as root.

use gen_tcp::{Error, Opt};
use std::net::UdpSocket;
use std::process::Command;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

const CHILD: &str = "GEN_TCP_RESOLVER_CHILD";
const SERVER: &str = "127.83.0.53";

/// What the child's name server does with a query.
const SILENT: u8 = 255;
const NOERROR: u8 = 0;
const SERVFAIL: u8 = 2;
const NXDOMAIN: u8 = 3;

fn can_unshare_mounts() -> bool {
    Command::new("unshare")
        .args(["--mount", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn lookups_keep_their_reason_and_the_connect_deadline() {
    if !can_unshare_mounts() {
        eprintln!(
            "skipped: cannot make a mount namespace here (needs util-linux unshare and root)"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("gen_tcp_resolver_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("resolv.conf");
    // One try, and a long wait for an answer: only the connect timeout
    // can end a lookup to the silent server early.
    std::fs::write(
        &conf,
        format!("nameserver {SERVER}\noptions timeout:30 attempts:1\n"),
    )
    .unwrap();
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "mount --bind '{}' /etc/resolv.conf && exec '{}' --exact child --ignored --nocapture --test-threads=1",
        conf.display(),
        exe.display()
    );
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .env(CHILD, "1")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the child failed:\n{stdout}\n{stderr}"
    );
}

/// Answers every query on `SERVER:53` with the response code in `mode`
/// and no records, or not at all when `mode` is `SILENT`.
fn name_server(mode: Arc<AtomicU8>) {
    let sock = UdpSocket::bind((SERVER, 53)).expect("binding the test name server");
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = sock.recv_from(&mut buf) {
            let rcode = mode.load(Ordering::SeqCst);
            if n < 12 || rcode == SILENT {
                continue;
            }
            let mut reply = buf[..n].to_vec();
            reply[2] = 0x80 | (buf[2] & 0x01); // a response; keep RD
            reply[3] = 0x80 | rcode; // RA, and the code
            reply[6..12].fill(0); // no answer, authority or additional records
            let _ = sock.send_to(&reply, from);
        }
    });
}

#[test]
#[ignore = "run by lookups_keep_their_reason_and_the_connect_deadline, in its own namespace"]
fn child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let mode = Arc::new(AtomicU8::new(NXDOMAIN));
    name_server(mode.clone());
    let long = Some(Duration::from_secs(20));
    let connect = |name: &str, timeout| gen_tcp::connect(name, 80, &[Opt::Binary], timeout).err();

    mode.store(NXDOMAIN, Ordering::SeqCst);
    assert_eq!(
        connect("nxdomain.gen-tcp.test", long),
        Some(Error::Nxdomain)
    );
    assert_eq!(
        connect("nxdomain-2.gen-tcp.test", None),
        Some(Error::Nxdomain)
    );

    // The name exists but has no address: still no address to reach.
    mode.store(NOERROR, Ordering::SeqCst);
    assert_eq!(connect("nodata.gen-tcp.test", long), Some(Error::Nxdomain));

    // The server cannot answer now: not a verdict on the name.
    mode.store(SERVFAIL, Ordering::SeqCst);
    assert_eq!(
        connect("servfail.gen-tcp.test", long),
        Some(Error::TryAgain)
    );
    assert_eq!(
        connect("servfail-2.gen-tcp.test", None),
        Some(Error::TryAgain)
    );

    // No answer at all: the connect timeout ends the wait, as it ends a
    // connect that gets no answer.
    mode.store(SILENT, Ordering::SeqCst);
    let short = Some(Duration::from_millis(200));
    assert_eq!(connect("silent.gen-tcp.test", short), Some(Error::Timeout));
    assert_eq!(
        connect("silent-2.gen-tcp.test", Some(Duration::ZERO)),
        Some(Error::Timeout)
    );
}
