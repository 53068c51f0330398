use crate::lint::rules::ALL;

/// `portplan lint --list-rules`: one line per rule of the registry, in its order: the rule,
/// what it reads, its severity and what it finds.
pub fn rule_list() -> String {
    let slug = ALL.iter().map(|r| r.slug.len()).max().unwrap_or(0);
    let reads = ALL.iter().map(|r| r.reads().len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in ALL {
        let line = format!(
            "{:slug$}  {:reads$}  {:7}  {}",
            r.slug,
            r.reads(),
            r.severity.to_string(),
            r.summary
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_aligned_line_per_rule() {
        let list = rule_list();
        assert_eq!(list.lines().count(), ALL.len());
        let first = list.lines().next().unwrap();
        assert!(first.starts_with("memcached-port-flag "), "{first}");
        assert!(first.contains("  charts  "), "{first}");
    }
}
