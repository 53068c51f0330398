//! Snappy's raw format (what Parquet's SNAPPY codec stores): a length, then literals and
//! back-references. Decompression only; a few dozen lines instead of a crate.

/// Decompresses `data`, which must expand to exactly `expected` bytes.
pub fn decompress(data: &[u8], expected: usize) -> Result<Vec<u8>, String> {
    let mut pos = 0usize;
    let mut len = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *data.get(pos).ok_or("a Snappy block without its length")?;
        pos += 1;
        len |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
    }
    if len != expected {
        return Err("a Snappy block of another size than its page header says".into());
    }
    let mut out = Vec::with_capacity(len);
    let short = || "a Snappy block cut short".to_owned();
    while pos < data.len() {
        let tag = data[pos];
        pos += 1;
        let (copy_len, offset) = match tag & 3 {
            0 => {
                let mut n = usize::from(tag >> 2);
                if n >= 60 {
                    let extra = n - 59;
                    let bytes = data.get(pos..pos + extra).ok_or_else(short)?;
                    pos += extra;
                    n = bytes
                        .iter()
                        .enumerate()
                        .fold(0, |acc, (k, b)| acc | usize::from(*b) << (8 * k));
                }
                let lit = data.get(pos..pos + n + 1).ok_or_else(short)?;
                pos += n + 1;
                out.extend_from_slice(lit);
                continue;
            }
            1 => {
                let b = *data.get(pos).ok_or_else(short)?;
                pos += 1;
                (
                    4 + usize::from((tag >> 2) & 7),
                    usize::from(tag >> 5) << 8 | usize::from(b),
                )
            }
            2 => {
                let b = data.get(pos..pos + 2).ok_or_else(short)?;
                pos += 2;
                (
                    1 + usize::from(tag >> 2),
                    usize::from(u16::from_le_bytes([b[0], b[1]])),
                )
            }
            _ => {
                let b = data.get(pos..pos + 4).ok_or_else(short)?;
                pos += 4;
                (
                    1 + usize::from(tag >> 2),
                    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
                )
            }
        };
        if offset == 0 || offset > out.len() || out.len() + copy_len > len {
            return Err("a Snappy back-reference outside its block".into());
        }
        // Byte by byte: a copy may overlap what it writes (a run).
        let from = out.len() - offset;
        for k in 0..copy_len {
            let b = out[from + k];
            out.push(b);
        }
    }
    if out.len() != len {
        return Err(short());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn literals_and_overlapping_copies() {
        // "abcabcabcd": literal "abc", copy len 6 offset 3 (1-byte offset form), literal "d".
        let data = [10, 0b0000_1000, b'a', b'b', b'c', 0b0000_1001, 3, 0, b'd'];
        assert_eq!(super::decompress(&data, 10).unwrap(), b"abcabcabcd");
        assert!(super::decompress(&data, 11).is_err());
        assert!(
            super::decompress(&[3, 0b0000_0101, 9], 3).is_err(),
            "offset past the start"
        );
    }
}
