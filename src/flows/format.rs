//! The record layout of a flow log: which field is in which column.
//!
//! AWS writes the fields a flow log was created with, in that order, separated by one space;
//! the format is either the default (version 2, 14 fields), the `--log-format` string as given
//! to `aws ec2 create-flow-logs` (`${version} ${srcaddr} ...`), or the header line S3
//! delivery writes as the first line of each file (`version srcaddr ...`).

/// Every field name of flow-log versions 2 to 8, in AWS's documentation order.
/// Versions 6 to 8 are known so that a header carrying them is read, not refused.
pub const KNOWN_FIELDS: &[&str] = &[
    // v2
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    // v3
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    // v4
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    // v5
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    // v7
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    // v8
    "reject-reason",
    // v9+ (newer documentation)
    "resource-id",
    "encryption-status",
];

/// The default format (version 2), as AWS writes it when no `--log-format` is given.
pub const DEFAULT_FORMAT: &str = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/// The columns the analysis reads; `None` when the format lacks the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The field names in column order, as written.
    pub fields: Vec<String>,
    pub srcaddr: Option<usize>,
    pub dstaddr: Option<usize>,
    pub pkt_srcaddr: Option<usize>,
    pub pkt_dstaddr: Option<usize>,
    pub srcport: usize,
    pub dstport: usize,
    pub protocol: Option<usize>,
    pub packets: Option<usize>,
    pub bytes: usize,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub log_status: Option<usize>,
    pub flow_direction: Option<usize>,
    pub az_id: Option<usize>,
    pub interface_id: Option<usize>,
    /// Header fields no version up to 9 defines: kept in place, never read.
    pub unknown: Vec<String>,
}

