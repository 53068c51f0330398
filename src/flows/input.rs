//! Finding the flow-log files and reading them: streaming, bounded memory, in parallel
//! across files and across newline-aligned chunks of one large plain file.
//!
//! Memory is one read buffer per worker (plus, for .gz, the inflater's 32 KiB window) and
//! the counters; no file is ever loaded whole.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::aggregate::{Agg, Dims, FileFailure};
use super::attribute::{self, Ctx, Source};
use super::format::Layout;
#[cfg(target_os = "linux")]
use super::mapped::Mapped;
use super::record::{Fields, scan};

/// Bytes per plain-file chunk: big enough that the per-chunk setup is noise, small enough
/// that two cores share one large file evenly. `PORTPLAN_FLOWS_CHUNK` overrides it so that
/// tests can cut small files at every kind of boundary.
const CHUNK: u64 = 32 << 20;

fn chunk_size() -> u64 {
    std::env::var("PORTPLAN_FLOWS_CHUNK")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &u64| n > 0)
        .unwrap_or(CHUNK)
}
/// The read buffer of one worker.
pub(super) const BUF: usize = 1 << 20;

/// One input file.
#[derive(Clone, Debug)]
pub struct InputFile {
    pub path: PathBuf,
    /// As shown in messages.
    pub display: String,
    /// Window 0 for `--baseline` files when comparing against a baseline.
    pub window: Option<usize>,
}

/// Expands files and folders (recursively, sorted, so output never depends on directory
/// order) into flow-log files: in a folder, names ending `.log`, `.log.gz`, `.gz`, `.txt`
/// or `.parquet`. Which format a file is in is decided by its first bytes, not its name.
pub fn discover(
    paths: &[PathBuf],
    window: Option<usize>,
    out: &mut Vec<InputFile>,
) -> Result<(), String> {
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, window, out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else {
            out.push(InputFile {
                display: p.display().to_string(),
                path: p.clone(),
                window,
            });
        }
    }
    Ok(())
}

fn walk(dir: &Path, window: Option<usize>, out: &mut Vec<InputFile>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let t = e.file_type()?;
        if t.is_dir() {
            walk(&p, window, out)?;
        } else if t.is_file() || t.is_symlink() {
            let name = e.file_name().to_string_lossy().into_owned();
            if [".log", ".gz", ".txt", ".parquet"]
                .iter()
                .any(|s| name.ends_with(s))
            {
                out.push(InputFile {
                    display: p.display().to_string(),
                    path: p,
                    window,
                });
            }
        }
    }
    Ok(())
}

/// A unit of work.
enum Task {
    /// A byte range of a plain file; the lines that start inside it.
    Plain { file: usize, start: u64, end: u64 },
    /// A whole .gz file (deflate streams cannot be entered in the middle).
    Gzip { file: usize },
    /// A whole Parquet file, row group by row group.
    Parquet { file: usize },
}

/// How a file's bytes hold its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Plain,
    Gzip,
    Parquet,
}

/// What the head of a file says.
struct Head {
    layout: Layout,
    container: Container,
    /// Where the records start (past the header line) in the decompressed stream.
    body: u64,
    len: u64,
}

