//! nginx runs the rendered config in front of the stand-ins, and every Loki API path must
//! reach the upstream the plan names; the check is shown to catch planted routing bugs.

use super::api_paths::{Want, cases, client_cases};
use super::network::{StandIns, bind_all, resolve_a, send};
use super::processes::Proc;
use super::*;

/// Runs `conf` (a model's rendered gateway config) in nginx in front of stand-ins for the
/// plan's upstreams and sends every Loki API path through it; the problems found, one a line
/// (an empty list: every path reached what the plan says). Cases the plan names no upstream
/// for (no ruler, no compactor) go to `unplanned`, to be reported.
fn check_routes(
    tools: &Tools,
    model: &str,
    plan: &Value,
    conf: &str,
    unplanned: &mut Vec<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let planned = plan_upstreams(plan);
    let rendered = conf_upstreams(conf);
    if rendered != planned {
        problems.push(format!(
            "the rendered upstreams {rendered:?} are not the plan's {planned:?}"
        ));
    }
    let roles: BTreeSet<String> = planned.iter().map(|(r, _, _)| r.clone()).collect();
    let endpoint = |role: &str| {
        planned
            .iter()
            .find(|(r, _, _)| r == role)
            .map(|(_, h, p)| format!("{h}:{p}"))
            .unwrap_or_else(|| panic!("{model}: the plan has no {role} upstream"))
    };

    // Before the processes: they are ended (dropped) before their folder is removed.
    let dir = temp_dir("gateway-routes");
    let addrs = bind_all(plan);
    let stand_ins = StandIns::start(addrs.listeners);

    // dnsmasq answers each Service name with its address, as cluster DNS answers with the
    // ClusterIP: A records only (AAAA: no data), other names in the domain: NXDOMAIN.
    let mut cmd = Command::new(&tools.dnsmasq);
    cmd.args([
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--no-poll",
        "--bind-interfaces",
        "--pid-file=",
        "--log-facility=-",
        "--log-queries",
    ]);
    cmd.arg(format!("--listen-address={}", addrs.dns.ip()))
        .arg(format!("--port={}", addrs.dns.port()))
        .arg(format!(
            "--local=/{}/",
            plan["cluster_domain"].as_str().unwrap()
        ));
    // SAFETY: geteuid(2) cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        cmd.args(["--user=nobody", "--group=nogroup"]);
    }
    for (host, ip) in &addrs.hosts {
        cmd.arg(format!("--host-record={host},{ip}"));
    }
    let mut dns = Proc::spawn("dnsmasq", cmd, dir.path().join("dnsmasq.log"));
    let deadline = Instant::now() + WAIT;
    for (host, ip) in &addrs.hosts {
        while resolve_a(addrs.dns, host) != Some(*ip) {
            dns.assert_running();
            assert!(
                Instant::now() < deadline,
                "{model}: dnsmasq does not answer {host}:\n{}",
                dns.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    let conf_file = dir.path().join("nginx.conf");
    let runnable = for_this_machine(conf, plan, dir.path(), addrs.dns, Some(addrs.gateway));
    std::fs::write(&conf_file, &runnable).unwrap();
    let mut cmd = Command::new(&tools.nginx);
    cmd.arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf_file)
        .args(["-g", "daemon off;"]);
    let mut gw = Proc::spawn("nginx", cmd, dir.path().join("nginx.log"));
    let logs = |gw: &Proc, dns: &Proc| {
        format!(
            "--- nginx log\n{}--- dnsmasq log\n{}--- nginx.conf as run\n{runnable}",
            gw.log(),
            dns.log()
        )
    };
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = gw.child.try_wait().unwrap() {
            problems.push(format!("nginx exited ({status})\n{}", logs(&gw, &dns)));
            return problems;
        }
        if TcpStream::connect_timeout(&addrs.gateway, WAIT).is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{model}: nginx does not listen on {}:\n{}",
            addrs.gateway,
            logs(&gw, &dns)
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // nginx resolves the upstreams' names once it runs (`resolve`): wait until dnsmasq has
    // been asked for each (AAAA: only nginx asks that; the probe above asked A).
    let deadline = Instant::now() + WAIT;
    while !addrs.hosts.keys().all(|h| {
        let log = dns.log();
        log.contains(&format!("query[A] {h} ")) && log.contains(&format!("query[AAAA] {h} "))
    }) {
        if Instant::now() >= deadline {
            problems.push(format!(
                "nginx did not resolve every upstream within {WAIT:?}\n{}",
                logs(&gw, &dns)
            ));
            return problems;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut retry_budget = Duration::from_secs(1);

    // A real push is a batch: 1 MiB, within the gateway's client_max_body_size.
    let push_body = {
        let line = r#"{"streams":[{"stream":{"job":"varlogs"},"values":[["1700000000000000000","a log line"]]}]}"#;
        line.repeat(1024 * 1024 / line.len()).into_bytes()
    };
    let mut failed = false;
    let all = cases(&roles)
        .into_iter()
        .map(|(m, p, w, want)| (m, p.to_owned(), w, want))
        .chain(client_cases(plan));
    for (method, path, websocket, want) in all {
        let body: &[u8] = match (method, path.as_str()) {
            ("POST", "/loki/api/v1/push") => &push_body,
            ("POST", _) => b"{}",
            _ => b"",
        };
        let at = format!("{method} {path}");
        let before = stand_ins.hits().len();
        // Until nginx has the answers (see above), a request may get 502 without reaching
        // anything: such a request is sent again, from one small budget for the whole run.
        let reply = loop {
            let r = send(addrs.gateway, method, &path, websocket, body);
            let reached = stand_ins.hits().len() > before;
            if r.status != 502 || reached || retry_budget.is_zero() {
                break r;
            }
            let pause = Duration::from_millis(20);
            retry_budget = retry_budget.saturating_sub(pause);
            std::thread::sleep(pause);
        };
        let hits = stand_ins.hits();
        let new = &hits[before..];
        let reached: Vec<&str> = new.iter().map(|h| h.upstream.as_str()).collect();
        let mut problem = |p: String| {
            failed = true;
            problems.push(format!("{at}: {p}"));
        };
        match want {
            Want::Role(role) => {
                let expected = endpoint(role);
                let status = if websocket { 101 } else { 200 };
                if reply.status != status
                    || reply.first != format!("upstream {expected}")
                    || new.len() != 1
                {
                    problem(format!(
                        "should reach the {role} upstream {expected} (status {status}); got status {} ({:?}), upstreams reached: {reached:?}; reply head:\n{}",
                        reply.status,
                        reply.first,
                        reply.raw.split("\r\n\r\n").next().unwrap_or("")
                    ));
                    continue;
                }
                let hit = &new[0];
                if hit.request_line != format!("{method} {path} HTTP/1.1") {
                    problem(format!(
                        "the upstream got `{}`, not the request as sent",
                        hit.request_line
                    ));
                }
                if hit.body_len != body.len() {
                    problem(format!(
                        "the upstream got {} of the {} body bytes",
                        hit.body_len,
                        body.len()
                    ));
                }
                if !hit.headers.contains_key("x-forwarded-for") {
                    problem(format!(
                        "no X-Forwarded-For at the upstream: {:?}",
                        hit.headers
                    ));
                }
                let header_is = |k: &str, v: &str| {
                    hit.headers
                        .get(k)
                        .is_some_and(|x| x.eq_ignore_ascii_case(v))
                };
                if websocket
                    && !(header_is("upgrade", "websocket") && header_is("connection", "upgrade"))
                {
                    problem(format!(
                        "the websocket upgrade (Upgrade, Connection) did not reach the upstream: {:?}",
                        hit.headers
                    ));
                }
                if !websocket && hit.headers.contains_key("upgrade") {
                    problem(format!(
                        "an Upgrade header the client did not send: {:?}",
                        hit.headers
                    ));
                }
            }
            Want::Nginx(status) => {
                if reply.status != status
                    || !new.is_empty()
                    || (status == 200 && reply.first != "OK")
                {
                    problem(format!(
                        "should be answered by nginx itself with {status}; got status {} ({:?}), upstreams reached: {reached:?}",
                        reply.status, reply.first
                    ));
                }
            }
            Want::Unplanned => unplanned.push(format!(
                "{method} {path} -> {} {}",
                reply.status,
                reached.first().copied().unwrap_or("nginx itself")
            )),
        }
    }
    if gw.child.try_wait().unwrap().is_some() {
        failed = true;
        problems.push("nginx exited during the requests".to_owned());
    }
    if failed {
        problems.push(logs(&gw, &dns));
    }
    problems
}

#[test]
fn every_loki_api_path_reaches_the_upstream_the_plan_names() {
    let Some(tools) = tools() else {
        return;
    };
    // The three modes: the reference (distributed), monolithic and simple-scalable.
    for (name, model) in models() {
        let started = Instant::now();
        let g = Generated::ok(model, &format!("routes-{name}"));
        let conf = rendered_conf(&tools.helm, &g);
        let mut unplanned = Vec::new();
        let problems = check_routes(&tools, model, &g.plan, &conf, &mut unplanned);
        assert!(
            problems.is_empty(),
            "{model}: {} problem(s):\n  - {}",
            problems.len(),
            problems.join("\n  - ")
        );
        eprintln!(
            "{model}: every path routed as planned in {:.2}s{}",
            started.elapsed().as_secs_f64(),
            if unplanned.is_empty() {
                String::new()
            } else {
                format!("; no upstream planned for:\n  {}", unplanned.join("\n  "))
            }
        );
    }
}

/// The routing check is not vacuous: routing bugs planted in the reference's rendered config
/// are each reported.
#[test]
fn the_routing_check_catches_planted_bugs() {
    let Some(tools) = tools() else {
        return;
    };
    // With retention, so that the delete route exists to be broken.
    let g = Generated::ok("tests/cases/gateway/retention.yaml", "routes-planted");
    let conf = rendered_conf(&tools.helm, &g);
    let plant = |what: &str, from: &str, to: &str| {
        assert!(conf.contains(from), "{what}: `{from}` is not in the config");
        let problems = check_routes(
            &tools,
            "tests/cases/gateway/retention.yaml (planted)",
            &g.plan,
            &conf.replacen(from, to, 1),
            &mut Vec::new(),
        );
        assert!(!problems.is_empty(), "{what}: not caught");
        problems.join("\n")
    };

    // Push sent to the read path's upstream.
    let p = plant(
        "push to read",
        "location = /loki/api/v1/push {\n      proxy_pass http://write$request_uri;",
        "location = /loki/api/v1/push {\n      proxy_pass http://read$request_uri;",
    );
    assert!(
        p.contains("POST /loki/api/v1/push: should reach the write upstream"),
        "{p}"
    );

    // OTLP logs left to the read catch-all... which does not take `/otlp/`: nginx answers 404.
    let p = plant(
        "OTLP route dropped",
        "location = /otlp/v1/logs {\n      proxy_pass http://write$request_uri;\n    }",
        "",
    );
    assert!(
        p.contains("POST /otlp/v1/logs: should reach the write upstream"),
        "{p}"
    );

    // Tail without the websocket headers: the upgrade never reaches the querier.
    let p = plant(
        "tail without Upgrade",
        "proxy_pass http://tail$request_uri;\n      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n      proxy_set_header Upgrade $http_upgrade;",
        "proxy_pass http://tail$request_uri;\n      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    );
    assert!(p.contains("GET /loki/api/v1/tail?"), "{p}");

    // The delete API left to the read catch-all.
    let p = plant(
        "delete to read",
        "location ^~ /loki/api/v1/delete {\n      proxy_pass http://compactor$request_uri;",
        "location ^~ /loki/api/v1/delete {\n      proxy_pass http://read$request_uri;",
    );
    assert!(
        p.contains("POST /loki/api/v1/delete?")
            && p.contains("should reach the compactor upstream"),
        "{p}"
    );

    // A stale upstream port: nothing listens there.
    let (_, host, port) = plan_upstreams(&g.plan)
        .into_iter()
        .find(|(r, _, _)| r == "write")
        .unwrap();
    let p = plant(
        "stale write port",
        &format!("server {host}:{port} resolve;"),
        &format!("server {host}:{} resolve;", port + 1),
    );
    assert!(
        p.contains("are not the plan's")
            && p.contains("POST /loki/api/v1/push: should reach the write upstream"),
        "{p}"
    );
}

/// A transition (both workload sets running) routes every path to the serving set, as the
/// community chart's gateway does during a migration: the rendered nginx config names only
/// the serving set's Services, and real nginx sends every Loki API path there.
#[test]
fn a_transition_routes_to_the_serving_set_only() {
    let Some(tools) = tools() else {
        return;
    };
    for (model, serving, incoming) in [
        (
            "tests/cases/gateway/transition-monolithic.yaml",
            &["single-binary"][..],
            &["write", "read", "backend"][..],
        ),
        (
            "examples/transition-ssd.yaml",
            &["write", "read", "backend"],
            &[
                "distributor",
                "ingester",
                "querier",
                "query-frontend",
                "query-scheduler",
                "index-gateway",
                "compactor",
            ],
        ),
    ] {
        let g = Generated::ok(model, "routes-transition");
        let t = &g.plan["transition"];
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names(&t["outgoing"]), serving, "{model}");
        assert_eq!(names(&t["incoming"]), incoming, "{model}");
        let conf = rendered_conf(&tools.helm, &g);
        let release = g.plan["release"].as_str().unwrap();
        let hosts: BTreeSet<String> = conf_upstreams(&conf)
            .into_iter()
            .map(|(_, host, _)| host)
            .collect();
        assert!(!hosts.is_empty(), "{model}: no upstreams in {conf}");
        for host in &hosts {
            assert!(
                serving
                    .iter()
                    .any(|c| host.starts_with(&format!("{release}-{c}."))),
                "{model}: the gateway routes to {host}, not the serving set {serving:?}"
            );
        }
        let mut unplanned = Vec::new();
        let problems = check_routes(&tools, model, &g.plan, &conf, &mut unplanned);
        assert!(
            problems.is_empty(),
            "{model}: {} problem(s):\n  - {}",
            problems.len(),
            problems.join("\n  - ")
        );
    }
}
