//! One record -> one cell: which Loki port is its server side, request or response, the
//! client, both ends' zones, the time window, and every reason not to count it.

use super::aggregate::{Agg, REQUEST, RESPONSE};
use super::dedupe::Capture;
use super::format::Layout;
use super::portmap::{NO_SLOT, PortMap};
use super::record::{Fields, parse_port, parse_u64};
use super::zones::{Addr, ClientRanges, Zones, parse_addr};

/// What the analysis was asked to count, shared by every worker.
pub struct Ctx<'a> {
    pub ports: &'a PortMap,
    pub zones: &'a Zones,
    /// `flows.clients`: who a client address is when its port is not a Loki port.
    pub clients: &'a ClientRanges,
    /// Count records with `since <= start < until` only.
    pub since: Option<u64>,
    pub until: Option<u64>,
    /// Records that start before this go into window 0 ("before"), the rest into 1.
    pub compare_at: Option<u64>,
    pub dedupe: bool,
}

/// Where a line came from, for examples and the windows of `--baseline`.
pub struct Source<'a> {
    pub file: &'a str,
    /// The file's index in the sorted input list (orders `--dedupe` matches).
    pub file_index: u32,
    /// A `--baseline` file (window 0) when comparing against a baseline.
    pub window: Option<usize>,
    pub layout: &'a Layout,
}

const OK: &[u8] = b"OK";