/// Reads every file with `threads` workers and returns the merged counts.
pub fn run(
    files: &[InputFile],
    default_layout: &Layout,
    ctx: &Ctx,
    dims: Dims,
    threads: usize,
) -> Agg {
    let mut total = Agg::new(dims);
    let mut heads: Vec<Option<Head>> = Vec::with_capacity(files.len());
    for f in files {
        match head(f, default_layout) {
            Ok(h) => {
                total.cov.files += 1;
                if h.layout.flow_direction.is_none() {
                    total.cov.files_without_direction += 1;
                }
                if h.body > 0 {
                    total.cov.headers += 1;
                }
                for u in &h.layout.unknown {
                    if !total.cov.unknown_fields.contains(u) {
                        total.cov.unknown_fields.push(u.clone());
                    }
                }
                if h.container != Container::Gzip {
                    total.cov.input_bytes += h.len;
                }
                heads.push(Some(h));
            }
            Err(fail) => {
                total.cov.files += 1;
                total.cov.failures.push(fail);
                heads.push(None);
            }
        }
    }
    let mut tasks = Vec::new();
    let chunk = chunk_size();
    for (i, h) in heads.iter().enumerate() {
        let Some(h) = h else { continue };
        if h.container == Container::Gzip {
            tasks.push(Task::Gzip { file: i });
        } else if h.container == Container::Parquet {
            tasks.push(Task::Parquet { file: i });
        } else {
            let mut s = h.body;
            while s < h.len {
                let e = (s + chunk).min(h.len);
                tasks.push(Task::Plain {
                    file: i,
                    start: s,
                    end: e,
                });
                s = e;
            }
        }
    }
    // Big gzip files first would balance better; files come sorted by name, which is time
    // order for AWS's layout, and are usually similar in size.
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, tasks.len().max(1));
    // --dedupe spills the captures to hash partitions on disk (super::dedupe).
    let spill_dir = if ctx.dedupe {
        match super::dedupe::SpillDir::new() {
            Ok(d) => Some(d),
            Err(e) => {
                total.cov.failures.push(FileFailure {
                    file: std::env::temp_dir().display().to_string(),
                    offset: 0,
                    error: format!("--dedupe: cannot create its spill folder: {e}"),
                });
                None
            }
        }
    } else {
        None
    };
    let (spill_dir, next, tasks, heads) = (&spill_dir, &next, &tasks, &heads);
    let results: Vec<Agg> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                s.spawn(move || {
                    let mut agg = Agg::new(dims);
                    agg.spill = spill_dir
                        .as_ref()
                        .map(|d| super::dedupe::Spill::new(d, worker));
                    let mut buf = vec![0u8; BUF];
                    loop {
                        let t = next.fetch_add(1, Ordering::Relaxed);
                        let Some(task) = tasks.get(t) else { break };
                        match *task {
                            Task::Plain { file, start, end } => {
                                let h = heads[file].as_ref().expect("tasks only for read heads");
                                let src = source(files, file, h);
                                if let Err(e) = plain(
                                    &files[file],
                                    start,
                                    end,
                                    h.body,
                                    &src,
                                    ctx,
                                    &mut agg,
                                    &mut buf,
                                ) {
                                    agg.cov.failures.push(e);
                                }
                            }
                            Task::Gzip { file } => {
                                let h = heads[file].as_ref().expect("tasks only for read heads");
                                let src = source(files, file, h);
                                if let Err(e) =
                                    gzip(&files[file], h.body, &src, ctx, &mut agg, &mut buf)
                                {
                                    agg.cov.failures.push(e);
                                }
                            }
                            Task::Parquet { file } => {
                                let h = heads[file].as_ref().expect("tasks only for read heads");
                                let src = source(files, file, h);
                                if let Err(e) = parquet(&files[file], &src, ctx, &mut agg) {
                                    agg.cov.failures.push(e);
                                }
                            }
                        }
                    }
                    if let Some(Err(e)) = agg.spill.as_mut().map(|s| s.finish()) {
                        agg.cov.failures.push(FileFailure {
                            file: e,
                            offset: 0,
                            error: "--dedupe: cannot write its spill file".into(),
                        });
                    }
                    agg
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker does not panic"))
            .collect()
    });
    for r in results {
        total.merge(r);
    }
    total
        .cov
        .failures
        .sort_by(|a, b| (&a.file, a.offset).cmp(&(&b.file, b.offset)));
    if let Some(dir) = spill_dir
        && let Err(e) = total.dedupe(dir, threads)
    {
        total.cov.failures.push(FileFailure {
            file: e,
            offset: 0,
            error: "--dedupe: cannot read its spill files".into(),
        });
    }
    total
}

