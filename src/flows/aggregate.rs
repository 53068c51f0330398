//! The counters one worker fills and the merge of all workers: dense cells per
//! (window, server port, direction, client, client zone, server zone), and coverage.
//!
//! Cells are a flat array, not a hash map: with the reference layout's 20 ports and three
//! zones the array is under a megabyte, and an increment is one multiply-add away.

use std::collections::BTreeMap;

/// Records, packets and bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub records: u64,
    pub packets: u64,
    pub bytes: u64,
}

impl Cell {
    #[inline(always)]
    pub fn add(&mut self, packets: u64, bytes: u64) {
        self.records += 1;
        self.packets += packets;
        self.bytes += bytes;
    }

    pub fn merge(&mut self, o: &Cell) {
        self.records += o.records;
        self.packets += o.packets;
        self.bytes += o.bytes;
    }
}

/// Request (the server's port is `dstport`) or response (`srcport`).
pub const REQUEST: usize = 0;
pub const RESPONSE: usize = 1;

/// The shape of the cell array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dims {
    /// Windows: 1, or 2 (before, after) when comparing.
    pub windows: usize,
    /// Distinct Loki ports.
    pub slots: usize,
    /// Clients named by address range (`flows.clients`).
    pub ranges: usize,
    /// Zones plus one for "in no zone".
    pub zones1: usize,
}

impl Dims {
    /// Clients are the slots, then the address ranges, then one "unknown" (`other`).
    pub fn clients(&self) -> usize {
        self.slots + self.ranges + 1
    }

    /// The client index of `other`: no Loki port, no known range.
    pub fn other(&self) -> usize {
        self.slots + self.ranges
    }

    pub fn len(&self) -> usize {
        self.windows * self.slots * 2 * self.clients() * self.zones1 * self.zones1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell of one combination; see [`Dims::clients`] for the client index.
    #[inline(always)]
    pub fn index(
        &self,
        w: usize,
        server: usize,
        dir: usize,
        client: usize,
        zc: usize,
        zs: usize,
    ) -> usize {
        ((((w * self.slots + server) * 2 + dir) * self.clients() + client) * self.zones1 + zc)
            * self.zones1
            + zs
    }

    /// The inverse of [`Dims::index`].
    pub fn key(&self, mut i: usize) -> (usize, usize, usize, usize, usize, usize) {
        let zs = i % self.zones1;
        i /= self.zones1;
        let zc = i % self.zones1;
        i /= self.zones1;
        let client = i % self.clients();
        i /= self.clients();
        let dir = i % 2;
        i /= 2;
        let server = i % self.slots;
        (i / self.slots, server, dir, client, zc, zs)
    }
}

/// Where a skipped line was first seen: the file and the byte offset of the line (in the
/// decompressed stream for .gz).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub file: String,
    pub offset: u64,
}

/// A file that could not be read to its end.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileFailure {
    pub file: String,
    /// The byte offset (of the compressed file for .gz) where reading failed.
    pub offset: u64,
    pub error: String,
}

/// What was read and what was not counted, and why.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub files: u64,
    pub input_bytes: u64,
    /// Non-empty lines that are not headers.
    pub records: u64,
    pub headers: u64,
    pub nodata: u64,
    pub nodata_seconds: u64,
    pub skipdata: u64,
    pub skipdata_seconds: u64,
    /// Records on no Loki port (or neither TCP nor UDP).
    pub not_loki: u64,
    pub outside_time: u64,
    /// Egress captures of flows whose other end is in a zone (its ingress record counts).
    pub egress_duplicates: u64,
    pub egress_duplicate_bytes: u64,
    /// Second captures matched by `--dedupe`.
    pub deduped: u64,
    pub deduped_bytes: u64,
    /// Loki records with an end in no zone (or with no address).
    pub no_zone: u64,
    pub no_zone_bytes: u64,
    /// Counted Loki records.
    pub counted: u64,
    /// Skipped lines by reason, with the first one seen.
    pub malformed: BTreeMap<&'static str, (u64, Option<Example>)>,
    /// Files whose format has no `flow-direction` (every capture counts).
    pub files_without_direction: u64,
    pub failures: Vec<FileFailure>,
    /// Header fields no known version defines.
    pub unknown_fields: Vec<String>,
    /// Earliest `start` and latest `end` of counted records and NODATA/SKIPDATA windows
    /// (`u64::MAX` and 0 while there is none: plain integers on the hot path).
    pub first_start: u64,
    pub last_end: u64,
    /// Shortest and longest `end - start` of counted records (the aggregation interval).
    pub min_window: u64,
    pub max_window: u64,
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            files: 0,
            input_bytes: 0,
            records: 0,
            headers: 0,
            nodata: 0,
            nodata_seconds: 0,
            skipdata: 0,
            skipdata_seconds: 0,
            not_loki: 0,
            outside_time: 0,
            egress_duplicates: 0,
            egress_duplicate_bytes: 0,
            deduped: 0,
            deduped_bytes: 0,
            no_zone: 0,
            no_zone_bytes: 0,
            counted: 0,
            malformed: BTreeMap::new(),
            files_without_direction: 0,
            failures: Vec::new(),
            unknown_fields: Vec::new(),
            first_start: u64::MAX,
            last_end: 0,
            min_window: u64::MAX,
            max_window: 0,
        }
    }
}

