//! Loopback only: the stand-in upstreams, the client that sends requests through the
//! gateway, a DNS probe, and the 127.x addresses one routing run binds.

use super::*;

/// What a stand-in upstream saw of one request.
#[derive(Clone, Debug)]
pub struct Hit {
    /// `host:port` of the Service it stands in for.
    pub upstream: String,
    pub request_line: String,
    /// Lower-case names.
    pub headers: BTreeMap<String, String>,
    pub body_len: usize,
}

/// One stand-in HTTP server per upstream Service, each on its own loopback address and the
/// plan's port; each answers with its own name, the request line and the headers it got. A
/// websocket upgrade is answered with 101 and the same text through the tunnel.
pub struct StandIns {
    stop: Arc<AtomicBool>,
    addrs: Vec<SocketAddr>,
    threads: Vec<JoinHandle<()>>,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl StandIns {
    pub fn start(listeners: Vec<(String, TcpListener)>) -> StandIns {
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

    pub fn hits(&self) -> Vec<Hit> {
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
pub struct Reply {
    pub status: u16,
    /// The first line of the body (a stand-in's `upstream NAME`, or nginx's own text).
    pub first: String,
    pub raw: String,
}

/// Sends one request to the gateway and reads the reply to its end.
pub fn send(gateway: SocketAddr, method: &str, path: &str, websocket: bool, body: &[u8]) -> Reply {
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
pub fn resolve_a(server: SocketAddr, name: &str) -> Option<Ipv4Addr> {
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
pub struct Addresses {
    pub dns: SocketAddr,
    pub gateway: SocketAddr,
    /// Service host -> its address.
    pub hosts: BTreeMap<String, Ipv4Addr>,
    pub listeners: Vec<(String, TcpListener)>,
}

pub fn bind_all(plan: &Value) -> Addresses {
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