fn source<'a>(files: &'a [InputFile], i: usize, h: &'a Head) -> Source<'a> {
    Source {
        file: &files[i].display,
        file_index: i as u32,
        window: files[i].window,
        layout: &h.layout,
    }
}

fn fail(f: &InputFile, offset: u64, error: impl Into<String>) -> FileFailure {
    FileFailure {
        file: f.display.clone(),
        offset,
        error: error.into(),
    }
}

/// Reads the first line: gzip or not, a header or not.
fn head(f: &InputFile, default_layout: &Layout) -> Result<Head, FileFailure> {
    let mut file = File::open(&f.path).map_err(|e| fail(f, 0, format!("cannot open: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| fail(f, 0, e.to_string()))?
        .len();
    let mut magic = [0u8; 4];
    let n = read_full(&mut file, &mut magic).map_err(|e| fail(f, 0, e.to_string()))?;
    if &magic[..n] == super::parquet::MAGIC {
        let log = super::parquet::open(&f.path).map_err(|(at, e)| fail(f, at, e))?;
        return Ok(Head {
            layout: log.layout,
            container: Container::Parquet,
            body: 0,
            len,
        });
    }
    let gzip = n >= 2 && magic[..2] == [0x1f, 0x8b];
    let container = if gzip {
        Container::Gzip
    } else {
        Container::Plain
    };
    drop(file);
    // The first line, up to 64 KiB.
    let mut first = Vec::new();
    let file = File::open(&f.path).map_err(|e| fail(f, 0, format!("cannot open: {e}")))?;
    let r: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut r = BufReader::new(r.take(64 << 10));
    // A corrupt .gz fails here too; the body reader reports it with its offset.
    let _ = r.read_until(b'\n', &mut first);
    let line = first.strip_suffix(b"\n").unwrap_or(&first);
    if Layout::is_header(line) {
        let text = String::from_utf8_lossy(line);
        let layout = Layout::parse(&text, true).map_err(|e| {
            fail(
                f,
                e.column as u64 - 1,
                format!("header line: {}", e.message),
            )
        })?;
        Ok(Head {
            layout,
            container,
            body: first.len() as u64,
            len,
        })
    } else {
        Ok(Head {
            layout: default_layout.clone(),
            container,
            body: 0,
            len,
        })
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Counts the lines that start in `[start, end)` of a plain file. A chunk after the first
/// begins one byte early and drops everything up to the first newline: that line belongs
/// to the chunk before, which reads past its end to finish it.
#[allow(clippy::too_many_arguments)]
fn plain(
    f: &InputFile,
    start: u64,
    end: u64,
    body: u64,
    src: &Source,
    ctx: &Ctx,
    agg: &mut Agg,
    buf: &mut [u8],
) -> Result<(), FileFailure> {
    use std::os::unix::fs::FileExt;
    let file = File::open(&f.path).map_err(|e| fail(f, start, format!("cannot open: {e}")))?;
    let mut fields = Fields::new();
    #[cfg(target_os = "linux")]
    if let Some(map) = Mapped::new(&file, start, end) {
        super::mapped::plain_mapped(&map, start, end, body, src, ctx, agg, &mut fields);
        return Ok(());
    }
    let mut pos = if start > body { start - 1 } else { start };
    let mut skip_first = start > body;
    let mut filled = 0usize;
    // Offset in the file of buf[0].
    let mut base = pos;
    // The last byte stays free for the newline a file's last line may lack.
    let cap = buf.len() - 1;
    loop {
        let n = file
            .read_at(&mut buf[filled..cap], pos)
            .map_err(|e| fail(f, pos, format!("read error: {e}")))?;
        pos += n as u64;
        filled += n;
        let eof = n == 0;
        let mut i = 0usize;
        if skip_first {
            match memchr::memchr(b'\n', &buf[..filled]) {
                Some(k) => {
                    i = k + 1;
                    skip_first = false;
                }
                None if eof => return Ok(()),
                None => {
                    // A line longer than the buffer before the chunk: keep looking.
                    base += filled as u64;
                    filled = 0;
                    continue;
                }
            }
        }
        if eof && i < filled && buf[filled - 1] != b'\n' {
            buf[filled] = b'\n';
            filled += 1;
        }
        let mut done = false;
        let at = base + i as u64;
        let used = scan(&buf[i..filled], &mut fields, |ls, le, fl| {
            let off = at + ls as u64;
            if off >= end {
                done = true;
                return false;
            }
            attribute::line(ctx, src, agg, &buf[i..filled], fl, ls, le, off);
            true
        });
        if done || eof {
            return Ok(());
        }
        i += used;
        if i == 0 && filled == cap {
            agg.cov.malformed("line longer than 1 MiB", src.file, base);
            // Drop it: find its end in the next reads.
            base += filled as u64;
            filled = 0;
            skip_first = true;
            continue;
        }
        buf.copy_within(i..filled, 0);
        filled -= i;
        base += i as u64;
    }
}

/// Counts every row of a Parquet file, as the text lines the same records would be. The
/// footer was read by [`head`]; it is read again here, on the worker (a few KiB).
fn parquet(f: &InputFile, src: &Source, ctx: &Ctx, agg: &mut Agg) -> Result<(), FileFailure> {
    let log = super::parquet::open(&f.path).map_err(|(at, e)| fail(f, at, e))?;
    let mut fields = Fields::new();
    log.lines(|text, at| {
        scan(text, &mut fields, |ls, le, fl| {
            attribute::line(ctx, src, agg, text, fl, ls, le, at + ls as u64);
            true
        });
    })
    .map_err(|(at, e)| fail(f, at, e))
}

/// A `BufRead` that counts what its consumer has consumed: the inflater's position in the
/// compressed file, for the offset of a corruption.
struct Counting<R> {
    inner: R,
    consumed: u64,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.consumed += n as u64;
        self.inner.consume(n);
    }
}

/// Counts every line of a .gz file, streaming. On corruption, what was decoded counts
/// (but not a line cut off by the error) and the failure names the compressed offset.
fn gzip(
    f: &InputFile,
    body: u64,
    src: &Source,
    ctx: &Ctx,
    agg: &mut Agg,
    buf: &mut [u8],
) -> Result<(), FileFailure> {
    let file = File::open(&f.path).map_err(|e| fail(f, 0, format!("cannot open: {e}")))?;
    let compressed = file.metadata().map(|m| m.len()).unwrap_or(0);
    agg.cov.input_bytes += compressed;
    let mut dec = flate2::bufread::MultiGzDecoder::new(Counting {
        inner: BufReader::with_capacity(256 << 10, file),
        consumed: 0,
    });
    let mut fields = Fields::new();
    let mut filled = 0usize;
    let mut base = 0u64;
    let mut skip = body;
    let cap = buf.len() - 1;
    loop {
        let n = match dec.read(&mut buf[filled..cap]) {
            Ok(n) => n,
            Err(e) => {
                let at = dec.get_ref().consumed;
                return Err(fail(f, at, format!("corrupt gzip: {e}")));
            }
        };
        filled += n;
        let eof = n == 0;
        let mut i = 0usize;
        if skip > 0 {
            let k = (skip as usize).min(filled);
            i = k;
            skip -= k as u64;
        }
        if eof && i < filled && buf[filled - 1] != b'\n' {
            buf[filled] = b'\n';
            filled += 1;
        }
        let at = base + i as u64;
        let used = scan(&buf[i..filled], &mut fields, |ls, le, fl| {
            attribute::line(ctx, src, agg, &buf[i..filled], fl, ls, le, at + ls as u64);
            true
        });
        if eof {
            return Ok(());
        }
        i += used;
        if i == 0 && filled == cap {
            agg.cov.malformed("line longer than 1 MiB", src.file, base);
            base += filled as u64;
            filled = 0;
            continue;
        }
        buf.copy_within(i..filled, 0);
        filled -= i;
        base += i as u64;
    }
}
