//! Decoding one column chunk into the text its values would have in a flow-log line:
//! decompression (GZIP, which AWS uses, Snappy and none), definition levels, and the PLAIN,
//! dictionary and DELTA_BINARY_PACKED encodings.

use std::io::Read;

use super::meta::{Chunk, Column, Page, Physical, page_header};
use super::thrift::Reader;

/// No page is larger than this once decompressed: a header claiming more is refused rather
/// than allocated.
const MAX_PAGE: usize = 256 << 20;

/// No page holds more values than this (writers cut pages at about 1 MiB): a header
/// claiming more is refused rather than expanded (an RLE run is a few bytes for any count).
const MAX_PAGE_VALUES: usize = 1 << 24;

/// The values of one column of one row group, as text: value `i` is
/// `bytes[ends[i - 1]..ends[i]]`. A null is `-`, as in a text flow log.
#[derive(Debug, Default)]
pub struct TextColumn {
    pub bytes: Vec<u8>,
    pub ends: Vec<u32>,
}

impl TextColumn {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    fn end(&mut self) -> Result<(), String> {
        let end = u32::try_from(self.bytes.len()).map_err(|_| "a row group over 4 GiB of text")?;
        self.ends.push(end);
        Ok(())
    }

    fn push(&mut self, v: &[u8]) -> Result<(), String> {
        // A space or a line break inside a value would change the line's fields.
        self.bytes.extend(v.iter().map(|&b| match b {
            b' ' | b'\n' | b'\r' | b'\t' => b'?',
            b => b,
        }));
        self.end()
    }

    fn push_int(&mut self, v: i64) -> Result<(), String> {
        let mut digits = [0u8; 20];
        let mut n = v.unsigned_abs();
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if v < 0 {
            self.bytes.push(b'-');
        }
        self.bytes.extend_from_slice(&digits[i..]);
        self.end()
    }

    fn push_null(&mut self) -> Result<(), String> {
        self.bytes.push(b'-');
        self.end()
    }
}

/// Decodes the chunk at `data` (its bytes from its first page) into `out`.
pub fn column(
    data: &[u8],
    col: &Column,
    chunk: &Chunk,
    out: &mut TextColumn,
) -> Result<(), String> {
    let mut pos = 0usize;
    let mut dict: Option<TextColumn> = None;
    let mut read = 0u64;
    while read < chunk.num_values && pos < data.len() {
        let mut r = Reader::new(&data[pos..]);
        let h = page_header(&mut r)?;
        let body_start = pos + r.pos;
        let body = data
            .get(body_start..body_start.saturating_add(h.compressed))
            .ok_or("a Parquet page runs past its column chunk")?;
        pos = body_start + h.compressed;
        if h.uncompressed > MAX_PAGE {
            return Err(format!("a Parquet page of {} bytes", h.uncompressed));
        }
        let values = match h.page {
            Page::Dictionary { num_values }
            | Page::DataV1 { num_values, .. }
            | Page::DataV2 { num_values, .. } => num_values,
            Page::Other => 0,
        };
        if values > MAX_PAGE_VALUES {
            return Err(format!("a Parquet page of {values} values"));
        }
        let raw;
        let (defined, values, encoding, num_values) = match h.page {
            Page::Dictionary { num_values } => {
                let raw = decompress(chunk.codec, body, h.uncompressed)?;
                let mut d = TextColumn::default();
                plain(&raw, col, num_values, &mut d)?;
                dict = Some(d);
                continue;
            }
            Page::Other => continue,
            Page::DataV1 {
                num_values,
                encoding,
            } => {
                raw = decompress(chunk.codec, body, h.uncompressed)?;
                if col.optional {
                    let len = raw
                        .get(..4)
                        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                        .ok_or("a data page without its definition levels")?;
                    let levels = raw
                        .get(4..4 + len)
                        .ok_or("definition levels run past their page")?;
                    let defined = rle_hybrid(levels, 1, num_values)?;
                    (Some(defined), &raw[4 + len..], encoding, num_values)
                } else {
                    (None, &raw[..], encoding, num_values)
                }
            }
            Page::DataV2 {
                num_values,
                num_nulls,
                encoding,
                def_len,
                rep_len,
                compressed,
            } => {
                let levels_end = rep_len
                    .checked_add(def_len)
                    .filter(|&e| e <= body.len())
                    .ok_or("a v2 page's levels run past the page")?;
                let defined = if col.optional && num_nulls > 0 {
                    Some(rle_hybrid(&body[rep_len..levels_end], 1, num_values)?)
                } else {
                    None
                };
                let rest = &body[levels_end..];
                let values = if compressed {
                    let size = h.uncompressed.saturating_sub(levels_end);
                    raw = decompress(chunk.codec, rest, size)?;
                    &raw[..]
                } else {
                    rest
                };
                (defined, values, encoding, num_values)
            }
        };
        values_into(
            values,
            encoding,
            col,
            defined,
            num_values,
            dict.as_ref(),
            out,
        )?;
        read += num_values as u64;
    }
    if read < chunk.num_values {
        return Err(format!(
            "the column ends after {read} of its {} values",
            chunk.num_values
        ));
    }
    Ok(())
}

