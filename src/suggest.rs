/// The candidate closest to `input` by edit distance, when it is close enough to be a typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input = input.to_lowercase();
    let len = input.chars().count();
    let limit = (len / 3).max(1) + 1;
    candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let whole = levenshtein(&input, &lc);
            // A truncated key (`trafic` for `trafficDistribution`) is a typo of a prefix.
            let prefix: String = lc.chars().take(len + 1).collect();
            let partial = if len >= 4 {
                levenshtein(&input, &prefix) + 1
            } else {
                usize::MAX
            };
            let d = whole.min(partial);
            (d <= limit).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        let keys = ["trafficDistribution", "namespace", "release"];
        assert_eq!(
            did_you_mean("traficDistribution", keys),
            Some("trafficDistribution")
        );
        assert_eq!(did_you_mean("relase", keys), Some("release"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(did_you_mean("trafic", keys), Some("trafficDistribution"));
    }
}
