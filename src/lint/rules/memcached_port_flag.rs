//! `memcached-port-flag`: a memcached container told its port with `-u`, or moved off 11211
//! without `-p`.
//!
//! The official Loki chart's `_memcached-statefulset.tpl` passes `-u {{ .port }}`. `-u` is
//! memcached's *user* flag; the port flag is `-p` (`--port`). With the default port the bug
//! is invisible, because memcached's own default is also 11211. Moving the caches to 4090 and
//! 4091 made memcached keep listening on 11211 while every client dialled 4090/4091:
//! `connection refused` (as root, `-u 4090` even makes memcached exit: "can't find the user").
//! The same happens whenever a memcached container declares a port other than 11211 and its
//! arguments never pass `-p`, and when `-p` names one port while the container declares
//! another. Checked on template source: `{{ .port }}` counts as a port.

use super::{Check, FileOutcome, FileRule, Reads, RuleInfo, SourceFile};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::lint::context::{Context, MEMCACHED_DEFAULT_PORT};
use crate::lint::manifest::{Container, Scalar};
use crate::lint::template_scan::words;
use crate::yaml::Location;

pub static RULE: RuleInfo = RuleInfo {
    slug: "memcached-port-flag",
    severity: Severity::Error,
    summary: "memcached gets its port with -u (the user flag), a non-default port without -p, or -p another port than its containerPort",
    fix: "pass the port with -p (or --port): `-p {{ .port }}`",
    check: Check::Files(&MemcachedPortFlag),
};

struct MemcachedPortFlag;

impl FileRule for MemcachedPortFlag {
    fn reads(&self) -> Reads {
        Reads::Manifests
    }

    /// Checks every memcached container of every document.
    fn check(&self, file: &SourceFile<'_>, ctx: &Context, out: &mut FileOutcome) {
        let containers = file.manifest.documents.iter().flat_map(|d| &d.containers);
        for c in containers.filter(|c| is_memcached(c)) {
            check_container(file.path, c, ctx, &mut out.findings);
        }
    }
}

fn check_container(path: &str, c: &Container, ctx: &Context, out: &mut Vec<Finding>) {
    let name = c.name.as_ref().map_or("memcached", |n| n.text);
    let args: Vec<(&str, Location)> = c
        .args
        .iter()
        .flat_map(|a| {
            words(a.text)
                .into_iter()
                .map(move |(w, off)| (w, Location::new(a.at.line, a.at.column + off as u32)))
        })
        .collect();
    let mut user_as_port = false;
    for (i, (word, at)) in args.iter().enumerate() {
        let value = match *word {
            "-u" | "--user" => args.get(i + 1).map(|(w, _)| *w),
            w => w
                .strip_prefix("--user=")
                .or_else(|| w.strip_prefix("-u").filter(|v| !v.is_empty())),
        };
        if let Some(v) = value
            && is_port_like(v)
        {
            user_as_port = true;
            out.push(Finding::at(
                &RULE,
                path,
                *at,
                format!(
                    "container `{name}` passes `{}`: -u is memcached's user flag, not its port, so memcached keeps listening on {MEMCACHED_DEFAULT_PORT}",
                    if matches!(*word, "-u" | "--user") { format!("{word} {v}") } else { (*word).to_owned() }
                ),
                format!("use `-p {v}` (memcached's port flag is -p, or --port)"),
            ));
        }
    }
    if user_as_port {
        return;
    }
    if let Some((flag, value, at)) = port_flag_value(&args) {
        let declared = c.ports.iter().filter_map(|p| p.container_port.as_ref());
        if let Some(port) = value.parse::<u16>().ok().and_then(|v| {
            declared
                .filter_map(|p| Some((p.as_port()?, p)))
                .find(|(p, _)| *p != v)
        }) {
            out.push(Finding::at(
                &RULE,
                path,
                at,
                format!(
                    "container `{name}` passes `{flag}` but declares containerPort {}: memcached listens on {value}, and whatever dials {} is refused",
                    port.0, port.0
                ),
                format!(
                    "pass `-p {}`, or declare containerPort {value} (and point the Service at it)",
                    port.0
                ),
            ));
        }
        return;
    }
    let cache_ports = ctx.non_default_cache_ports();
    for port in c.ports.iter().filter_map(|p| p.container_port.as_ref()) {
        if let Some(message) = missing_port_flag(name, port, &cache_ports) {
            out.push(Finding::at(
                &RULE,
                path,
                port.at,
                message,
                format!("add `-p {}` to the container's args", port.text),
            ));
        }
    }
}

/// The port flag among `args` (`-p 4090`, `-p4090`, `--port 4090`, `--port=4090`): the
/// flag as written, its value and where the flag is.
fn port_flag_value<'a>(args: &[(&'a str, Location)]) -> Option<(String, &'a str, Location)> {
    args.iter().enumerate().find_map(|(i, (word, at))| {
        let value = match *word {
            "-p" | "--port" => {
                let v = args.get(i + 1)?.0;
                return Some((format!("{word} {v}"), v, *at));
            }
            w => w.strip_prefix("--port=").or_else(|| {
                w.strip_prefix("-p")
                    .filter(|v| is_port_like(v) || v.starts_with("{{"))
            })?,
        };
        Some(((*word).to_owned(), value, *at))
    })
}

/// Why a declared port without `-p` is wrong, if it is.
fn missing_port_flag(name: &str, port: &Scalar, cache_ports: &[(&str, u16)]) -> Option<String> {
    if let Some(p) = port.as_port() {
        return (p != MEMCACHED_DEFAULT_PORT).then(|| {
            format!(
                "container `{name}` declares containerPort {p} but never passes -p/--port: memcached listens on {MEMCACHED_DEFAULT_PORT}"
            )
        });
    }
    if !port.is_template() || cache_ports.is_empty() {
        return None;
    }
    let model: Vec<String> = cache_ports
        .iter()
        .map(|(n, p)| format!("{p} ({n})"))
        .collect();
    Some(format!(
        "container `{name}` takes its containerPort from `{}` but never passes -p/--port: memcached listens on {MEMCACHED_DEFAULT_PORT}, and the model puts the caches on {}",
        port.text,
        model.join(", ")
    ))
}

/// A memcached server container: named or built from memcached, and not its exporter.
fn is_memcached(c: &Container) -> bool {
    let texts = [c.name.as_ref(), c.image.as_ref()];
    let mentions = |needle: &str| texts.iter().flatten().any(|s| s.text.contains(needle));
    mentions("memcached") && !mentions("exporter")
}

/// A number, or a template action that reads a port.
fn is_port_like(v: &str) -> bool {
    let v = v.trim_matches(['"', '\'']);
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        || (v.contains("{{") && v.to_ascii_lowercase().contains("port"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert!(is_port_like("{{ .port }}"));
        assert!(is_port_like("4090"));
        assert!(!is_port_like("memcache"));
        assert!(!is_port_like("{{ .user }}"));
        let at = Location::new(1, 1);
        let flag = |words: &[&'static str]| {
            let args: Vec<(&str, Location)> = words.iter().map(|w| (*w, at)).collect();
            port_flag_value(&args).map(|(f, v, _)| (f, v))
        };
        assert_eq!(flag(&["-p", "4090"]), Some(("-p 4090".into(), "4090")));
        assert_eq!(flag(&["--port=4090"]), Some(("--port=4090".into(), "4090")));
        assert_eq!(flag(&["-p4090"]), Some(("-p4090".into(), "4090")));
        assert_eq!(flag(&["-pv"]), None);
        assert_eq!(flag(&["-m", "64"]), None);
    }
}
