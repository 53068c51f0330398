//! Kubernetes name rules. A name that passes here is safe to place in a Helm template as
//! literal text: it cannot contain `{{`, quotes, spaces, newlines or path separators.

/// Checks an RFC 1035 label as Kubernetes uses it for Service names: at most 63 characters of
/// `a-z`, `0-9` and `-`, starting with a letter and ending with a letter or digit.
pub fn check_dns1035_label(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 63 {
        return Err(format!(
            "is {} characters long; at most 63 are allowed",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        return Err(format!(
            "contains {}; only lowercase letters, digits and '-' are allowed",
            describe_char(c)
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter".into());
    }
    if name.ends_with('-') {
        return Err("must end with a letter or digit".into());
    }
    Ok(())
}

/// Checks an RFC 1123 subdomain (a cluster domain such as `cluster.local`).
pub fn check_dns1123_subdomain(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 253 {
        return Err("must be 1 to 253 characters long".into());
    }
    for label in name.split('.') {
        if label.is_empty()
            || label.len() > 63
            || !label
                .chars()
                .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(format!(
                "label `{}` is not a DNS label (lowercase letters, digits and '-')",
                label.escape_debug()
            ));
        }
    }
    Ok(())
}

pub(crate) fn describe_char(c: char) -> String {
    match c {
        '\n' => "a newline".into(),
        '\t' => "a tab".into(),
        ' ' => "a space".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(check_dns1035_label("loki-v3").is_ok());
        assert!(check_dns1035_label("3loki").is_err());
        assert!(check_dns1035_label("Loki").is_err());
        assert!(check_dns1035_label("loki-").is_err());
        assert!(check_dns1035_label("lo{{ki").is_err());
        assert!(check_dns1035_label(&"a".repeat(64)).is_err());
        assert!(check_dns1123_subdomain("cluster.local").is_ok());
        assert!(check_dns1123_subdomain("cluster..local").is_err());
    }
}