/// Why a format string was refused, with the 1-based column of the offending token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Layout {
    /// The default version-2 layout.
    pub fn default_v2() -> Layout {
        Layout::parse(DEFAULT_FORMAT, false).expect("the default format is valid")
    }

    /// Parses a format: `${name}` tokens (the `--log-format` syntax) or bare names (the
    /// header line). With `lenient` (a header AWS wrote), unknown names are kept as unread
    /// columns; otherwise (a flag the user typed) an unknown name is an error.
    pub fn parse(text: &str, lenient: bool) -> Result<Layout, FormatError> {
        let mut fields = Vec::new();
        let mut unknown = Vec::new();
        let mut pos = 0;
        for token in text.split(' ') {
            let column = pos + 1;
            pos += token.len() + 1;
            if token.is_empty() {
                continue;
            }
            let name = match token.strip_prefix("${") {
                Some(rest) => rest.strip_suffix('}').ok_or_else(|| FormatError {
                    column,
                    message: format!("`{token}` is not a field: expected `${{name}}`"),
                    hint: Some("separate fields with one space: `${srcaddr} ${dstaddr}`".into()),
                })?,
                None => token.trim_end_matches('\r'),
            };
            if !KNOWN_FIELDS.contains(&name) {
                if lenient {
                    unknown.push(name.to_owned());
                } else {
                    return Err(FormatError {
                        column,
                        message: format!("unknown flow-log field `{name}`"),
                        hint: crate::suggest::did_you_mean(name, KNOWN_FIELDS.iter().copied())
                            .map(|s| format!("did you mean `{s}`?")),
                    });
                }
            }
            if fields.iter().any(|f| f == name) {
                return Err(FormatError {
                    column,
                    message: format!("field `{name}` appears twice"),
                    hint: None,
                });
            }
            fields.push(name.to_owned());
        }
        let find = |n: &str| fields.iter().position(|f| f == n);
        let require = |n: &str| {
            find(n).ok_or_else(|| FormatError {
                column: 1,
                message: format!(
                    "the format has no `{n}`: flows cannot attribute bytes without it"
                ),
                hint: Some(format!(
                    "create the flow log with `${{{n}}}` in its --log-format (docs/flows.md)"
                )),
            })
        };
        let srcport = require("srcport")?;
        let dstport = require("dstport")?;
        let bytes = require("bytes")?;
        let (srcaddr, pkt_srcaddr) = (find("srcaddr"), find("pkt-srcaddr"));
        let (dstaddr, pkt_dstaddr) = (find("dstaddr"), find("pkt-dstaddr"));
        if srcaddr.is_none() && pkt_srcaddr.is_none() {
            require("srcaddr")?;
        }
        if dstaddr.is_none() && pkt_dstaddr.is_none() {
            require("dstaddr")?;
        }
        let l = Layout {
            srcaddr,
            dstaddr,
            pkt_srcaddr,
            pkt_dstaddr,
            srcport,
            dstport,
            protocol: find("protocol"),
            packets: find("packets"),
            bytes,
            start: find("start"),
            end: find("end"),
            log_status: find("log-status"),
            flow_direction: find("flow-direction"),
            az_id: find("az-id"),
            interface_id: find("interface-id"),
            unknown,
            fields,
        };
        Ok(l)
    }

    /// Whether `line` is a header: it names `srcport` and `dstport` and has no number in it.
    pub fn is_header(line: &[u8]) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut has_src = false;
        let mut has_dst = false;
        for t in line.split(|&b| b == b' ') {
            if !t.is_empty() && t.iter().all(u8::is_ascii_digit) {
                return false;
            }
            has_src |= t == b"srcport";
            has_dst |= t == b"dstport";
        }
        has_src && has_dst
    }

    /// The format as a `--log-format` string.
    pub fn to_format_string(&self) -> String {
        self.fields
            .iter()
            .map(|f| format!("${{{f}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_layout_columns() {
        let l = Layout::default_v2();
        assert_eq!(l.fields.len(), 14);
        assert_eq!((l.srcaddr, l.dstaddr), (Some(3), Some(4)));
        assert_eq!((l.srcport, l.dstport, l.bytes), (5, 6, 9));
        assert_eq!(l.log_status, Some(13));
        assert_eq!(l.flow_direction, None);
    }

    #[test]
    fn custom_order_and_v5_fields() {
        let l = Layout::parse(
            "${flow-direction} ${dstport} ${pkt-dstaddr} ${srcport} ${bytes} ${pkt-srcaddr} ${az-id} ${traffic-path}",
            false,
        )
        .unwrap();
        assert_eq!(l.flow_direction, Some(0));
        assert_eq!((l.dstport, l.srcport, l.bytes), (1, 3, 4));
        assert_eq!((l.pkt_srcaddr, l.pkt_dstaddr), (Some(5), Some(2)));
        assert_eq!(l.srcaddr, None);
        assert_eq!(l.az_id, Some(6));
    }

    #[test]
    fn unknown_field_is_located_with_a_suggestion() {
        let e = Layout::parse("${srcaddr} ${dstadr} ${srcport}", false).unwrap_err();
        assert_eq!(e.column, 12);
        assert_eq!(e.message, "unknown flow-log field `dstadr`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `dstaddr`?"));
    }

    #[test]
    fn missing_required_field() {
        let e = Layout::parse("${srcaddr} ${dstaddr} ${srcport} ${bytes}", false).unwrap_err();
        assert!(e.message.contains("no `dstport`"), "{}", e.message);
    }

    #[test]
    fn header_is_lenient_and_detected() {
        let h = b"version srcaddr dstaddr srcport dstport bytes future-field";
        assert!(Layout::is_header(h));
        assert!(!Layout::is_header(
            b"2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK"
        ));
        let l = Layout::parse(std::str::from_utf8(h).unwrap(), true).unwrap();
        assert_eq!(l.unknown, vec!["future-field".to_string()]);
        assert_eq!(l.bytes, 5);
    }

    #[test]
    fn bad_token() {
        let e = Layout::parse("${srcaddr ${dstaddr}", false).unwrap_err();
        assert_eq!(e.column, 1);
    }
}