impl Coverage {
    /// Counts a skipped line.
    pub fn malformed(&mut self, reason: &'static str, file: &str, offset: u64) {
        let e = self.malformed.entry(reason).or_insert((0, None));
        e.0 += 1;
        if e.1.is_none() {
            e.1 = Some(Example {
                file: file.to_owned(),
                offset,
            });
        }
    }

    /// Widens the time range.
    #[inline]
    pub fn time(&mut self, start: u64, end: u64) {
        self.first_start = self.first_start.min(start);
        self.last_end = self.last_end.max(end);
    }

    /// The time range, when any record had one.
    pub fn time_range(&self) -> Option<(u64, u64)> {
        (self.first_start != u64::MAX).then_some((self.first_start, self.last_end))
    }

    /// The interval range, when any counted record had one.
    pub fn window_range(&self) -> Option<(u64, u64)> {
        (self.min_window != u64::MAX).then_some((self.min_window, self.max_window))
    }

    /// Widens the interval range.
    #[inline]
    pub fn window(&mut self, len: u64) {
        self.min_window = self.min_window.min(len);
        self.max_window = self.max_window.max(len);
    }

    pub fn merge(&mut self, o: Coverage) {
        self.files += o.files;
        self.input_bytes += o.input_bytes;
        self.records += o.records;
        self.headers += o.headers;
        self.nodata += o.nodata;
        self.nodata_seconds += o.nodata_seconds;
        self.skipdata += o.skipdata;
        self.skipdata_seconds += o.skipdata_seconds;
        self.not_loki += o.not_loki;
        self.outside_time += o.outside_time;
        self.egress_duplicates += o.egress_duplicates;
        self.egress_duplicate_bytes += o.egress_duplicate_bytes;
        self.deduped += o.deduped;
        self.deduped_bytes += o.deduped_bytes;
        self.no_zone += o.no_zone;
        self.no_zone_bytes += o.no_zone_bytes;
        self.counted += o.counted;
        for (k, (n, ex)) in o.malformed {
            let e = self.malformed.entry(k).or_insert((0, None));
            e.0 += n;
            // The earliest example in file order, so the output does not depend on threads.
            e.1 = match (e.1.take(), ex) {
                (Some(a), Some(b)) => Some(if (&b.file, b.offset) < (&a.file, a.offset) {
                    b
                } else {
                    a
                }),
                (a, b) => a.or(b),
            };
        }
        self.files_without_direction += o.files_without_direction;
        self.failures.extend(o.failures);
        for f in o.unknown_fields {
            if !self.unknown_fields.contains(&f) {
                self.unknown_fields.push(f);
            }
        }
        self.time(o.first_start, o.last_end);
        self.min_window = self.min_window.min(o.min_window);
        self.max_window = self.max_window.max(o.max_window);
    }
}

/// Everything one worker counted.
pub struct Agg {
    pub dims: Dims,
    pub cells: Vec<Cell>,
    pub cov: Coverage,
    /// Per window: earliest start and latest end of its counted records.
    pub span: Vec<(u64, u64)>,
    /// With `--dedupe`: this worker's spill of Loki captures (docs/flows.md).
    pub spill: Option<super::dedupe::Spill>,
}

impl Agg {
    pub fn new(dims: Dims) -> Agg {
        Agg {
            dims,
            cells: vec![Cell::default(); dims.len()],
            cov: Coverage::default(),
            span: vec![(u64::MAX, 0); dims.windows],
            spill: None,
        }
    }

    pub fn merge(&mut self, o: Agg) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            a.merge(b);
        }
        self.cov.merge(o.cov);
        for (a, b) in self.span.iter_mut().zip(&o.span) {
            a.0 = a.0.min(b.0);
            a.1 = a.1.max(b.1);
        }
    }

    /// `--dedupe`: takes the second captures of a flow out of their cells, partition by
    /// partition of what the `workers` spilled ([`super::dedupe`]).
    pub fn dedupe(&mut self, dir: &super::dedupe::SpillDir, workers: usize) -> Result<(), String> {
        let (cells, cov) = (&mut self.cells, &mut self.cov);
        super::dedupe::matches(dir, workers, |d| {
            let c = &mut cells[d.cell as usize];
            c.records -= 1;
            c.packets -= d.packets;
            c.bytes -= d.bytes;
            cov.counted -= 1;
            cov.deduped += 1;
            cov.deduped_bytes += d.bytes;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips() {
        let d = Dims {
            windows: 2,
            slots: 5,
            ranges: 1,
            zones1: 4,
        };
        let mut seen = vec![false; d.len()];
        for w in 0..2 {
            for s in 0..5 {
                for dir in 0..2 {
                    for c in 0..7 {
                        for zc in 0..4 {
                            for zs in 0..4 {
                                let i = d.index(w, s, dir, c, zc, zs);
                                assert!(!seen[i]);
                                seen[i] = true;
                                assert_eq!(d.key(i), (w, s, dir, c, zc, zs));
                            }
                        }
                    }
                }
            }
        }
        assert!(seen.iter().all(|&b| b));
    }
}
