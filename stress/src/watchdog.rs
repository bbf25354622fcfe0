//! The hang watchdog: a step that has not finished within its (generous)
//! bound ends the process with a report of every thread and the system
//! call it waits in, instead of hanging the suite. Its bound is no
//! assertion on time: a step that finishes is never judged by how long
//! it took; one that does not finish is a hang.

use crate::figures;
use std::sync::mpsc;
use std::time::Duration;

/// A watchdog, armed until dropped.
pub struct Watchdog {
    disarm: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Arms a watchdog for `what`: if it is not dropped within `limit`, the
/// process prints a hang report and exits with status 3.
pub fn watch(what: impl Into<String>, limit: Duration) -> Watchdog {
    let what = what.into();
    let (tx, rx) = mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("stress watchdog".into())
        .spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                hang(&what, limit);
            }
        })
        .expect("a thread for the watchdog");
    Watchdog {
        disarm: Some(tx),
        thread: Some(thread),
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.disarm.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reports a hang and ends the process.
fn hang(what: &str, limit: Duration) -> ! {
    eprintln!(
        "stress: HANG: {what} did not finish within {limit:?}\n{}\nthreads:\n{}",
        figures::Figures::now(),
        figures::threads().join("\n")
    );
    std::process::exit(3);
}
