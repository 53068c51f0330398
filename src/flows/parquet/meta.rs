//! Parquet's metadata: the footer (schema, row groups, column chunks) and page headers, with
//! the fields a flat flow-log table needs; every other field is skipped.

use super::thrift::{Reader, Wire};

/// A column's physical type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Physical {
    Boolean,
    Int32,
    Int64,
    Int96,
    Float,
    Double,
    ByteArray,
    FixedLenByteArray,
}

impl Physical {
    fn from_code(c: i32) -> Result<Physical, String> {
        Ok(match c {
            0 => Physical::Boolean,
            1 => Physical::Int32,
            2 => Physical::Int64,
            3 => Physical::Int96,
            4 => Physical::Float,
            5 => Physical::Double,
            6 => Physical::ByteArray,
            7 => Physical::FixedLenByteArray,
            c => return Err(format!("unknown Parquet type {c}")),
        })
    }
}

/// A leaf column of the schema.
#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub physical: Physical,
    /// OPTIONAL: values may be null, so pages carry definition levels.
    pub optional: bool,
    /// FIXED_LEN_BYTE_ARRAY's width.
    pub type_length: usize,
}

/// Where one column's data of one row group is.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub codec: i32,
    pub num_values: u64,
    /// The first page (the dictionary page when there is one).
    pub start: u64,
    pub compressed_size: u64,
}

#[derive(Clone, Debug)]
pub struct RowGroup {
    pub num_rows: u64,
    pub chunks: Vec<Chunk>,
}

/// The footer.
#[derive(Clone, Debug)]
pub struct FileMeta {
    pub columns: Vec<Column>,
    pub row_groups: Vec<RowGroup>,
}

fn count(v: i64, what: &str) -> Result<u64, String> {
    u64::try_from(v).map_err(|_| format!("a negative {what} in the Parquet metadata"))
}

/// Reads FileMetaData. A nested schema (a column inside a group) is refused: flow logs are
/// one flat table.
pub fn file_meta(bytes: &[u8]) -> Result<FileMeta, String> {
    let mut r = Reader::new(bytes);
    r.begin()?;
    let mut schema = Vec::new();
    let mut row_groups = Vec::new();
    while let Some((id, w)) = r.field()? {
        match (id, w) {
            (2, Wire::List) => {
                let (_, n) = r.list()?;
                for _ in 0..n {
                    schema.push(schema_element(&mut r)?);
                }
            }
            (4, Wire::List) => {
                let (_, n) = r.list()?;
                for _ in 0..n {
                    row_groups.push(row_group(&mut r)?);
                }
            }
            _ => r.skip(w)?,
        }
    }
    // schema[0] is the root; every other element must be a leaf.
    let Some((_, rest)) = schema.split_first() else {
        return Err("a Parquet schema without a root".into());
    };
    let mut columns = Vec::new();
    for e in rest {
        if e.children > 0 {
            return Err(format!(
                "column `{}` is a nested group; flow logs are a flat table",
                e.name
            ));
        }
        let physical = e
            .physical
            .ok_or_else(|| format!("column `{}` has no type", e.name))?;
        columns.push(Column {
            name: e.name.clone(),
            physical,
            optional: e.repetition == 1,
            type_length: e.type_length,
        });
        if e.repetition == 2 {
            return Err(format!(
                "column `{}` is repeated; flow logs have none",
                e.name
            ));
        }
    }
    for g in &row_groups {
        if g.chunks.len() != columns.len() {
            return Err("a row group whose columns differ from the schema".into());
        }
    }
    Ok(FileMeta {
        columns,
        row_groups,
    })
}

struct SchemaElement {
    physical: Option<Physical>,
    type_length: usize,
    repetition: i32,
    name: String,
    children: i32,
}

fn schema_element(r: &mut Reader) -> Result<SchemaElement, String> {
    r.begin()?;
    let mut e = SchemaElement {
        physical: None,
        type_length: 0,
        repetition: 0,
        name: String::new(),
        children: 0,
    };
    while let Some((id, w)) = r.field()? {
        match (id, w) {
            (1, Wire::I32) => e.physical = Some(Physical::from_code(r.i32()?)?),
            (2, Wire::I32) => {
                e.type_length = usize::try_from(r.i32()?).map_err(|_| "a negative type length")?
            }
            (3, Wire::I32) => e.repetition = r.i32()?,
            (4, Wire::Binary) => e.name = r.string()?,
            (5, Wire::I32) => e.children = r.i32()?,
            _ => r.skip(w)?,
        }
    }
    Ok(e)
}

fn row_group(r: &mut Reader) -> Result<RowGroup, String> {
    r.begin()?;
    let mut g = RowGroup {
        num_rows: 0,
        chunks: Vec::new(),
    };
    while let Some((id, w)) = r.field()? {
        match (id, w) {
            (1, Wire::List) => {
                let (_, n) = r.list()?;
                for _ in 0..n {
                    g.chunks.push(column_chunk(r)?);
                }
            }
            (3, Wire::I64) => g.num_rows = count(r.int()?, "row count")?,
            _ => r.skip(w)?,
        }
    }
    Ok(g)
}