/// The page body, decompressed.
fn decompress(codec: i32, body: &[u8], uncompressed: usize) -> Result<Vec<u8>, String> {
    match codec {
        0 => Ok(body.to_vec()),
        1 => super::snappy::decompress(body, uncompressed),
        2 => {
            let mut out = Vec::with_capacity(uncompressed);
            flate2::read::MultiGzDecoder::new(body)
                .take(MAX_PAGE as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("a corrupt GZIP page: {e}"))?;
            if out.len() != uncompressed {
                return Err("a GZIP page of another size than its header says".into());
            }
            Ok(out)
        }
        c => Err(format!(
            "Parquet compression {} is not supported (AWS writes GZIP; Snappy and none are read too)",
            match c {
                3 => "LZO",
                4 => "BROTLI",
                5 => "LZ4",
                6 => "ZSTD",
                7 => "LZ4_RAW",
                _ => "of an unknown kind",
            }
        )),
    }
}

/// Writes `num_values` slots into `out`: each defined one (all when `defined` is `None`)
/// from the next decoded value, the others as nulls.
fn values_into(
    values: &[u8],
    encoding: i32,
    col: &Column,
    defined: Option<Vec<u32>>,
    num_values: usize,
    dict: Option<&TextColumn>,
    out: &mut TextColumn,
) -> Result<(), String> {
    let present = defined
        .as_ref()
        .map_or(num_values, |d| d.iter().filter(|&&l| l == 1).count());
    let mut decoded = TextColumn::default();
    match encoding {
        0 => plain(values, col, present, &mut decoded)?,
        2 | 8 => {
            let dict = dict.ok_or("dictionary-encoded values without a dictionary page")?;
            let (&width, rest) = values.split_first().unwrap_or((&0, &[]));
            if present > 0 {
                let indices = rle_hybrid(rest, u32::from(width), present)?;
                for i in indices {
                    let i = i as usize;
                    if i >= dict.len() {
                        return Err("a dictionary index past the dictionary".into());
                    }
                    decoded.push(dict.get(i))?;
                }
            }
        }
        5 => {
            for v in delta_binary_packed(values, present)?.0 {
                decoded.push_int(v)?;
            }
        }
        6 => {
            let (lengths, used) = delta_binary_packed(values, present)?;
            let mut pos = used;
            for len in lengths {
                let len = usize::try_from(len).map_err(|_| "a negative string length")?;
                let v = pos
                    .checked_add(len)
                    .and_then(|end| values.get(pos..end))
                    .ok_or("a DELTA_LENGTH_BYTE_ARRAY value past its page")?;
                pos += len;
                decoded.push(v)?;
            }
        }
        7 => {
            let (prefixes, used) = delta_binary_packed(values, present)?;
            let (suffixes, used2) =
                delta_binary_packed(values.get(used..).unwrap_or(&[]), present)?;
            let mut pos = used + used2;
            let mut last: Vec<u8> = Vec::new();
            for (p, len) in prefixes.into_iter().zip(suffixes) {
                let p = usize::try_from(p).ok().filter(|&p| p <= last.len());
                let len = usize::try_from(len).ok();
                let (Some(p), Some(len)) = (p, len) else {
                    return Err("a DELTA_BYTE_ARRAY prefix or length out of range".into());
                };
                let suffix = pos
                    .checked_add(len)
                    .and_then(|end| values.get(pos..end))
                    .ok_or("a DELTA_BYTE_ARRAY value past its page")?;
                pos += len;
                last.truncate(p);
                last.extend_from_slice(suffix);
                decoded.push(&last)?;
            }
        }
        e => {
            return Err(format!(
                "Parquet encoding {e} is not supported (PLAIN, dictionary and the DELTA encodings are)"
            ));
        }
    }
    if decoded.len() < present {
        return Err("a page with fewer values than it says".into());
    }
    let mut next = 0;
    for i in 0..num_values {
        if defined.as_ref().is_none_or(|d| d.get(i) == Some(&1)) {
            out.push(decoded.get(next))?;
            next += 1;
        } else {
            out.push_null()?;
        }
    }
    Ok(())
}

