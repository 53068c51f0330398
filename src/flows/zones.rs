//! Which zone an address is in: the model's `zones` CIDRs (longest prefix wins), IPv4 and
//! IPv6, and the `az-id` -> zone map for the capturing interface; and which client of
//! `flows.clients` an address names ([`ClientRanges`]).

use crate::plan::{FlowClientPlan, ZonePlan};

/// An address from a flow log, IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Addr {
    V4(u32),
    V6(u128),
}

/// A zone's index in [`Zones::names`]; [`Zones::none`] is "in no zone".
pub type ZoneIdx = u8;

/// One CIDR of a [`CidrTable`]: what it names and where, as the SQL inlines it too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Net {
    /// The network address (host bits cleared).
    pub addr: Addr,
    pub len: u32,
    /// The index of the range it belongs to (a zone, a client).
    pub idx: usize,
    /// As written in the model.
    pub cidr: String,
}

impl Net {
    /// The first and last IPv4 address as numbers (`None` for IPv6).
    pub fn v4_bounds(&self) -> Option<(u32, u32)> {
        match self.addr {
            Addr::V4(n) => {
                let mask = if self.len == 0 {
                    0
                } else {
                    u32::MAX << (32 - self.len)
                };
                Some((n & mask, (n & mask) | !mask))
            }
            Addr::V6(_) => None,
        }
    }
}

/// Named groups of CIDRs, searched longest prefix first (equal prefixes: the earlier
/// group). The one owner of "which range is this address in": the Rust analysis looks
/// addresses up in it and the SQL inlines its [`CidrTable::nets`] in the same order.
#[derive(Clone, Debug, Default)]
pub struct CidrTable {
    /// Every CIDR, longest prefix first.
    nets: Vec<Net>,
    /// `(network, mask, index)` in the order of `nets`.
    v4: Vec<(u32, u32, usize)>,
    v6: Vec<(u128, u128, usize)>,
}

impl CidrTable {
    /// Builds the table from groups of CIDRs (group `i` is index `i`).
    pub fn new<'a>(groups: impl IntoIterator<Item = &'a [String]>) -> Result<CidrTable, String> {
        let mut nets = Vec::new();
        for (i, cidrs) in groups.into_iter().enumerate() {
            for c in cidrs {
                let (net, len) = c.split_once('/').ok_or_else(|| format!("bad CIDR {c}"))?;
                let len: u32 = len.parse().map_err(|_| format!("bad CIDR {c}"))?;
                let addr = match parse_addr(net.as_bytes()) {
                    Some(Addr::V4(n)) if len <= 32 => Addr::V4(if len == 0 {
                        0
                    } else {
                        n & (u32::MAX << (32 - len))
                    }),
                    Some(Addr::V6(n)) if len <= 128 => Addr::V6(if len == 0 {
                        0
                    } else {
                        n & (u128::MAX << (128 - len))
                    }),
                    _ => return Err(format!("bad CIDR {c}")),
                };
                nets.push(Net {
                    addr,
                    len,
                    idx: i,
                    cidr: c.clone(),
                });
            }
        }
        // Stable: equal prefixes keep the groups' order.
        nets.sort_by_key(|n| (std::cmp::Reverse(n.len), n.idx));
        let mut t = CidrTable {
            v4: Vec::new(),
            v6: Vec::new(),
            nets: Vec::new(),
        };
        for n in &nets {
            match n.addr {
                Addr::V4(a) => {
                    let m = if n.len == 0 {
                        0
                    } else {
                        u32::MAX << (32 - n.len)
                    };
                    t.v4.push((a, m, n.idx));
                }
                Addr::V6(a) => {
                    let m = if n.len == 0 {
                        0
                    } else {
                        u128::MAX << (128 - n.len)
                    };
                    t.v6.push((a, m, n.idx));
                }
            }
        }
        t.nets = nets;
        Ok(t)
    }

    /// Every CIDR, longest prefix first: the order [`CidrTable::of`] tries them in.
    pub fn nets(&self) -> &[Net] {
        &self.nets
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// The group `a` is in, if any.
    #[inline]
    pub fn of(&self, a: Addr) -> Option<usize> {
        match a {
            Addr::V4(x) => {
                for &(n, m, z) in &self.v4 {
                    if x & m == n {
                        return Some(z);
                    }
                }
            }
            Addr::V6(x) => {
                for &(n, m, z) in &self.v6 {
                    if x & m == n {
                        return Some(z);
                    }
                }
            }
        }
        None
    }
}

