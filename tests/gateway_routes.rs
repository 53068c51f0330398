//! The gateway sends every Loki API path to the component that serves it. nginx picks a
//! location by its own precedence (exact, then the longest prefix, where `^~` stops the
//! regex search, then regexes in order), which a reader of the config easily gets wrong:
//! this test applies those rules to the generated nginx.conf.

mod common;
use common::*;

/// (modifier, path, upstream) of each `location` block.
fn locations(conf: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in conf.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("location ") {
            let parts: Vec<&str> = rest.trim_end_matches('{').split_whitespace().collect();
            let (modifier, path) = match parts.as_slice() {
                [path] => ("", *path),
                [m, path] => (*m, *path),
                _ => panic!("unexpected location line {line:?}"),
            };
            assert!(
                !modifier.starts_with('~'),
                "regex locations are not covered by this check: {line}"
            );
            current = Some((modifier.to_owned(), path.to_owned()));
        } else if let (Some((m, p)), Some(rest)) =
            (&current, line.strip_prefix("proxy_pass http://"))
        {
            let upstream = rest.split(['$', ';', '/']).next().unwrap().to_owned();
            out.push((m.clone(), p.clone(), upstream));
            current = None;
        } else if line.starts_with("return ") {
            current = None;
        }
    }
    out
}

/// The upstream nginx chooses for `uri` (no regex locations: see `locations`).
fn route<'a>(locs: &'a [(String, String, String)], uri: &str) -> Option<&'a str> {
    if let Some((_, _, u)) = locs.iter().find(|(m, p, _)| m == "=" && p == uri) {
        return Some(u);
    }
    locs.iter()
        .filter(|(m, p, _)| m != "=" && uri.starts_with(p.as_str()))
        .max_by_key(|(_, p, _)| p.len())
        .map(|(_, _, u)| u.as_str())
}

#[test]
fn every_api_path_reaches_its_component() {
    for (name, model) in models() {
        let dir =
            std::env::temp_dir().join(format!("portplan-routes-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = portplan(&["gen", "--model", model, "--out", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let plan: serde_json::Value = serde_json::from_str(&stdout(&portplan(&[
            "plan", "--model", model, "--format", "json",
        ])))
        .unwrap();
        let release = plan["release"].as_str().unwrap();
        let conf = std::fs::read_to_string(dir.join(release).join("templates/gateway/config.yaml"))
            .unwrap();
        let locs = locations(&conf);
        let roles: Vec<&str> = plan["gateway"]["upstreams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["role"].as_str().unwrap())
            .collect();
        let has = |r: &str| roles.contains(&r);

        let mut cases = vec![
            ("/loki/api/v1/push", "write"),
            ("/api/prom/push", "write"),
            ("/otlp/v1/logs", "write"),
            ("/loki/api/v1/query_range", "read"),
            ("/loki/api/v1/labels", "read"),
            ("/api/prom/query", "read"),
            ("/loki/api/v1/tail", "tail"),
        ];
        if has("compactor") {
            cases.push(("/loki/api/v1/delete", "compactor"));
            cases.push(("/compactor/ring", "compactor"));
        }
        if has("ruler") {
            cases.extend([
                ("/loki/api/v1/rules", "ruler"),
                ("/loki/api/v1/rules/team/group", "ruler"),
                ("/api/prom/rules", "ruler"),
                ("/prometheus/api/v1/rules", "ruler"),
                ("/prometheus/api/v1/alerts", "ruler"),
            ]);
        }
        for (uri, want) in cases {
            assert_eq!(route(&locs, uri), Some(want), "{model}: {uri}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
