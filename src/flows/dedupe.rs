//! `--dedupe` in bounded memory: the captures of Loki records are spilled to hash
//! partitions on disk while reading, and each partition is matched on its own afterwards.
//!
//! Every counted Loki record of a file without `flow-direction` becomes one fixed-size
//! [`Capture`] (its 5-tuple, interface, window, and the cell it was counted in). A worker
//! appends it to one of [`FANOUT`] partition files chosen by a hash of the 5-tuple, so the
//! two captures of one flow land in the same partition whichever worker read them. After
//! reading, each partition is loaded alone, sorted, and matched; a partition larger than
//! [`BUDGET`] is split again by the next bits of the hash (a grace hash join), so memory is
//! one partition of at most `BUDGET` bytes whatever the input size. Only the captures of a
//! single 5-tuple cannot be split: a flow captured more than ~130,000 times in the input.
//!
//! Disk: [`Capture::SIZE`] bytes per Loki record, under `$TMPDIR`, removed at the end.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::zones::Addr;

/// Partitions per split.
pub const FANOUT: usize = 64;
/// The most bytes of captures matched at once.
pub const BUDGET: u64 = 12 << 20;
/// Splits before a partition is matched however large (64^4 partitions).
const MAX_LEVEL: u32 = 4;
/// The write buffer of one partition file of one worker.
const WRITE_BUF: usize = 8 << 10;

/// One capture of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capture {
    pub src: Addr,
    pub dst: Addr,
    pub sport: u16,
    pub dport: u16,
    pub proto: u8,
    /// The capturing interface (a hash of `interface-id`).
    pub interface: u64,
    pub start: u64,
    pub end: u64,
    /// The cell it was counted in, so a matched duplicate can be taken out again.
    pub cell: u32,
    pub packets: u64,
    pub bytes: u64,
    /// (file index, byte offset): orders captures whatever thread read them.
    pub file: u32,
    pub offset: u64,
}

fn addr_bits(a: Addr) -> (u8, u128) {
    match a {
        Addr::V4(x) => (0, u128::from(x)),
        Addr::V6(x) => (1, x),
    }
}

impl Capture {
    /// Bytes on disk.
    pub const SIZE: usize = 16 + 16 + 2 + 2 + 1 + 1 + 8 * 3 + 4 + 8 * 2 + 4 + 8;

    /// The 5-tuple as one comparable value.
    fn key(&self) -> (u128, u128, u16, u16, u8, u8) {
        let (fs, s) = addr_bits(self.src);
        let (fd, d) = addr_bits(self.dst);
        (s, d, self.sport, self.dport, self.proto, fs | (fd << 1))
    }

    /// The partition at split `level`: 6 bits of a hash of the 5-tuple per level.
    fn partition(&self, level: u32) -> usize {
        let (s, d, sp, dp, p, f) = self.key();
        let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
        for w in [
            s as u64,
            (s >> 64) as u64,
            d as u64,
            (d >> 64) as u64,
            u64::from(sp) | u64::from(dp) << 16 | u64::from(p) << 32 | u64::from(f) << 40,
        ] {
            h = (h ^ w).wrapping_mul(0xff51_afd7_ed55_8ccd);
            h ^= h >> 33;
        }
        ((h >> (6 * level)) as usize) % FANOUT
    }

    fn write(&self, out: &mut [u8; Capture::SIZE]) {
        let (fs, s) = addr_bits(self.src);
        let (fd, d) = addr_bits(self.dst);
        let mut at = 0;
        let mut put = |b: &[u8]| {
            out[at..at + b.len()].copy_from_slice(b);
            at += b.len();
        };
        put(&s.to_le_bytes());
        put(&d.to_le_bytes());
        put(&self.sport.to_le_bytes());
        put(&self.dport.to_le_bytes());
        put(&[self.proto, fs | (fd << 1)]);
        put(&self.interface.to_le_bytes());
        put(&self.start.to_le_bytes());
        put(&self.end.to_le_bytes());
        put(&self.cell.to_le_bytes());
        put(&self.packets.to_le_bytes());
        put(&self.bytes.to_le_bytes());
        put(&self.file.to_le_bytes());
        put(&self.offset.to_le_bytes());
    }