/// The zone table, built once from the Plan.
#[derive(Clone, Debug)]
pub struct Zones {
    /// Zone names in the Plan's (sorted) order.
    pub names: Vec<String>,
    /// The zones' CIDRs; a group's index is its zone's.
    pub table: CidrTable,
    /// `az-id` (`euw1-az1`) -> zone, sorted by id.
    az_ids: Vec<(Vec<u8>, ZoneIdx)>,
}

impl Zones {
    /// Builds the table from the Plan's zones and the `az-id=zone` pairs. The CIDRs were
    /// validated by the model; an az-id naming an unknown zone is refused by the caller.
    pub fn new(zones: &[ZonePlan], az_ids: &[(String, String)]) -> Result<Zones, String> {
        if zones.len() >= ZoneIdx::MAX as usize {
            return Err(format!("{} zones: at most 254 are supported", zones.len()));
        }
        let table = CidrTable::new(zones.iter().map(|z| z.cidrs.as_slice()))?;
        let mut map = Vec::new();
        // The model's `zoneIds` first; `--az-id` adds to them (a later pair wins).
        let from_model = zones
            .iter()
            .flat_map(|z| z.az_ids.iter().map(move |id| (id.clone(), z.name.clone())));
        let all: Vec<(String, String)> = from_model.chain(az_ids.iter().cloned()).collect();
        for (id, zone) in all.iter().rev() {
            if map
                .iter()
                .any(|(k, _): &(Vec<u8>, ZoneIdx)| k == id.as_bytes())
            {
                continue;
            }
            let i = zones
                .iter()
                .position(|z| &z.name == zone)
                .ok_or_else(|| format!("--az-id {id}={zone}: the model has no zone `{zone}`"))?;
            map.push((id.as_bytes().to_vec(), i as ZoneIdx));
        }
        map.sort();
        Ok(Zones {
            names: zones.iter().map(|z| z.name.clone()).collect(),
            table,
            az_ids: map,
        })
    }

    /// `az-id` -> zone index pairs, sorted by id (the SQL inlines them).
    pub fn az_id_pairs(&self) -> impl Iterator<Item = (&str, usize)> {
        self.az_ids
            .iter()
            .map(|(k, z)| (std::str::from_utf8(k).unwrap_or(""), usize::from(*z)))
    }

    /// The index that means "in no zone".
    pub fn none(&self) -> ZoneIdx {
        self.names.len() as ZoneIdx
    }

    /// The zone of `a`, or [`Zones::none`].
    #[inline]
    pub fn of(&self, a: Addr) -> ZoneIdx {
        self.table.of(a).map_or(self.none(), |z| z as ZoneIdx)
    }

    /// The zone of an `az-id` value, or [`Zones::none`].
    pub fn of_az_id(&self, id: &[u8]) -> ZoneIdx {
        self.az_ids
            .iter()
            .find(|(k, _)| k == id)
            .map_or(self.none(), |&(_, z)| z)
    }

    /// Whether any az-id is mapped (the parser skips the column otherwise).
    pub fn has_az_ids(&self) -> bool {
        !self.az_ids.is_empty()
    }
}

/// The clients of `flows.clients`: names and their CIDRs.
#[derive(Clone, Debug, Default)]
pub struct ClientRanges {
    pub names: Vec<String>,
    pub table: CidrTable,
}

impl ClientRanges {
    pub fn new(clients: &[FlowClientPlan]) -> Result<ClientRanges, String> {
        Ok(ClientRanges {
            names: clients.iter().map(|c| c.name.clone()).collect(),
            table: CidrTable::new(clients.iter().map(|c| c.cidrs.as_slice()))?,
        })
    }
}

/// Parses a dotted IPv4 address byte by byte (the hot path), or IPv6 through std.
#[inline]
pub fn parse_addr(s: &[u8]) -> Option<Addr> {
    if let Some(v) = parse_v4(s) {
        return Some(Addr::V4(v));
    }
    if s.contains(&b':') {
        let t = std::str::from_utf8(s).ok()?;
        return t
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(|a| Addr::V6(a.into()));
    }
    None
}

