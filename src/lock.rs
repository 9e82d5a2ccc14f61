//! One run per output folder: `annotate` and `merge` hold `.claimscan.lock` (the pid and host
//! of the holder) while they write, and remove it when they finish.
//!
//! A lock left by a process that no longer runs on this host (killed, or the machine
//! rebooted) is stale: it is reported and taken over. A lock held by a live process, or by one
//! on another host (whose liveness this host cannot see), stops the new run.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the lock file inside the output folder.
pub const LOCK_FILE: &str = ".claimscan.lock";

/// Why the output folder cannot be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it.
    #[error(
        "{dir} is in use by another claimscan run (pid {pid} on {host}, see {lock}); wait for \
         it to finish, or remove {lock} if that process is gone"
    )]
    Busy {
        /// The output folder.
        dir: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// Holder's pid.
        pid: u32,
        /// Holder's host.
        host: String,
    },
    /// The lock file could not be written or read.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The held lock; dropping it removes the file.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
}

/// This machine's host name.
fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// Whether process `pid` runs on this host.
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 only checks that the process exists; no signal is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl OutputLock {
    /// Locks `dir` (creating it), taking over a stale lock with a note on stderr.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let me = format!("{} {}\n", std::process::id(), host_name());
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    file.write_all(me.as_bytes()).map_err(io)?;
                    return Ok(OutputLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let held = fs::read_to_string(&path).unwrap_or_default();
                    let mut fields = held.split_whitespace();
                    let pid: Option<u32> = fields.next().and_then(|p| p.parse().ok());
                    let host = fields.next().unwrap_or("").to_string();
                    let stale = match pid {
                        Some(pid) => host == host_name() && !alive(pid),
                        None => true, // empty or damaged: no one can own it
                    };
                    if !stale {
                        return Err(LockError::Busy {
                            dir: dir.to_path_buf(),
                            lock: path.clone(),
                            pid: pid.unwrap_or(0),
                            host,
                        });
                    }
                    eprintln!(
                        "claimscan: {} was left by a run that is gone ({}); taking it over",
                        path.display(),
                        held.trim()
                    );
                    match fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io(e)),
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // A lock that cannot be removed is reported as stale by the next run.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_a_stale_one_taken_over() {
        let dir = std::env::temp_dir().join(format!("claimscan-lock-{}", std::process::id()));
        let first = OutputLock::acquire(&dir).expect("first lock");
        assert!(matches!(
            OutputLock::acquire(&dir),
            Err(LockError::Busy { .. })
        ));
        drop(first);
        assert!(!dir.join(LOCK_FILE).exists(), "released on drop");
        // A dead pid on this host: pid_max is below 2^22 on Linux.
        fs::write(dir.join(LOCK_FILE), format!("4194303 {}\n", host_name())).expect("write");
        let taken = OutputLock::acquire(&dir).expect("stale lock taken over");
        drop(taken);
        // A live process on another host cannot be checked: refused.
        fs::write(dir.join(LOCK_FILE), "1 some-other-host\n").expect("write");
        assert!(matches!(
            OutputLock::acquire(&dir),
            Err(LockError::Busy { .. })
        ));
        let _ = fs::remove_dir_all(&dir);
    }
}