    fn read(b: &[u8; Capture::SIZE]) -> Capture {
        let mut at = 0;
        let mut take = |n: usize| {
            let s = &b[at..at + n];
            at += n;
            s
        };
        let u128_ = |s: &[u8]| u128::from_le_bytes(s.try_into().expect("16 bytes"));
        let u64_ = |s: &[u8]| u64::from_le_bytes(s.try_into().expect("8 bytes"));
        let u32_ = |s: &[u8]| u32::from_le_bytes(s.try_into().expect("4 bytes"));
        let u16_ = |s: &[u8]| u16::from_le_bytes(s.try_into().expect("2 bytes"));
        let s = u128_(take(16));
        let d = u128_(take(16));
        let sport = u16_(take(2));
        let dport = u16_(take(2));
        let pf = take(2);
        let (proto, fam) = (pf[0], pf[1]);
        let addr = |v6: bool, x: u128| if v6 { Addr::V6(x) } else { Addr::V4(x as u32) };
        Capture {
            src: addr(fam & 1 == 1, s),
            dst: addr(fam & 2 == 2, d),
            sport,
            dport,
            proto,
            interface: u64_(take(8)),
            start: u64_(take(8)),
            end: u64_(take(8)),
            cell: u32_(take(4)),
            packets: u64_(take(8)),
            bytes: u64_(take(8)),
            file: u32_(take(4)),
            offset: u64_(take(8)),
        }
    }
}

/// The spill folder, removed when dropped.
pub struct SpillDir {
    pub path: PathBuf,
}