/// Dotted IPv4, four decimal octets of 1 to 3 digits up to 255. The octet checks run at
/// each dot instead of at each digit (an address is parsed twice per Loki record).
#[inline]
fn parse_v4(s: &[u8]) -> Option<u32> {
    if s.len() < 7 || s.len() > 15 {
        return None;
    }
    let mut out: u32 = 0;
    let mut octet: u32 = 0;
    let mut digits: u32 = 0;
    let mut dots: u32 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d <= 9 {
            octet = octet.wrapping_mul(10).wrapping_add(u32::from(d));
            digits += 1;
        } else if b == b'.' {
            if digits.wrapping_sub(1) > 2 || octet > 255 {
                return None;
            }
            out = (out << 8) | octet;
            octet = 0;
            digits = 0;
            dots += 1;
        } else {
            return None;
        }
    }
    if dots != 3 || digits.wrapping_sub(1) > 2 || octet > 255 {
        return None;
    }
    Some((out << 8) | octet)
}

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Addr::V4(x) => std::net::Ipv4Addr::from(x).fmt(f),
            Addr::V6(x) => std::net::Ipv6Addr::from(x).fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones() -> Zones {
        let z = |n: &str, c: &[&str]| ZonePlan {
            name: n.into(),
            cidrs: c.iter().map(|s| s.to_string()).collect(),
            az_ids: Vec::new(),
        };
        Zones::new(
            &[
                z("a", &["10.0.0.0/19", "2600:1f18:0:100::/56"]),
                z("b", &["10.0.32.0/19"]),
                // A /24 inside a's /19: the longer prefix wins.
                z("c", &["10.0.1.0/24"]),
            ],
            &[("euw1-az2".into(), "b".into())],
        )
        .unwrap()
    }

    #[test]
    fn v4_boundaries() {
        let z = zones();
        let of = |s: &str| z.of(parse_addr(s.as_bytes()).unwrap());
        assert_eq!(of("10.0.0.0"), 0);
        assert_eq!(of("10.0.31.255"), 0);
        assert_eq!(of("10.0.32.0"), 1);
        assert_eq!(of("10.0.63.255"), 1);
        assert_eq!(of("10.0.64.0"), z.none());
        assert_eq!(of("10.0.1.7"), 2);
        assert_eq!(of("52.95.1.1"), z.none());
    }

    #[test]
    fn v6() {
        let z = zones();
        let of = |s: &str| z.of(parse_addr(s.as_bytes()).unwrap());
        assert_eq!(of("2600:1f18:0:1ff::1"), 0);
        assert_eq!(of("2600:1f18:0:200::1"), z.none());
    }

    #[test]
    fn addresses() {
        assert_eq!(parse_addr(b"10.1.2.3"), Some(Addr::V4(0x0a010203)));
        for bad in [
            &b"10.1.2"[..],
            b"10.1.2.256",
            b"1..2.3",
            b"-",
            b"",
            b"10.1.2.3.4",
            b"1234.1.1.1",
        ] {
            assert_eq!(parse_addr(bad), None, "{:?}", std::str::from_utf8(bad));
        }
        assert!(matches!(parse_addr(b"::1"), Some(Addr::V6(1))));
    }

    /// The IPv4 parser against the standard library's on every kind of string a
    /// field can hold: addresses with 1- to 3-digit octets, leading zeros (std refuses
    /// them, flow logs never write them), and near misses.
    #[test]
    fn v4_parser_agrees_with_std() {
        let mut x: u64 = 0x243f6a8885a308d3;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"0123456789.....-:a ";
        for _ in 0..200_000 {
            let r = next();
            let s: Vec<u8> = if r % 2 == 0 {
                let o: Vec<String> = (0..4)
                    .map(|k| ((r >> (8 + 9 * k)) % 300).to_string())
                    .collect();
                o.join(".").into_bytes()
            } else {
                let len = (r >> 8) % 17;
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            };
            let want = std::str::from_utf8(&s)
                .ok()
                .and_then(|t| t.parse::<std::net::Ipv4Addr>().ok())
                .map(u32::from);
            let leading_zero = s
                .split(|&c| c == b'.')
                .any(|o| o.len() > 1 && o[0] == b'0' && o.iter().all(u8::is_ascii_digit));
            if !leading_zero {
                assert_eq!(parse_v4(&s), want, "{:?}", String::from_utf8_lossy(&s));
            }
        }
        assert_eq!(
            parse_v4(b"010.000.001.002"),
            Some(0x0a000102),
            "leading zeros read as decimal"
        );
    }

    #[test]
    fn az_ids() {
        let z = zones();
        assert_eq!(z.of_az_id(b"euw1-az2"), 1);
        assert_eq!(z.of_az_id(b"euw1-az9"), z.none());
        let e = Zones::new(&[], &[("x".into(), "nowhere".into())]).unwrap_err();
        assert!(e.contains("no zone `nowhere`"));
    }
}
