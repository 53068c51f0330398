//! Flow logs in Parquet, AWS's second delivery format (`--destination-options
//! FileFormat=parquet`): one flat table whose columns are the fields of the log format
//! (`account_id`, `pkt_srcaddr`, ...), GZIP-compressed pages, one file per delivery.
//!
//! A row group at a time is decoded into the text lines the same records would have in a
//! plain log, and those lines go through the one attribution path every format shares
//! ([`super::attribute`]): a Parquet file and its text twin give the same report, by
//! construction. Memory is one row group's values (AWS's files are a 5-minute delivery, a
//! few MiB), not the file.
//!
//! Written for this format rather than taken from the `parquet` crate, which brings arrow
//! and its build time: the subset a flat table needs is the footer's Thrift structs
//! ([`thrift`], [`meta`]), GZIP (flate2, already a dependency) or Snappy ([`snappy`]) pages,
//! and four encodings ([`decode`]).

mod decode;
mod meta;
mod snappy;
mod thrift;

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::format::Layout;
use decode::TextColumn;
use meta::FileMeta;

/// The magic number at both ends of a Parquet file.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// The most footer bytes read: flow-log footers are a few KiB.
const MAX_FOOTER: u64 = 64 << 20;

/// Lines are handed over in batches of about this many bytes.
const BATCH: usize = 1 << 20;

/// Where a Parquet file's bytes are read from: the file, or memory (the fuzz target).
enum Bytes {
    File(File),
    Memory(Vec<u8>),
}

impl Bytes {
    fn len(&self) -> std::io::Result<u64> {
        match self {
            Bytes::File(f) => Ok(f.metadata()?.len()),
            Bytes::Memory(m) => Ok(m.len() as u64),
        }
    }

    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> std::io::Result<()> {
        match self {
            Bytes::File(f) => f.read_exact_at(buf, at),
            Bytes::Memory(m) => {
                let src = usize::try_from(at)
                    .ok()
                    .and_then(|a| m.get(a..a.checked_add(buf.len())?))
                    .ok_or(std::io::ErrorKind::UnexpectedEof)?;
                buf.copy_from_slice(src);
                Ok(())
            }
        }
    }
}

/// An open Parquet flow log: its footer and the layout its columns spell.
pub struct ParquetLog {
    bytes: Bytes,
    /// The file's length: no chunk reaches past it.
    len: u64,
    meta: FileMeta,
    pub layout: Layout,
}

/// A failure and the byte offset in the file where it was met.
pub type Failure = (u64, String);

/// Opens a Parquet file and reads its footer.
pub fn open(path: &Path) -> Result<ParquetLog, Failure> {
    let file = File::open(path).map_err(|e| (0, format!("cannot open: {e}")))?;
    read(Bytes::File(file))
}

/// A Parquet file already in memory.
pub fn from_bytes(data: Vec<u8>) -> Result<ParquetLog, Failure> {
    read(Bytes::Memory(data))
}

fn read(bytes: Bytes) -> Result<ParquetLog, Failure> {
    let len = bytes.len().map_err(|e| (0, e.to_string()))?;
    if len < 12 {
        return Err((0, "too short for a Parquet file".into()));
    }
    let mut tail = [0u8; 8];
    bytes
        .read_exact_at(&mut tail, len - 8)
        .map_err(|e| (len - 8, format!("read error: {e}")))?;
    if &tail[4..] != MAGIC {
        return Err((len - 4, "no Parquet footer (the file is cut short?)".into()));
    }
    let footer_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer_len > MAX_FOOTER || footer_len + 12 > len {
        return Err((len - 8, "a Parquet footer longer than the file".into()));
    }
    let at = len - 8 - footer_len;
    let mut footer = vec![0u8; footer_len as usize];
    bytes
        .read_exact_at(&mut footer, at)
        .map_err(|e| (at, format!("read error: {e}")))?;
    let meta = meta::file_meta(&footer).map_err(|e| (at, format!("Parquet footer: {e}")))?;
    // The columns are the log format's fields: `pkt_srcaddr` is `pkt-srcaddr`.
    let header: Vec<String> = meta
        .columns
        .iter()
        .map(|c| c.name.replace('_', "-"))
        .collect();
    let layout = Layout::parse(&header.join(" "), true)
        .map_err(|e| (at, format!("Parquet columns: {}", e.message)))?;
    Ok(ParquetLog {
        bytes,
        len,
        meta,
        layout,
    })
}

impl ParquetLog {
    /// Calls `each` with batches of newline-terminated text lines, one per row, fields in
    /// column order; the second argument is the batch's offset in that text.
    pub fn lines(&self, mut each: impl FnMut(&[u8], u64)) -> Result<(), Failure> {
        let mut text = Vec::with_capacity(BATCH + 4096);
        let mut offset = 0u64;
        for group in &self.meta.row_groups {
            let mut columns = Vec::with_capacity(group.chunks.len());
            for (col, chunk) in self.meta.columns.iter().zip(&group.chunks) {
                let size = usize::try_from(chunk.compressed_size)
                    .ok()
                    .filter(|_| {
                        chunk
                            .start
                            .checked_add(chunk.compressed_size)
                            .is_some_and(|end| end <= self.len)
                    })
                    .ok_or((
                        chunk.start,
                        "a column chunk past the end of the file".to_owned(),
                    ))?;
                let mut data = vec![0u8; size];
                self.bytes
                    .read_exact_at(&mut data, chunk.start)
                    .map_err(|e| (chunk.start, format!("read error: {e}")))?;
                let mut values = TextColumn::default();
                decode::column(&data, col, chunk, &mut values)
                    .map_err(|e| (chunk.start, format!("column `{}`: {e}", col.name)))?;
                columns.push(values);
            }
            let rows = group.num_rows as usize;
            if columns.iter().any(|c| c.len() < rows) {
                return Err((0, "a row group with fewer values than rows".into()));
            }
            for row in 0..rows {
                for (k, c) in columns.iter().enumerate() {
                    if k > 0 {
                        text.push(b' ');
                    }
                    text.extend_from_slice(c.get(row));
                }
                text.push(b'\n');
                if text.len() >= BATCH {
                    each(&text, offset);
                    offset += text.len() as u64;
                    text.clear();
                }
            }
        }
        if !text.is_empty() {
            each(&text, offset);
        }
        Ok(())
    }
}