impl SpillDir {
    pub fn new() -> std::io::Result<SpillDir> {
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = base.join(format!(
            "portplan-flows-dedupe-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir(&path)?;
        Ok(SpillDir { path })
    }

    fn file(&self, worker: usize, part: usize) -> PathBuf {
        self.path.join(format!("w{worker}-p{part}"))
    }
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// One worker's partition files, opened on first use.
pub struct Spill {
    dir: PathBuf,
    worker: usize,
    files: Vec<Option<BufWriter<File>>>,
    pub error: Option<String>,
}

impl Spill {
    pub fn new(dir: &SpillDir, worker: usize) -> Spill {
        Spill {
            dir: dir.path.clone(),
            worker,
            files: (0..FANOUT).map(|_| None).collect(),
            error: None,
        }
    }

    pub fn push(&mut self, c: &Capture) {
        if self.error.is_some() {
            return;
        }
        let p = c.partition(0);
        let mut buf = [0u8; Capture::SIZE];
        c.write(&mut buf);
        let r = (|| -> std::io::Result<()> {
            if self.files[p].is_none() {
                let path = self.dir.join(format!("w{}-p{p}", self.worker));
                self.files[p] = Some(BufWriter::with_capacity(WRITE_BUF, File::create(path)?));
            }
            self.files[p].as_mut().expect("opened").write_all(&buf)
        })();
        if let Err(e) = r {
            self.error = Some(format!("{}: {e}", self.dir.display()));
        }
    }

    /// Flushes and closes every file.
    pub fn finish(&mut self) -> Result<(), String> {
        for f in self.files.iter_mut().filter_map(Option::take) {
            if let Err(e) = f.into_inner().map_err(|e| e.into_error()) {
                self.error
                    .get_or_insert(format!("{}: {e}", self.dir.display()));
            }
        }
        self.error.take().map_or(Ok(()), Err)
    }
}

/// A capture taken out by the match: its cell and what it had added there.
pub struct Duplicate {
    pub cell: u32,
    pub packets: u64,
    pub bytes: u64,
}

/// Matches every partition the `workers` wrote and calls `dup` for each second capture.
pub fn matches(
    dir: &SpillDir,
    workers: usize,
    mut dup: impl FnMut(Duplicate),
) -> Result<(), String> {
    for part in 0..FANOUT {
        let files: Vec<PathBuf> = (0..workers)
            .map(|w| dir.file(w, part))
            .filter(|p| p.exists())
            .collect();
        partition(&dir.path, &files, 1, &format!("p{part}"), &mut dup)
            .map_err(|e| format!("{}: {e}", dir.path.display()))?;
    }
    Ok(())
}

fn partition(
    dir: &Path,
    files: &[PathBuf],
    level: u32,
    name: &str,
    dup: &mut impl FnMut(Duplicate),
) -> std::io::Result<()> {
    let size: u64 = files
        .iter()
        .map(|f| f.metadata().map_or(0, |m| m.len()))
        .sum();
    if size == 0 {
        return Ok(());
    }
    if size > BUDGET && level <= MAX_LEVEL {
        // Split by the next 6 bits of the hash, then match the pieces one by one.
        let mut outs: Vec<Option<BufWriter<File>>> = (0..FANOUT).map(|_| None).collect();
        let paths: Vec<PathBuf> = (0..FANOUT)
            .map(|i| dir.join(format!("{name}-{i}")))
            .collect();
        for f in files {
            each(f, |c| {
                let i = c.partition(level);
                if outs[i].is_none() {
                    outs[i] = Some(BufWriter::with_capacity(
                        WRITE_BUF,
                        File::create(&paths[i])?,
                    ));
                }
                let mut buf = [0u8; Capture::SIZE];
                c.write(&mut buf);
                outs[i].as_mut().expect("opened").write_all(&buf)
            })?;
            std::fs::remove_file(f)?;
        }
        for o in outs.into_iter().flatten() {
            o.into_inner().map_err(|e| e.into_error())?;
        }
        for (i, p) in paths.iter().enumerate() {
            if p.exists() {
                partition(
                    dir,
                    std::slice::from_ref(p),
                    level + 1,
                    &format!("{name}-{i}"),
                    dup,
                )?;
            }
        }
        return Ok(());
    }
    let mut v = Vec::with_capacity((size / Capture::SIZE as u64) as usize);
    for f in files {
        each(f, |c| {
            v.push(c);
            Ok(())
        })?;
        std::fs::remove_file(f)?;
    }
    match_all(&mut v, dup);
    Ok(())
}

/// Calls `f` for every capture of a partition file.
fn each(path: &Path, mut f: impl FnMut(Capture) -> std::io::Result<()>) -> std::io::Result<()> {
    let mut r = BufReader::with_capacity(64 << 10, File::open(path)?);
    let mut buf = [0u8; Capture::SIZE];
    loop {
        match r.read_exact(&mut buf) {
            Ok(()) => f(Capture::read(&buf))?,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// Of two captures of one 5-tuple on different interfaces with overlapping windows, the
/// later (by start, then file order) is the duplicate; each capture pairs at most once, with
/// the earliest unpaired candidate.
pub fn match_all(v: &mut [Capture], dup: &mut impl FnMut(Duplicate)) {
    v.sort_unstable_by_key(|c| (c.key(), c.start, c.file, c.offset));
    let mut i = 0;
    while i < v.len() {
        let k = v[i].key();
        let mut j = i;
        while j < v.len() && v[j].key() == k {
            j += 1;
        }
        match_flow(&v[i..j], dup);
        i = j;
    }
}

/// One 5-tuple's captures, sorted by start: the unpaired ones are kept in order, and one
/// whose window ended before the current start is dropped (no later capture can overlap it).
fn match_flow(v: &[Capture], dup: &mut impl FnMut(Duplicate)) {
    let mut open: std::collections::VecDeque<usize> = Default::default();
    for i in 0..v.len() {
        let c = &v[i];
        open.retain(|&j| v[j].end >= c.start);
        let partner = open
            .iter()
            .position(|&j| v[j].interface != c.interface && v[j].start <= c.end);
        match partner {
            Some(at) => {
                open.remove(at);
                dup(Duplicate {
                    cell: c.cell,
                    packets: c.packets,
                    bytes: c.bytes,
                });
            }
            None => open.push_back(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(iface: u64, start: u64, end: u64, offset: u64) -> Capture {
        Capture {
            src: Addr::V4(1),
            dst: Addr::V6(2),
            sport: 3,
            dport: 4101,
            proto: 6,
            interface: iface,
            start,
            end,
            cell: offset as u32,
            packets: 1,
            bytes: 10,
            file: 0,
            offset,
        }
    }

    #[test]
    fn round_trips_on_disk() {
        let c = cap(7, 100, 160, 42);
        let mut b = [0u8; Capture::SIZE];
        c.write(&mut b);
        assert_eq!(Capture::read(&b), c);
    }

    #[test]
    fn pairs_overlapping_captures_of_other_interfaces_once() {
        // a [0,60] on eni 1; b [10,70] on eni 2: b is a's twin. c [20,80] on eni 2: a is
        // taken, no partner. d [600,660] eni 1: c ended before it starts, alone.
        // e [600,660] eni 2: d's twin.
        let mut v = vec![
            cap(2, 600, 660, 5),
            cap(1, 0, 60, 1),
            cap(2, 20, 80, 3),
            cap(2, 10, 70, 2),
            cap(1, 600, 660, 4),
        ];
        let mut dups = Vec::new();
        match_all(&mut v, &mut |d| dups.push(d.cell));
        assert_eq!(dups, vec![2, 5]);
    }

    #[test]
    fn a_large_partition_is_split_and_matches_the_same() {
        // 300,000 flows of two captures each (28 MB on disk, over the 12 MiB budget).
        let dir = SpillDir::new().unwrap();
        let mut s = Spill::new(&dir, 0);
        for n in 0..300_000u32 {
            for (iface, start) in [(1, 0), (2, 5)] {
                let mut c = cap(iface, start, start + 60, u64::from(n) * 2 + iface);
                c.src = Addr::V4(n);
                s.push(&c);
            }
        }
        s.finish().unwrap();
        let mut n = 0;
        let mut bytes = 0;
        matches(&dir, 1, |d| {
            n += 1;
            bytes += d.bytes;
        })
        .unwrap();
        assert_eq!((n, bytes), (300_000, 3_000_000));
        let path = dir.path.clone();
        drop(dir);
        assert!(!path.exists(), "the spill folder is removed");
    }
}
