//! Reading the two sides: located parse errors, Lists and JSON dumps, stdin, equal streams.

use crate::common::*;

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: loki-gateway\n  labels:\n    helm.sh/chart: loki-1.0.0\nspec:\n  ports:\n    - name: http\n      port: 80\n";

#[test]
fn a_parse_error_is_located_and_exit_2() {
    let dir = temp_dir("streams-bad");
    std::fs::write(dir.path().join("a.yaml"), SERVICE).unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        format!("{SERVICE}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x\n---\nkind: Service\nmetadata: {{name: y}}\n"),
    )
    .unwrap();
    let o = portplan_in(dir.path(), &["diff", "--manifests", "a.yaml", "b.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("b.yaml:14:"), "{err}");
    assert!(
        err.contains("b.yaml:16:1: error: a Kubernetes object without `apiVersion`"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn equal_streams_exit_0_whatever_the_format_and_noise() {
    let dir = temp_dir("streams-equal");
    std::fs::write(dir.path().join("a.yaml"), SERVICE).unwrap();
    // The same Service as a kubectl List in JSON, another chart version, server fields.
    let json = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service",
      "metadata":{"name":"loki-gateway","namespace":"default","uid":"1","labels":{"helm.sh/chart":"loki-2.0.0"}},
      "spec":{"clusterIP":"10.0.0.1","sessionAffinity":"None","ports":[{"name":"http","port":80}]},"status":{}}]}"#;
    std::fs::write(dir.path().join("b.json"), json).unwrap();
    let o = portplan_in(dir.path(), &["diff", "--manifests", "a.yaml", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("no difference: a.yaml and b.json hold the same 1 objects"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn reads_one_side_from_stdin() {
    use std::io::Write;
    let dir = temp_dir("streams-stdin");
    std::fs::write(dir.path().join("a.yaml"), SERVICE).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(["diff", "--manifests", "-", "a.yaml", "--format", "json"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SERVICE.replace("port: 80", "port: 8080").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["before"], "-");
    assert_eq!(v["summary"]["changed"], 1);
    assert_eq!(v["breakers"][0]["rule"], "port-changed");
    assert_eq!(v["breakers"][0]["path"], "spec.ports[http]");
    assert_eq!(
        v["objects"][0]["changes"][0]["path"],
        "spec.ports[http].port"
    );
    assert_eq!(v["objects"][0]["changes"][0]["before"], 8080);
}

/// A `kubectl get -o yaml` of a live Deployment spells every default and carries the API
/// server's bookkeeping; against the render it came from, nothing differs.
#[test]
fn a_live_object_equals_its_render() {
    let dir = temp_dir("streams-live");
    let rendered = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: loki-gateway\n  labels:\n    helm.sh/chart: loki-18.11.0\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: gw}\n  template:\n    metadata:\n      labels: {app: gw}\n      annotations:\n        checksum/config: aaa\n    spec:\n      containers:\n        - name: nginx\n          image: nginx:1.29\n          ports:\n            - name: http\n              containerPort: 8080\n          readinessProbe:\n            httpGet: {path: /, port: http}\n";
    let live = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: loki-gateway\n    namespace: loki\n    uid: 0b1c\n    resourceVersion: \"123\"\n    generation: 4\n    creationTimestamp: \"2026-01-01T00:00:00Z\"\n    labels: {helm.sh/chart: loki-18.10.0}\n    annotations:\n      deployment.kubernetes.io/revision: \"4\"\n      meta.helm.sh/release-name: loki\n  spec:\n    replicas: 2\n    revisionHistoryLimit: 10\n    progressDeadlineSeconds: 600\n    selector:\n      matchLabels: {app: gw}\n    template:\n      metadata:\n        creationTimestamp: null\n        labels: {app: gw}\n        annotations: {checksum/config: bbb}\n      spec:\n        dnsPolicy: ClusterFirst\n        restartPolicy: Always\n        schedulerName: default-scheduler\n        terminationGracePeriodSeconds: 30\n        securityContext: {}\n        containers:\n        - name: nginx\n          image: nginx:1.29\n          imagePullPolicy: IfNotPresent\n          terminationMessagePath: /dev/termination-log\n          terminationMessagePolicy: File\n          resources: {}\n          ports:\n          - name: http\n            containerPort: 8080\n            protocol: TCP\n          readinessProbe:\n            httpGet: {path: /, port: http}\n            timeoutSeconds: 1\n            periodSeconds: 10\n            successThreshold: 1\n            failureThreshold: 3\n  status:\n    replicas: 2\n";
    std::fs::write(dir.path().join("rendered.yaml"), rendered).unwrap();
    std::fs::write(dir.path().join("live.yaml"), live).unwrap();
    let o = portplan_in(
        dir.path(),
        &[
            "diff",
            "--manifests",
            "live.yaml",
            "rendered.yaml",
            "--namespace",
            "loki",
            "--all",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}