/// `n` PLAIN values of the column's type.
fn plain(data: &[u8], col: &Column, n: usize, out: &mut TextColumn) -> Result<(), String> {
    let short = || "a page shorter than its values".to_owned();
    let mut pos = 0usize;
    let mut take = |k: usize| -> Result<&[u8], String> {
        let s = data.get(pos..pos + k).ok_or_else(short)?;
        pos += k;
        Ok(s)
    };
    for i in 0..n {
        match col.physical {
            Physical::Int32 => {
                let b = take(4)?;
                out.push_int(i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))?;
            }
            Physical::Int64 => {
                let b = take(8)?;
                out.push_int(i64::from_le_bytes(b.try_into().expect("8 bytes")))?;
            }
            Physical::ByteArray => {
                let b = take(4)?;
                let len = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let v = take(len)?;
                out.push(v)?;
            }
            Physical::FixedLenByteArray => {
                let v = take(col.type_length)?;
                out.push(v)?;
            }
            Physical::Float => {
                let b = take(4)?;
                let v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                out.push(v.to_string().as_bytes())?;
            }
            Physical::Double => {
                let b = take(8)?;
                let v = f64::from_le_bytes(b.try_into().expect("8 bytes"));
                out.push(v.to_string().as_bytes())?;
            }
            Physical::Boolean => {
                let byte = *data.get(i / 8).ok_or_else(short)?;
                out.push(if byte >> (i % 8) & 1 == 1 {
                    b"true"
                } else {
                    b"false"
                })?;
            }
            Physical::Int96 => {
                return Err("an INT96 column; flow logs have none".into());
            }
        }
    }
    Ok(())
}

/// An unsigned LEB128 varint at `*pos`.
fn varint(data: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*pos).ok_or("a varint past the end of its page")?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("a varint longer than 10 bytes".into())
}

/// `n` values of the RLE / bit-packed hybrid encoding with `width` bits each.
pub fn rle_hybrid(data: &[u8], width: u32, n: usize) -> Result<Vec<u32>, String> {
    if width > 32 {
        return Err(format!("a bit width of {width}"));
    }
    let mut out = Vec::with_capacity(n.min(1 << 20));
    let mut pos = 0usize;
    let byte_width = width.div_ceil(8) as usize;
    while out.len() < n {
        let header = varint(data, &mut pos)?;
        if header & 1 == 0 {
            let run = usize::try_from(header >> 1).map_err(|_| "a huge RLE run")?;
            let bytes = data
                .get(pos..pos + byte_width)
                .ok_or("an RLE run past the end of its data")?;
            pos += byte_width;
            let mut v = 0u32;
            for (k, b) in bytes.iter().enumerate() {
                v |= u32::from(*b) << (8 * k);
            }
            let take = run.min(n - out.len());
            out.extend(std::iter::repeat_n(v, take));
        } else {
            let groups = usize::try_from(header >> 1).map_err(|_| "a huge bit-packed run")?;
            let bits = groups
                .checked_mul(8 * width as usize)
                .ok_or("a huge bit-packed run")?;
            let bytes = pos
                .checked_add(bits.div_ceil(8))
                .and_then(|end| data.get(pos..end))
                .ok_or("a bit-packed run past the end of its data")?;
            pos += bytes.len();
            for k in 0..groups * 8 {
                if out.len() == n {
                    break;
                }
                out.push(bits_at(bytes, k * width as usize, width));
            }
        }
    }
    Ok(out)
}

