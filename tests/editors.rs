//! The editor path: the real npm `yaml-language-server` (the engine of the common YAML editor
//! extensions), driven over LSP on stdio, follows a model's modeline to
//! `schema/portplan.schema.json` and flags the same lines as `portplan validate`.
//!
//! The server is installed by `tests/setup.sh` (`npm ci --prefix tests/tools`).

use crate::common::*;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Longest wait for any one answer from the server; it starts in about a second.
const TIMEOUT: Duration = Duration::from_secs(60);

fn server_script() -> PathBuf {
    root().join("tests/tools/node_modules/yaml-language-server/bin/yaml-language-server")
}

fn node_found() -> bool {
    Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The server process, killed when the test ends however it ends.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new("node")
            .arg(server_script())
            .arg("--stdio")
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts yaml-language-server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Reads messages until `want` accepts one, answering the server's own requests on the
    /// way (configuration, capability registration); fails after [`TIMEOUT`].
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = match self.messages.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("yaml-language-server sent no {what} within {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("yaml-language-server exited before sending {what}")
                }
            };
            if let (Some(id), Some(method)) = (msg.get("id"), msg["method"].as_str()) {
                let result = match method {
                    "workspace/configuration" => configuration(&msg["params"]),
                    _ => Value::Null,
                };
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
                continue;
            }
            if want(&msg) {
                return msg;
            }
        }
    }
}

/// The settings an editor gives the server: validation on, no schema associations beyond the
/// file's own modeline, and no SchemaStore catalog (it would be fetched from the network).
fn yaml_settings() -> Value {
    json!({
        "validate": true,
        "hover": true,
        "completion": true,
        "schemas": {},
        "schemaStore": {"enable": false}
    })
}

/// Answers `workspace/configuration`: one entry per requested section.
fn configuration(params: &Value) -> Value {
    let items = params["items"].as_array().cloned().unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|item| match item["section"].as_str() {
                Some("yaml") => yaml_settings(),
                Some("http") => json!({"proxyStrictSSL": false}),
                Some("[yaml]") | Some("editor") => json!({}),
                _ => Value::Null,
            })
            .collect(),
    )
}

/// One JSON-RPC message with LSP's `Content-Length` framing; `None` at end of stream.
fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn yaml_language_server_flags_the_lines_portplan_validate_flags() {
    let script = server_script();
    if !require_tool(
        "node + yaml-language-server (tests/tools)",
        node_found() && script.is_file(),
    ) {
        return;
    }
    let rel = "tests/cases/validate/editor.yaml";
    let path = root().join(rel).canonicalize().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = file_uri(&path);

    let mut server = Server::start();
    let init = server.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": file_uri(&root().canonicalize().unwrap()),
            "capabilities": {
                "workspace": {"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true}},
                "textDocument": {"publishDiagnostics": {"relatedInformation": true}}
            },
            "initializationOptions": {}
        }),
    );
    server.wait_for("an initialize response", |m| m["id"] == json!(init));
    server.notify("initialized", json!({}));
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"yaml": yaml_settings()}}),
    );
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let published = server.wait_for("diagnostics for editor.yaml", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(uri)
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
    });
    let shutdown = server.request("shutdown", Value::Null);
    server.wait_for("a shutdown response", |m| m["id"] == json!(shutdown));
    server.notify("exit", Value::Null);

    // LSP lines are 0-based; portplan's are 1-based.
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{rel} has no line with {needle:?}")) as u64
    };
    let diagnostics = published["params"]["diagnostics"].as_array().unwrap();
    let mut editor: Vec<(u64, String)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    editor.sort();
    let port_line = line_of("port: 70000");
    let key_line = line_of("prot: 4090");
    assert_eq!(
        editor,
        [
            (port_line, "Value is above the maximum of 65535.".to_owned()),
            (key_line, "Property prot is not allowed.".to_owned()),
        ],
        "{published:#}"
    );

    let out = portplan(&["validate", "--format", "json", rel]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: Vec<u64> = report["files"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap() - 1)
        .collect();
    let theirs: Vec<u64> = editor.iter().map(|(l, _)| *l).collect();
    assert_eq!(ours, theirs);
}
