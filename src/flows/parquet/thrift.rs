//! The Thrift compact protocol, as far as Parquet's metadata needs it: structs of integers,
//! strings, lists and nested structs, with every other field skipped by its wire type.
//!
//! Parquet's footer and page headers are Thrift structs. The whole protocol is a few wire
//! types and two variable-length integer forms; a reader of our own keeps the `parquet` and
//! `thrift` crates (and arrow behind them, minutes of build) out of the tree.

/// A wire type of the compact protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    True,
    False,
    Byte,
    I16,
    I32,
    I64,
    Double,
    Binary,
    List,
    Set,
    Map,
    Struct,
}

impl Wire {
    fn from_nibble(n: u8) -> Result<Wire, String> {
        Ok(match n {
            1 => Wire::True,
            2 => Wire::False,
            3 => Wire::Byte,
            4 => Wire::I16,
            5 => Wire::I32,
            6 => Wire::I64,
            7 => Wire::Double,
            8 => Wire::Binary,
            9 => Wire::List,
            10 => Wire::Set,
            11 => Wire::Map,
            12 => Wire::Struct,
            n => return Err(format!("unknown Thrift wire type {n}")),
        })
    }
}

/// Nesting deeper than this is refused: Parquet's metadata is a few levels deep, and a
/// crafted file must not recurse the reader off its stack.
const MAX_DEPTH: usize = 32;

/// A cursor over compact-protocol bytes.
pub struct Reader<'a> {
    buf: &'a [u8],
    pub pos: usize,
    /// The field id of the previous field of each open struct (ids are delta-coded).
    last_ids: Vec<i16>,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            last_ids: Vec::new(),
        }
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or("Thrift data ends in the middle of a value")?;
        self.pos += 1;
        Ok(b)
    }

    /// An unsigned LEB128 varint.
    pub fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a Thrift varint longer than 10 bytes".into())
    }

    /// A zigzag-coded signed integer (i16, i32 and i64 alike).
    pub fn int(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub fn i32(&mut self) -> Result<i32, String> {
        i32::try_from(self.int()?).map_err(|_| "a Thrift i32 out of range".to_owned())
    }

    pub fn binary(&mut self) -> Result<&'a [u8], String> {
        let len = usize::try_from(self.varint()?).map_err(|_| "a huge Thrift string")?;
        let end = self
            .pos
            .checked_add(len)
            .filter(|&e| e <= self.buf.len())
            .ok_or("a Thrift string runs past the end of its data")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn string(&mut self) -> Result<String, String> {
        Ok(String::from_utf8_lossy(self.binary()?).into_owned())
    }

    /// Enters a struct.
    pub fn begin(&mut self) -> Result<(), String> {
        if self.last_ids.len() >= MAX_DEPTH {
            return Err("Thrift structs nested too deeply".into());
        }
        self.last_ids.push(0);
        Ok(())
    }

    /// The next field's id and wire type, or `None` at the struct's end (which it leaves).
    pub fn field(&mut self) -> Result<Option<(i16, Wire)>, String> {
        let b = self.byte()?;
        if b == 0 {
            self.last_ids.pop();
            return Ok(None);
        }
        let wire = Wire::from_nibble(b & 0x0f)?;
        let last = self
            .last_ids
            .last_mut()
            .ok_or("a Thrift field outside a struct")?;
        let id = match b >> 4 {
            0 => i16::try_from(self.int()?).map_err(|_| "a Thrift field id out of range")?,
            delta => last.wrapping_add(i16::from(delta)),
        };
        *self.last_ids.last_mut().expect("checked above") = id;
        Ok(Some((id, wire)))
    }

    /// A list's element type and length.
    pub fn list(&mut self) -> Result<(Wire, usize), String> {
        let b = self.byte()?;
        let size = match b >> 4 {
            15 => usize::try_from(self.varint()?).map_err(|_| "a huge Thrift list")?,
            n => usize::from(n),
        };
        // Each element takes a byte at least: a length beyond the data is a lie.
        if size > self.buf.len() - self.pos.min(self.buf.len()) {
            return Err("a Thrift list longer than its data".into());
        }
        Ok((Wire::from_nibble(b & 0x0f)?, size))
    }

    /// A boolean field's value (compact Thrift keeps it in the field header).
    pub fn bool_of(wire: Wire) -> bool {
        wire == Wire::True
    }

    /// Skips a value of `wire` type.
    pub fn skip(&mut self, wire: Wire) -> Result<(), String> {
        self.skip_at(wire, 0)
    }

    fn skip_at(&mut self, wire: Wire, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("Thrift values nested too deeply".into());
        }
        match wire {
            Wire::True | Wire::False => {}
            Wire::Byte => {
                self.byte()?;
            }
            Wire::I16 | Wire::I32 | Wire::I64 => {
                self.varint()?;
            }
            Wire::Double => {
                for _ in 0..8 {
                    self.byte()?;
                }
            }
            Wire::Binary => {
                self.binary()?;
            }
            Wire::List | Wire::Set => {
                let (elem, n) = self.list()?;
                for _ in 0..n {
                    self.skip_element(elem, depth + 1)?;
                }
            }
            Wire::Map => {
                let n = usize::try_from(self.varint()?).map_err(|_| "a huge Thrift map")?;
                if n > 0 {
                    let kv = self.byte()?;
                    let (k, v) = (Wire::from_nibble(kv >> 4)?, Wire::from_nibble(kv & 0x0f)?);
                    for _ in 0..n {
                        self.skip_element(k, depth + 1)?;
                        self.skip_element(v, depth + 1)?;
                    }
                }
            }
            Wire::Struct => {
                self.begin()?;
                while let Some((_, w)) = self.field()? {
                    self.skip_at(w, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    /// In a list, a boolean is a byte of its own.
    fn skip_element(&mut self, wire: Wire, depth: usize) -> Result<(), String> {
        if matches!(wire, Wire::True | Wire::False) {
            self.byte()?;
            Ok(())
        } else {
            self.skip_at(wire, depth)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_ints_and_strings() {
        // struct { 1: i32 = -3, 2: binary = "ab", 5: i64 = 300 (long-form id), stop }
        let bytes = [
            0x15, 0x05, 0x18, 0x02, b'a', b'b', 0x06, 0x0a, 0xd8, 0x04, 0x00,
        ];
        let mut r = Reader::new(&bytes);
        r.begin().unwrap();
        assert_eq!(r.field().unwrap(), Some((1, Wire::I32)));
        assert_eq!(r.i32().unwrap(), -3);
        assert_eq!(r.field().unwrap(), Some((2, Wire::Binary)));
        assert_eq!(r.string().unwrap(), "ab");
        assert_eq!(r.field().unwrap(), Some((5, Wire::I64)));
        assert_eq!(r.int().unwrap(), 300);
        assert_eq!(r.field().unwrap(), None);
    }

    #[test]
    fn truncated_and_hostile_data_is_an_error() {
        assert!(Reader::new(&[0x15]).field().is_err());
        let mut r = Reader::new(&[0x19, 0xf9, 0xff, 0xff, 0x0f]);
        r.begin().unwrap();
        let (_, w) = r.field().unwrap().unwrap();
        assert!(r.skip(w).is_err(), "a list longer than its data");
        let deep = vec![0x1c; 100];
        let mut r = Reader::new(&deep);
        r.begin().unwrap();
        let (_, w) = r.field().unwrap().unwrap();
        assert!(r.skip(w).is_err(), "nesting is bounded");
    }
}