/// `width` bits at bit offset `at`, least significant first.
fn bits_at(bytes: &[u8], at: usize, width: u32) -> u32 {
    let mut v = 0u64;
    for k in 0..width as usize {
        let bit = at + k;
        v |= u64::from(bytes[bit / 8] >> (bit % 8) & 1) << k;
    }
    v as u32
}

/// `n` integers of the DELTA_BINARY_PACKED encoding, and how many bytes they took.
fn delta_binary_packed(data: &[u8], n: usize) -> Result<(Vec<i64>, usize), String> {
    let mut pos = 0usize;
    let block = usize::try_from(varint(data, &mut pos)?).map_err(|_| "a huge delta block")?;
    let minis = usize::try_from(varint(data, &mut pos)?).map_err(|_| "a huge delta block")?;
    let _total = varint(data, &mut pos)?;
    let zig = |v: u64| ((v >> 1) as i64) ^ -((v & 1) as i64);
    let first = zig(varint(data, &mut pos)?);
    if minis == 0 || block == 0 || block % minis != 0 || (block / minis) % 8 != 0 {
        return Err("a DELTA_BINARY_PACKED block of an impossible shape".into());
    }
    let per_mini = block / minis;
    let mut out = Vec::with_capacity(n.min(1 << 20));
    if n == 0 {
        return Ok((out, pos));
    }
    out.push(first);
    let mut last = first;
    while out.len() < n {
        let min_delta = zig(varint(data, &mut pos)?);
        let widths = pos
            .checked_add(minis)
            .and_then(|end| data.get(pos..end))
            .ok_or("delta bit widths past the end of the page")?
            .to_vec();
        pos += minis;
        for w in widths {
            if out.len() >= n {
                break;
            }
            if w > 64 {
                return Err("a delta bit width over 64".into());
            }
            let bytes = per_mini
                .checked_mul(w as usize)
                .map(|bits| bits.div_ceil(8))
                .and_then(|len| data.get(pos..pos.checked_add(len)?))
                .ok_or("a delta miniblock past the end of the page")?;
            let bytes_len = bytes.len();
            pos += bytes_len;
            for k in 0..per_mini {
                if out.len() >= n {
                    break;
                }
                let mut d = 0u64;
                for b in 0..w as usize {
                    let bit = k * w as usize + b;
                    d |= u64::from(bytes[bit / 8] >> (bit % 8) & 1) << b;
                }
                last = last.wrapping_add(min_delta).wrapping_add(d as i64);
                out.push(last);
            }
        }
    }
    Ok((out, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rle_and_bit_packed_runs() {
        // An RLE run of 3 ones, then one bit-packed group of 8 values 0..7 at width 3.
        let mut data = vec![0x06, 0x01, 0x03];
        data.extend([0b1000_1000, 0b1100_0110, 0b1111_1010]);
        let v = rle_hybrid(&data, 3, 11).unwrap();
        assert_eq!(v, vec![1, 1, 1, 0, 1, 2, 3, 4, 5, 6, 7]);
        assert!(rle_hybrid(&[0x06], 3, 3).is_err(), "truncated");
    }

    #[test]
    fn delta_binary_packed_of_a_small_run() {
        // block 128, 4 miniblocks, 5 values, first 7; deltas 1,2,3,4 = min 1 + 0,1,2,3 (width 2).
        let mut data = vec![0x80, 0x01, 0x04, 0x05, 0x0e, 0x02, 2, 0, 0, 0];
        let mut mini = vec![0u8; 8]; // 32 values x 2 bits
        mini[0] = 0b1110_0100;
        data.extend(mini);
        assert_eq!(
            delta_binary_packed(&data, 5).unwrap(),
            (vec![7, 8, 10, 13, 17], data.len())
        );
    }

    #[test]
    fn integers_as_text() {
        let mut c = TextColumn::default();
        for v in [0, 7, -42, i64::MIN] {
            c.push_int(v).unwrap();
        }
        c.push(b"a b").unwrap();
        let got: Vec<&[u8]> = (0..c.len()).map(|i| c.get(i)).collect();
        assert_eq!(
            got,
            vec![&b"0"[..], b"7", b"-42", b"-9223372036854775808", b"a?b"]
        );
    }
}
