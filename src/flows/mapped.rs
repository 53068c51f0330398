//! The plain-text reader over a mapped file (Linux): the page cache's pages are scanned in
//! place, one window at a time, instead of being copied into the worker's buffer.

use std::fs::File;

use super::aggregate::Agg;
use super::attribute::{self, Ctx, Source};
use super::input::BUF;
use super::record::{Fields, scan};

/// A plain file mapped read-only: the page cache's pages are read in place instead of
/// being copied into the worker's buffer (the copy was an eighth of the time on a warm
/// cache). Flow-log files are written once by AWS; a file truncated while it is read would
/// fault, so the buffered path is kept for anything else.
pub(super) struct Mapped {
    ptr: *mut libc::c_void,
    len: usize,
}

impl Mapped {
    /// Maps `file` when it is a regular file and the chunk is small enough for the
    /// scanner's 32-bit offsets; `None` means "read it with `read_at`".
    pub(super) fn new(file: &File, start: u64, end: u64) -> Option<Mapped> {
        use std::os::fd::AsRawFd;
        let meta = file.metadata().ok()?;
        let len = usize::try_from(meta.len()).ok()?;
        if !meta.is_file() || len == 0 || end - start > 1 << 30 {
            return None;
        }
        // SAFETY: a read-only private mapping of an open file; the slice handed out lives
        // no longer than the mapping (`bytes` borrows `self`), which `drop` unmaps.
        unsafe {
            let ptr = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            );
            if ptr == libc::MAP_FAILED {
                return None;
            }
            libc::madvise(ptr, len, libc::MADV_SEQUENTIAL);
            Some(Mapped { ptr, len })
        }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` maps `len` readable bytes for the lifetime of `self`.
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) }
    }

    /// `madvise` on the whole pages of `[from, to)`.
    fn advise(&self, from: usize, to: usize, advice: libc::c_int) {
        const PAGE: usize = 4096;
        let from = from / PAGE * PAGE;
        let to = to.min(self.len);
        if to > from {
            // SAFETY: the range lies inside the mapping; advice never changes its contents.
            unsafe {
                libc::madvise(
                    (self.ptr as *mut u8).add(from) as *mut libc::c_void,
                    to - from,
                    advice,
                );
            }
        }
    }

    /// Faults `[from, to)` in at once (Linux 5.14+'s MADV_POPULATE_READ; a no-op before).
    fn populate(&self, from: usize, to: usize) {
        self.advise(from, to, 22);
    }

    /// Drops the whole pages before `to` (from `from`) from this process: the page cache
    /// keeps them, the process's resident set no longer counts them.
    fn release(&self, from: usize, to: usize) {
        self.advise(from, to / 4096 * 4096, libc::MADV_DONTNEED);
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly what `new` mapped.
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
}

/// [`super::input`]'s plain reader over a mapped file: the same lines, offsets and skip reasons. The chunk is
/// read one [`BUF`]-sized window at a time: each is faulted in before it is scanned and
/// released after, so the resident set stays one window per worker (a mapped page counts
/// in RSS while it is mapped) instead of the whole chunk.
#[allow(clippy::too_many_arguments)]
pub(super) fn plain_mapped(
    map: &Mapped,
    start: u64,
    end: u64,
    body: u64,
    src: &Source,
    ctx: &Ctx,
    agg: &mut Agg,
    fields: &mut Fields,
) {
    let data = map.bytes();
    let mut i = start as usize;
    if start > body {
        // The line that holds byte `start - 1` belongs to the chunk before.
        match memchr::memchr(b'\n', &data[i - 1..]) {
            Some(k) => i += k,
            None => return,
        }
    }
    // A line that does not fit in a window is skipped, as the buffered path skips a line
    // that does not fit in its buffer.
    let cap = BUF - 1;
    let mut released = i;
    while i < data.len() && (i as u64) < end {
        let w_end = (i + BUF).min(data.len());
        map.populate(i, w_end);
        let window = &data[i..w_end];
        let mut stopped = false;
        let used = scan(window, fields, |ls, le, fl| {
            let off = (i + ls) as u64;
            if off >= end {
                stopped = true;
                return false;
            }
            attribute::line(ctx, src, agg, window, fl, ls, le, off);
            true
        });
        if stopped {
            break;
        }
        if used == 0 {
            if w_end == data.len() && data.len() - i < cap {
                // The file's last line has no newline: give it one.
                let mut last = data[i..].to_vec();
                last.push(b'\n');
                let at = i as u64;
                scan(&last, fields, |ls, le, fl| {
                    attribute::line(ctx, src, agg, &last, fl, ls, le, at + ls as u64);
                    true
                });
                break;
            }
            agg.cov
                .malformed("line longer than 1 MiB", src.file, i as u64);
            match memchr::memchr(b'\n', &data[w_end..]) {
                Some(k) => i = w_end + k + 1,
                None => break,
            }
        } else {
            i += used;
        }
        map.release(released, i);
        released = i / 4096 * 4096;
    }
    map.release(released, i);
}
