//! Timestamps of `--since`, `--until` and `--compare-at`: Unix seconds (what flow logs
//! carry), or UTC dates and times (`2026-03-01`, `2026-03-01T12:00:00Z`, `+hh:mm` offsets).

/// Parses a timestamp into Unix seconds.
pub fn parse(s: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "`{s}` is not a time: expected Unix seconds or 2026-03-01T12:00:00Z (UTC, or an offset)"
        )
    };
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| bad());
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let t = s.get(r).ok_or_else(bad)?;
        if t.bytes().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            t.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) {
        return Err(bad());
    }
    let mut secs = days_from_civil(y, mo, d) * 86400;
    let mut rest = &s[10..];
    if !rest.is_empty() {
        let t = rest
            .strip_prefix('T')
            .or_else(|| rest.strip_prefix(' '))
            .ok_or_else(bad)?;
        let tb = t.as_bytes();
        if tb.len() < 5 || tb[2] != b':' {
            return Err(bad());
        }
        let h: i64 = t[0..2].parse().map_err(|_| bad())?;
        let mi: i64 = t[3..5].parse().map_err(|_| bad())?;
        let mut sec = 0;
        let mut k = 5;
        if tb.len() >= 8 && tb[5] == b':' {
            sec = t[6..8].parse().map_err(|_| bad())?;
            k = 8;
        }
        if h > 23 || mi > 59 || sec > 60 {
            return Err(bad());
        }
        secs += h * 3600 + mi * 60 + sec;
        rest = &t[k..];
        // Fractions of a second are dropped: flow logs count whole seconds.
        if let Some(r) = rest.strip_prefix('.') {
            rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        match rest {
            "" | "Z" | "z" => {}
            off if (off.starts_with('+') || off.starts_with('-'))
                && off.len() == 6
                && &off[3..4] == ":" =>
            {
                let oh: i64 = off[1..3].parse().map_err(|_| bad())?;
                let om: i64 = off[4..6].parse().map_err(|_| bad())?;
                let o = oh * 3600 + om * 60;
                secs += if off.starts_with('+') { -o } else { o };
            }
            _ => return Err(bad()),
        }
    }
    u64::try_from(secs).map_err(|_| bad())
}

/// Unix seconds as `2026-03-01T12:00:00Z`.
pub fn format(t: u64) -> String {
    let days = (t / 86400) as i64;
    let s = t % 86400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days_from_civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse("1970-01-01"), Ok(0));
        // 2023-11-14T22:13:20Z is 1,700,000,000 (a well-known instant).
        assert_eq!(parse("2023-11-14T22:13:20Z"), Ok(1_700_000_000));
        assert_eq!(parse("2023-11-15T00:13:20+02:00"), Ok(1_700_000_000));
        assert_eq!(parse("2023-11-14 22:13"), Ok(1_699_999_980));
        assert_eq!(format(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(parse("2024-02-29"), Ok(1_709_164_800));
        for bad in [
            "",
            "2023-02-29",
            "2023-13-01",
            "yesterday",
            "2023-11-14T25:00Z",
            "2023-11-14Tx",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
