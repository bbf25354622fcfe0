//! The process's memory, as the kernel counts it in `/proc/self/status`.
//!
//! Resident set size counts user-space pages only: the kernel's socket
//! buffers (`sk_buff`s, per-socket structures) are not in it.

/// Resident memory of this process, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub rss: u64,
    /// `VmHWM`: the peak of `VmRSS` (since start, or since [`reset_peak`]).
    pub peak: u64,
}

/// Reads `VmRSS` and `VmHWM`.
pub fn now() -> Result<Memory, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("/proc/self/status: {e}"))?;
    Ok(Memory {
        rss: field_bytes(&status, "VmRSS:")?,
        peak: field_bytes(&status, "VmHWM:")?,
    })
}

/// Resets `VmHWM` to the current RSS (Linux 4.0+); ignored if refused,
/// which leaves the peak since start, still right in a fresh child.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The value of a `Name:   1234 kB` line, in bytes.
fn field_bytes(status: &str, name: &str) -> Result<u64, String> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| format!("no {name} in /proc/self/status"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kilobytes_as_bytes() {
        let status = "Name:\tbench\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\n";
        assert_eq!(field_bytes(status, "VmRSS:"), Ok(1024 * 1024));
        assert_eq!(field_bytes(status, "VmHWM:"), Ok(2048 * 1024));
        assert!(field_bytes(status, "VmSwap:").is_err());
    }

    #[test]
    fn this_process_has_memory() {
        let m = now().unwrap();
        assert!(m.rss > 0 && m.peak >= m.rss);
    }
}