fn column_chunk(r: &mut Reader) -> Result<Chunk, String> {
    r.begin()?;
    let mut chunk = None;
    while let Some((id, w)) = r.field()? {
        match (id, w) {
            (2, Wire::Binary) => {
                // file_path: the chunk lives in another file.
                if !r.binary()?.is_empty() {
                    return Err("a column chunk in another file".into());
                }
            }
            (3, Wire::Struct) => chunk = Some(column_meta(r)?),
            _ => r.skip(w)?,
        }
    }
    chunk.ok_or_else(|| "a column chunk without metadata".into())
}

fn column_meta(r: &mut Reader) -> Result<Chunk, String> {
    r.begin()?;
    let (mut codec, mut num_values, mut size) = (0, 0, 0);
    let (mut data, mut dict) = (None, None);
    while let Some((id, w)) = r.field()? {
        match (id, w) {
            (4, Wire::I32) => codec = r.i32()?,
            (5, Wire::I64) => num_values = count(r.int()?, "value count")?,
            (7, Wire::I64) => size = count(r.int()?, "chunk size")?,
            (9, Wire::I64) => data = Some(count(r.int()?, "page offset")?),
            (11, Wire::I64) => dict = Some(count(r.int()?, "page offset")?),
            _ => r.skip(w)?,
        }
    }
    let data = data.ok_or("a column chunk without a data page offset")?;
    // Some writers record a dictionary offset of 0 for "none".
    let start = match dict {
        Some(d) if d > 0 && d < data => d,
        _ => data,
    };
    Ok(Chunk {
        codec,
        num_values,
        start,
        compressed_size: size,
    })
}

/// A page header.
#[derive(Clone, Debug)]
pub enum Page {
    Dictionary {
        num_values: usize,
    },
    /// A v1 data page: levels and values, all compressed together.
    DataV1 {
        num_values: usize,
        encoding: i32,
    },
    /// A v2 data page: levels uncompressed in front, then the (maybe compressed) values.
    DataV2 {
        num_values: usize,
        num_nulls: usize,
        encoding: i32,
        def_len: usize,
        rep_len: usize,
        compressed: bool,
    },
    /// An index page or a page of a kind no reader needs: skipped.
    Other,
}

/// A page header and the sizes of its body.
pub struct PageHeader {
    pub page: Page,
    pub uncompressed: usize,
    pub compressed: usize,
}

fn size(v: i32) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| "a negative size in a Parquet page header".to_owned())
}

/// Reads a page header; `r.pos` is then the body's start.
pub fn page_header(r: &mut Reader) -> Result<PageHeader, String> {
    r.begin()?;
    let (mut kind, mut uncompressed, mut compressed) = (-1, 0, 0);
    let mut page = Page::Other;
    while let Some((id, w)) = r.field()? {
        match (id, w) {
            (1, Wire::I32) => kind = r.i32()?,
            (2, Wire::I32) => uncompressed = size(r.i32()?)?,
            (3, Wire::I32) => compressed = size(r.i32()?)?,
            (5, Wire::Struct) => {
                r.begin()?;
                let (mut n, mut enc) = (0, 0);
                while let Some((id, w)) = r.field()? {
                    match (id, w) {
                        (1, Wire::I32) => n = size(r.i32()?)?,
                        (2, Wire::I32) => enc = r.i32()?,
                        _ => r.skip(w)?,
                    }
                }
                page = Page::DataV1 {
                    num_values: n,
                    encoding: enc,
                };
            }
            (7, Wire::Struct) => {
                r.begin()?;
                let mut n = 0;
                while let Some((id, w)) = r.field()? {
                    match (id, w) {
                        (1, Wire::I32) => n = size(r.i32()?)?,
                        _ => r.skip(w)?,
                    }
                }
                page = Page::Dictionary { num_values: n };
            }
            (8, Wire::Struct) => {
                r.begin()?;
                let (mut n, mut nulls, mut enc, mut dl, mut rl, mut comp) = (0, 0, 0, 0, 0, true);
                while let Some((id, w)) = r.field()? {
                    match (id, w) {
                        (1, Wire::I32) => n = size(r.i32()?)?,
                        (2, Wire::I32) => nulls = size(r.i32()?)?,
                        (4, Wire::I32) => enc = r.i32()?,
                        (5, Wire::I32) => dl = size(r.i32()?)?,
                        (6, Wire::I32) => rl = size(r.i32()?)?,
                        (7, Wire::True | Wire::False) => comp = Reader::bool_of(w),
                        _ => r.skip(w)?,
                    }
                }
                page = Page::DataV2 {
                    num_values: n,
                    num_nulls: nulls,
                    encoding: enc,
                    def_len: dl,
                    rep_len: rl,
                    compressed: comp,
                };
            }
            _ => r.skip(w)?,
        }
    }
    // The kind decides; a header struct of another kind's field number is ignored.
    let page = match (kind, page) {
        (0, p @ Page::DataV1 { .. })
        | (2, p @ Page::Dictionary { .. })
        | (3, p @ Page::DataV2 { .. }) => p,
        (0 | 2 | 3, _) => return Err(format!("a Parquet page of kind {kind} without its header")),
        _ => Page::Other,
    };
    Ok(PageHeader {
        page,
        uncompressed,
        compressed,
    })
}
