//! The system calls the benches make themselves.

use std::time::Duration;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the new
/// soft limit (how many descriptors this process may hold).
pub fn raise_nofile_limit() -> Result<u64, String> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable `rlimit` for the call's duration.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: `raised` is a valid `rlimit`, only read by the call.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
            return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
        }
        lim = raised;
    }
    Ok(lim.rlim_cur)
}

/// The CPUs this process may run on, lowest first.
pub fn allowed_cpus() -> Result<Vec<usize>, String> {
    // SAFETY: `cpu_set_t` is plain bits; all zeroes is the empty set.
    let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `allowed` is a writable `cpu_set_t` of `size` bytes.
    if unsafe { libc::sched_getaffinity(0, size, &mut allowed) } != 0 {
        return Err(format!(
            "sched_getaffinity: {}",
            std::io::Error::last_os_error()
        ));
    }
    let max = libc::CPU_SETSIZE as usize;
    // SAFETY: `allowed` is initialised and `cpu < CPU_SETSIZE`.
    let cpus: Vec<usize> = (0..max)
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &allowed) })
        .collect();
    if cpus.is_empty() {
        return Err("no CPU allowed".into());
    }
    Ok(cpus)
}

/// Pins the calling thread, and so every thread and process it starts
/// afterwards, to `cpu`.
pub fn pin_to(cpu: usize) -> Result<(), String> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(format!("no CPU {cpu}"));
    }
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `cpu_set_t` is plain bits; all zeroes is the empty set.
    let mut one: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `cpu < CPU_SETSIZE`, checked above.
    unsafe { libc::CPU_SET(cpu, &mut one) };
    // SAFETY: `one` is an initialised `cpu_set_t` of `size` bytes.
    if unsafe { libc::sched_setaffinity(0, size, &one) } != 0 {
        return Err(format!(
            "sched_setaffinity: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

/// Pins the calling thread (and what it starts) to the first CPU it may
/// run on; returns that CPU.
pub fn pin_to_one_cpu() -> Result<usize, String> {
    let cpu = allowed_cpus()?[0];
    pin_to(cpu)?;
    Ok(cpu)
}

/// Where a server and the load on it run: the first two CPUs this
/// process may use, or the one CPU twice when it has only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The server's CPU.
    pub server: usize,
    /// The load generator's (client's) CPU.
    pub load: usize,
}

impl Placement {
    /// The first two allowed CPUs.
    pub fn split() -> Result<Placement, String> {
        let cpus = allowed_cpus()?;
        Ok(Placement {
            server: cpus[0],
            load: *cpus.get(1).unwrap_or(&cpus[0]),
        })
    }
}

/// CPU time (user + system) the calling thread has used so far.
pub fn thread_cpu_time() -> Duration {
    // SAFETY: `rusage` is plain data; all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a writable `rusage`; RUSAGE_THREAD is Linux's.
    if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    cpu_time(&usage)
}

fn cpu_time(usage: &libc::rusage) -> Duration {
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Waits for the child process `pid` to exit and returns the CPU time
/// it used (`wait4`); after this the child is reaped, so its
/// `std::process::Child` must not be waited on again.
pub fn reap_with_cpu_time(pid: u32) -> Result<Duration, String> {
    let mut status = 0;
    // SAFETY: as above.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are writable for the call.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        if r == pid as libc::pid_t {
            return Ok(cpu_time(&usage));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}"));
        }
    }
}

/// Sends `signal` to every process in the process group `pgid` (a
/// child started with `process_group(0)` leads a group of its own id).
pub fn signal_group(pgid: u32, signal: libc::c_int) {
    // SAFETY: kill(2) with a negative pid only sends a signal; a group
    // that is gone gives ESRCH, which is ignored.
    unsafe {
        libc::kill(-(pgid as libc::pid_t), signal);
    }
}

/// CPU time (user + system) used so far by every live process of the
/// process group `pgid`, all their threads included, from `/proc/*/stat`.
pub fn group_cpu_time(pgid: u32) -> Duration {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    let total: u64 = dir
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter_map(|stat| stat_cpu_ticks(&stat, pgid))
        .sum();
    Duration::from_secs_f64(total as f64 / ticks)
}

/// `utime + stime` of a `/proc/PID/stat` line, when its process is in
/// group `pgid`.
fn stat_cpu_ticks(stat: &str, pgid: u32) -> Option<u64> {
    // The command name is in parentheses and may hold anything: the
    // fields that follow start after the last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // state ppid pgrp ... utime (14th field of the line) stime (15th).
    if fields.get(2)?.parse::<u32>().ok()? != pgid {
        return None;
    }
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_for_the_group_only() {
        let stat = "42 (a (b) c) S 1 777 777 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0";
        assert_eq!(stat_cpu_ticks(stat, 777), Some(300));
        assert_eq!(stat_cpu_ticks(stat, 778), None);
        assert_eq!(stat_cpu_ticks("garbage", 777), None);
    }

    #[test]
    fn this_process_group_has_used_cpu() {
        // SAFETY: getpgrp only reads this process's group id.
        let me = unsafe { libc::getpgrp() } as u32;
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {}
        assert!(group_cpu_time(me) > Duration::ZERO);
    }
}
