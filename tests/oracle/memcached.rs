//! Runs Debian's memcached with a rendered container's args, exactly as the kubelet passes
//! them (one argv element per list item), as a non-root user as in the pod, and asks it what
//! it made of them (`stats settings`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The memcached executable, if installed.
pub fn tool() -> Option<PathBuf> {
    super::on_path("memcached")
}

/// What a running memcached reported.
pub struct Report {
    /// `stats settings`: name -> value.
    pub settings: BTreeMap<String, String>,
    /// `stats`: name -> value.
    pub stats: BTreeMap<String, String>,
    /// The process's resident memory, from /proc, in KiB.
    pub rss_kib: u64,
    /// The process's real user id.
    pub uid: u32,
}

/// A memcached process, killed when dropped, so a failed assertion leaves nothing running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts memcached with `args` (plus `-l <loopback address>`), waits until it accepts on
/// `port`, asks for its stats and stops it. As root, it runs as `nobody` (memcached refuses
/// root without `-u`, and the pod runs it unprivileged).
///
/// The loopback address is one of 127.0.0.0/8 picked from the test's pid, not 127.0.0.1:
/// Debian's memcached service already holds 127.0.0.1:11211 wherever it runs, and other test
/// runs on the same box use the same ports. A port that is still taken is retried for a few
/// seconds.
pub fn run(memcached: &Path, args: &[String], port: u16) -> Result<Report, String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match attempt(memcached, args, port) {
            Err(e) if busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

/// Whether an attempt failed only because another process holds the port.
fn busy(error: &str) -> bool {
    error.contains("Address already in use") || error.contains(BUSY)
}

const BUSY: &str = "is answered by another process";

fn attempt(memcached: &Path, args: &[String], port: u16) -> Result<Report, String> {
    let root = std::fs::metadata("/proc/self")
        .map_err(|e| e.to_string())?
        .uid()
        == 0;
    let mut cmd = if root {
        let setpriv = super::on_path("setpriv")
            .ok_or("setpriv (util-linux) is needed to drop root for memcached")?;
        let mut c = Command::new(setpriv);
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
        c.arg(memcached);
        c
    } else {
        Command::new(memcached)
    };
    let pid = std::process::id();
    let ip = Ipv4Addr::new(127, 42, (pid >> 8) as u8, (pid as u8).max(1));
    cmd.args(args)
        .args(["-l", &ip.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut proc = Running(
        cmd.spawn()
            .map_err(|e| format!("cannot start memcached: {e}"))?,
    );
    let pid = proc.0.id();

    let addr = SocketAddr::from((ip, port));
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut conn = loop {
        if let Some(status) = proc.0.try_wait().map_err(|e| e.to_string())? {
            let mut err = String::new();
            if let Some(mut s) = proc.0.stderr.take() {
                let _ = s.read_to_string(&mut err);
            }
            return Err(format!(
                "memcached {args:?} exited ({status}) before accepting: {}",
                err.trim()
            ));
        }
        if let Ok(c) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            break c;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "memcached {args:?} did not accept on {addr} within 5s"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    conn.set_read_timeout(Some(Duration::from_secs(3)))
        .map_err(|e| e.to_string())?;
    conn.set_write_timeout(Some(Duration::from_secs(3)))
        .map_err(|e| e.to_string())?;
    let stats = ask(&mut conn, "stats")?;
    // Whoever answered must be the process just started, not one already on the port.
    if stats.get("pid").map(String::as_str) != Some(pid.to_string().as_str()) {
        return Err(format!(
            "{addr} {BUSY} (pid {:?}), not by the memcached just started ({pid})",
            stats.get("pid")
        ));
    }
    let settings = ask(&mut conn, "stats settings")?;
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let report = Report {
        settings,
        stats,
        rss_kib: field("VmRSS:").ok_or("no VmRSS in /proc status")?,
        uid: field("Uid:").ok_or("no Uid in /proc status")? as u32,
    };
    drop(conn);
    drop(proc);
    Ok(report)
}

/// Sends a stats command and reads its `STAT name value` lines up to `END`.
fn ask(conn: &mut TcpStream, command: &str) -> Result<BTreeMap<String, String>, String> {
    conn.write_all(format!("{command}\r\n").as_bytes())
        .map_err(|e| format!("{command}: {e}"))?;
    let mut reader = BufReader::new(conn.try_clone().map_err(|e| e.to_string())?);
    let mut out = BTreeMap::new();
    loop {
        let mut line = String::new();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| format!("{command}: {e}"))?;
        let line = line.trim_end();
        if n == 0 {
            return Err(format!("{command}: connection closed before END"));
        }
        if line == "END" {
            return Ok(out);
        }
        match line.strip_prefix("STAT ").and_then(|l| l.split_once(' ')) {
            Some((k, v)) => {
                out.insert(k.to_owned(), v.to_owned());
            }
            None => return Err(format!("{command}: unexpected reply `{line}`")),
        }
    }
}

/// memcached's reading of a size with an optional k/m/g suffix (`-I 5m`), in bytes.
pub fn size_bytes(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    let (num, mult) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 1024),
        'm' => (&t[..t.len() - 1], 1024 * 1024),
        'g' => (&t[..t.len() - 1], 1024 * 1024 * 1024),
        _ => (t.as_str(), 1),
    };
    num.parse::<u64>().ok().map(|n| n * mult)
}
