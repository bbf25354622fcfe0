//! What a part prints and what its bounds are checked on, read from
//! `/proc/self` and the CPU clocks: resident memory (now and its peak),
//! CPU time, open descriptors and threads.

use std::fmt;
use std::time::Duration;

/// The process's figures at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// Resident memory, KiB (`VmRSS`).
    pub rss_kib: u64,
    /// The most resident memory since the last [`reset_peak`], KiB (`VmHWM`).
    pub peak_kib: u64,
    /// CPU time of the whole process, every thread, dead or alive.
    pub cpu: Duration,
    /// Open descriptors (`/proc/self/fd`).
    pub fds: usize,
    /// Threads (`Threads` in `/proc/self/status`).
    pub threads: usize,
}

impl Figures {
    /// The figures now.
    pub fn now() -> Figures {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Figures {
            rss_kib: field("VmRSS:"),
            peak_kib: field("VmHWM:"),
            cpu: process_cpu(),
            fds: fd_count(),
            threads: field("Threads:") as usize,
        }
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rss {:.1} MiB (peak {:.1} MiB), cpu {:.2} s, fds {}, threads {}",
            self.rss_kib as f64 / 1024.0,
            self.peak_kib as f64 / 1024.0,
            self.cpu.as_secs_f64(),
            self.fds,
            self.threads
        )
    }
}

/// Makes the allocator map every block of 64 KiB or more afresh and give
/// it back when freed (glibc's `M_MMAP_THRESHOLD`, which otherwise rises
/// to the largest block freed so far): a step's large buffers then show in
/// its resident memory, instead of reusing pages an earlier step left.
pub fn map_large_blocks() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only changes the allocator's policy.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * 1024);
    }
}

/// Gives the memory the allocator holds free back to the kernel (glibc's
/// `malloc_trim`), so that what a step makes resident shows in its peak
/// instead of reusing pages an earlier step left resident.
pub fn trim() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only releases free memory of the allocator.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes the peak of resident memory (`VmHWM`) start again from what is
/// resident now (`/proc/self/clear_refs`, Linux 4.0 and later). False if
/// the kernel refused: the peak then counts from the process's start.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which `ts` is.
    let r = unsafe { libc::clock_gettime(id, &mut ts) };
    assert_eq!(r, 0, "clock_gettime({id})");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// CPU time of the whole process (`CLOCK_PROCESS_CPUTIME_ID`): exact,
/// not sampled at ticks.
pub fn process_cpu() -> Duration {
    clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
pub fn thread_cpu() -> Duration {
    clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Open descriptors of the process (the directory's own is not counted).
pub fn fd_count() -> usize {
    open_fds().len()
}

/// Every open descriptor and what it names (`socket:[N]`, a path, ...).
pub fn open_fds() -> Vec<(i32, String)> {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return Vec::new();
    };
    let mut fds: Vec<(i32, String)> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let fd = e.file_name().to_str()?.parse().ok()?;
            let target = std::fs::read_link(e.path()).ok()?;
            Some((fd, target.display().to_string()))
        })
        .collect();
    fds.sort();
    fds
}

/// The process's threads: name, state and the system call each waits in
/// (for a hang report).
pub fn threads() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in dir.filter_map(|e| e.ok()) {
        let p = e.path();
        let read = |f: &str| {
            std::fs::read_to_string(p.join(f))
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let syscall = read("syscall");
        let nr = syscall.split_whitespace().next().unwrap_or("?").to_string();
        out.push(format!(
            "  tid {:>7} {:<32} syscall {:<6} wchan {}",
            e.file_name().to_string_lossy(),
            read("comm"),
            nr,
            read("wchan")
        ));
    }
    out.sort();
    out
}

/// The system call the thread `tid` of this process waits in now, if it
/// waits in one (`/proc/self/task/TID/syscall`).
pub fn waiting_in(tid: libc::pid_t) -> Option<i64> {
    let s = std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall")).ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// The calling thread's id.
pub fn gettid() -> libc::pid_t {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() }
}

/// Raises the soft limit of descriptors to the hard limit; returns the
/// limit now in force.
pub fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid rlimit struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        lim.rlim_cur = lim.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    lim.rlim_cur
}

/// A part's figures before and after, printed as it ends, with what must
/// come back: descriptors and threads as they were.
pub struct Ledger {
    name: String,
    before: Figures,
}

impl Ledger {
    /// Takes the figures before the part.
    pub fn open(name: &str) -> Ledger {
        let before = Figures::now();
        println!("{name}: before: {before}");
        Ledger {
            name: name.to_string(),
            before,
        }
    }

    /// The figures taken at the start.
    pub fn before(&self) -> Figures {
        self.before
    }

    /// Prints the figures after the part and asserts that no descriptor
    /// and no thread was left behind. A thread that was joined may still
    /// be counted for a moment (the kernel wakes the joiner before it has
    /// removed the thread), so the count is awaited, within a bound.
    pub fn close(self) -> Figures {
        let settled = |f: &Figures| f.fds == self.before.fds && f.threads == self.before.threads;
        let end = std::time::Instant::now() + Duration::from_secs(10);
        let mut after = Figures::now();
        while !settled(&after) && std::time::Instant::now() < end {
            std::thread::yield_now();
            after = Figures::now();
        }
        println!("{}: after:  {after}", self.name);
        println!(
            "{}: cpu {:.2} s, rss {:+.1} MiB, fds {:+}, threads {:+}",
            self.name,
            (after.cpu - self.before.cpu).as_secs_f64(),
            (after.rss_kib as f64 - self.before.rss_kib as f64) / 1024.0,
            after.fds as i64 - self.before.fds as i64,
            after.threads as i64 - self.before.threads as i64
        );
        if after.fds != self.before.fds {
            panic!(
                "{}: {} descriptors before, {} after; open now:\n{:#?}",
                self.name,
                self.before.fds,
                after.fds,
                open_fds()
            );
        }
        if after.threads != self.before.threads {
            panic!(
                "{}: {} threads before, {} after:\n{}",
                self.name,
                self.before.threads,
                after.threads,
                threads().join("\n")
            );
        }
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_are_read() {
        let f = Figures::now();
        assert!(f.rss_kib > 0 && f.threads >= 1 && f.fds >= 3, "{f}");
        let fds = open_fds();
        assert_eq!(fds.len(), fd_count());
        assert!(fds.iter().any(|(fd, _)| *fd == 0), "{fds:?}");
        let before = thread_cpu();
        let mut x = 0u64;
        for i in 0..1_000_000u64 {
            x = x.wrapping_add(std::hint::black_box(i));
        }
        std::hint::black_box(x);
        assert!(thread_cpu() > before);
        assert!(!threads().is_empty());
    }
}