/// Counts one line, split already: `line` is the scanned buffer (the fields index into
/// it), `[ls, le)` the line without its newline, `offset` where it starts in its stream.
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn line(
    ctx: &Ctx,
    src: &Source,
    agg: &mut Agg,
    line: &[u8],
    f: &Fields,
    ls: usize,
    le: usize,
    offset: u64,
) {
    if ls == le {
        return;
    }
    let l = src.layout;
    agg.cov.records += 1;
    if f.len != l.fields.len() {
        let why = if f.len < l.fields.len() {
            "fewer fields than the format"
        } else {
            "more fields than the format"
        };
        agg.cov.malformed(why, src.file, offset);
        return;
    }
    let (sp, dp) = (
        parse_port(f.get(line, l.srcport)),
        parse_port(f.get(line, l.dstport)),
    );
    // The hot path: most records are on no Loki port, and their ports are the only fields
    // read.
    if let (Some(s), Some(d)) = (sp, dp)
        && !(ctx.ports.contains(s) | ctx.ports.contains(d))
    {
        agg.cov.not_loki += 1;
        return;
    }
    let num = |i: Option<usize>| i.and_then(|i| parse_u64(f.get(line, i)));
    if let Some(i) = l.log_status {
        let status = f.get(line, i);
        if status != OK {
            let secs = match (num(l.start), num(l.end)) {
                (Some(s), Some(e)) => {
                    agg.cov.time(s, e);
                    e.saturating_sub(s)
                }
                _ => 0,
            };
            match status {
                b"NODATA" => {
                    agg.cov.nodata += 1;
                    agg.cov.nodata_seconds += secs;
                }
                b"SKIPDATA" => {
                    agg.cov.skipdata += 1;
                    agg.cov.skipdata_seconds += secs;
                }
                _ => agg.cov.malformed("unknown log-status", src.file, offset),
            }
            return;
        }
    }
    let (Some(sp), Some(dp)) = (sp, dp) else {
        agg.cov.malformed("port is not a number", src.file, offset);
        return;
    };
    if let Some(p) = num(l.protocol)
        && p != 6
        && p != 17
    {
        agg.cov.not_loki += 1;
        return;
    }
    let Some(bytes) = num(Some(l.bytes)) else {
        agg.cov.malformed("bytes is not a number", src.file, offset);
        return;
    };
    let packets = num(l.packets).unwrap_or(0);
    let (start, end) = (num(l.start), num(l.end));
    if (l.start.is_some() && start.is_none()) || (l.end.is_some() && end.is_none()) {
        agg.cov
            .malformed("start or end is not a number", src.file, offset);
        return;
    }
    let t = start.unwrap_or(0);
    if ctx.since.is_some_and(|s| t < s) || ctx.until.is_some_and(|u| t >= u) {
        agg.cov.outside_time += 1;
        return;
    }
    let w = match (src.window, ctx.compare_at) {
        (Some(w), _) => w,
        (None, Some(at)) => usize::from(t >= at),
        (None, None) => 0,
    };
    let addr = |pkt: Option<usize>, plain: Option<usize>| {
        pkt.map(|i| f.get(line, i))
            .filter(|v| *v != b"-")
            .or_else(|| plain.map(|i| f.get(line, i)))
            .and_then(parse_addr)
    };
    let (sa, da) = (
        addr(l.pkt_srcaddr, l.srcaddr),
        addr(l.pkt_dstaddr, l.dstaddr),
    );
    let zone = |a: Option<Addr>| a.map_or(ctx.zones.none(), |a| ctx.zones.of(a));
    let (mut zsrc, mut zdst) = (zone(sa), zone(da));
    let dir = l.flow_direction.map(|i| f.get(line, i));
    let none = ctx.zones.none();
    // az-id is the zone of the interface that captured the record: the destination of an
    // ingress record, the source of an egress one.
    if let (Some(i), Some(d)) = (l.az_id, dir)
        && ctx.zones.has_az_ids()
    {
        let z = ctx.zones.of_az_id(f.get(line, i));
        match d {
            b"ingress" if zdst == none => zdst = z,
            b"egress" if zsrc == none => zsrc = z,
            _ => {}
        }
    }
    // A flow between two interfaces of the VPC is captured once per interface: count its
    // ingress record. An egress record whose destination is in no zone left the VPC and
    // has no ingress twin, so it counts.
    if dir == Some(b"egress") && zdst != none {
        agg.cov.egress_duplicates += 1;
        agg.cov.egress_duplicate_bytes += bytes;
        return;
    }
    let (ds, ss) = (ctx.ports.slot(dp), ctx.ports.slot(sp));
    let d = &agg.dims;
    // The client: the component of its port when that is a Loki port, else the range of
    // `flows.clients` its address is in, else `other`.
    let by_range = |a: Option<Addr>| match a {
        Some(a) if d.ranges > 0 => ctx.clients.table.of(a).map_or(d.other(), |r| d.slots + r),
        _ => d.other(),
    };
    let (server, dirn, client, zc, zs) = if ds != NO_SLOT {
        let client = if ss == NO_SLOT {
            by_range(sa)
        } else {
            usize::from(ss)
        };
        (usize::from(ds), REQUEST, client, zsrc, zdst)
    } else {
        (usize::from(ss), RESPONSE, by_range(da), zdst, zsrc)
    };
    let cell = d.index(w, server, dirn, client, usize::from(zc), usize::from(zs));
    agg.cells[cell].add(packets, bytes);
    agg.cov.counted += 1;
    if zc == none || zs == none {
        agg.cov.no_zone += 1;
        agg.cov.no_zone_bytes += bytes;
    }
    if let (Some(s), Some(e)) = (start, end) {
        agg.cov.time(s, e);
        agg.cov.window(e.saturating_sub(s));
        let span = &mut agg.span[w];
        span.0 = span.0.min(s);
        span.1 = span.1.max(e);
    }
    if let Some(spill) = agg.spill.as_mut()
        && let (Some(sa), Some(da)) = (sa, da)
    {
        let iface = l.interface_id.map_or(&b""[..], |i| f.get(line, i));
        spill.push(&Capture {
            src: sa,
            dst: da,
            sport: sp,
            dport: dp,
            proto: num(l.protocol).unwrap_or(6) as u8,
            interface: hash(iface),
            start: t,
            end: end.unwrap_or(t),
            cell: cell as u32,
            packets,
            bytes,
            file: src.file_index,
            offset,
        });
    }
}

/// FNV-1a: interface ids only need to compare equal or not.
fn hash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100000001b3)
    })
}
