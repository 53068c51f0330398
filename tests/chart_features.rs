//! The production surface of the chart, rendered by real Helm: zone-aware ingesters split
//! across the model's zones, the ServiceAccount's cloud identity, PodDisruptionBudgets, the
//! autoscaled querier without `replicas`, and an extra arg that would override a port the
//! Plan owns refused at install time as it is in the model.

use crate::common::*;
use crate::oracle::manifests::Render;

/// examples/production.yaml generated into `dir`, and the chart's folder.
fn production(dir: &std::path::Path) -> std::path::PathBuf {
    let o = portplan(&[
        "gen",
        "--model",
        "examples/production.yaml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir.join("loki-v3")
}

#[test]
fn production_renders_zone_aware_ingesters_identity_budgets_and_autoscaling() {
    let Some(helms) = helms() else {
        return;
    };
    let tmp = temp_dir("chart-features");
    let chart = production(tmp.path());
    for helm in &helms {
        let o = helm.template("loki-v3", &chart, "loki-v3", "1.31.0", None);
        assert_eq!(o.status.code(), Some(0), "{}: {}", helm.name(), stderr(&o));
        let r = Render::parse(stdout(&o));
        // One StatefulSet per zone of the model, 6 replicas split 2/2/2, each pinned to its zone.
        let zones = [
            ("zone-a", "eu-west-1a"),
            ("zone-b", "eu-west-1b"),
            ("zone-c", "eu-west-1c"),
        ];
        for (label, zone) in zones {
            let name = format!("loki-v3-ingester-{label}");
            let s = r
                .doc("StatefulSet", &name)
                .unwrap_or_else(|| panic!("no {name}"));
            let spec = &s.value["spec"];
            assert_eq!(spec["replicas"], 2, "{name}");
            assert_eq!(spec["selector"]["matchLabels"]["portplan.io/zone"], label);
            let pod = &spec["template"]["spec"];
            let args = pod["containers"][0]["args"].as_array().unwrap();
            assert!(
                args.iter()
                    .any(|a| a == &format!("-ingester.availability-zone={label}")),
                "{name}: {args:?}"
            );
            let term = &pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                ["nodeSelectorTerms"][0]["matchExpressions"][0];
            assert_eq!(term["key"], "topology.kubernetes.io/zone");
            assert_eq!(term["values"][0], zone);
            let pdb = r
                .doc("PodDisruptionBudget", &name)
                .unwrap_or_else(|| panic!("no PDB {name}"));
            assert_eq!(pdb.value["spec"]["maxUnavailable"], 1);
            assert_eq!(
                pdb.value["spec"]["selector"]["matchLabels"]["portplan.io/zone"],
                label
            );
        }
        assert!(
            r.doc("StatefulSet", "loki-v3-ingester").is_none(),
            "no zone-less ingesters"
        );
        let config = &r.doc("ConfigMap", "loki-v3-config").unwrap().value["data"]["config.yaml"];
        assert!(
            config
                .as_str()
                .unwrap()
                .contains("zone_awareness_enabled: true")
        );
        // IRSA on the ServiceAccount.
        let sa = r.doc("ServiceAccount", "loki-v3").unwrap();
        assert_eq!(
            sa.value["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
            "arn:aws:iam::123456789012:role/loki-v3-s3"
        );
        // The autoscaler owns the querier's count.
        let q = r.doc("Deployment", "loki-v3-querier").unwrap();
        assert!(q.value["spec"].get("replicas").is_none());
        let hpa = r.doc("HorizontalPodAutoscaler", "loki-v3-querier").unwrap();
        assert_eq!(hpa.value["spec"]["minReplicas"], 3);
        assert_eq!(hpa.value["spec"]["maxReplicas"], 12);
        // Single-replica components have no budget; multi-replica ones do.
        assert!(r.doc("PodDisruptionBudget", "loki-v3-compactor").is_none());
        assert!(
            r.doc("PodDisruptionBudget", "loki-v3-distributor")
                .is_some()
        );
        assert!(
            r.doc("PodDisruptionBudget", "loki-v3-chunks-cache")
                .is_some()
        );
        assert!(
            r.doc("PodDisruptionBudget", "loki-v3-results-cache")
                .is_none()
        );
    }
}

#[test]
fn an_extra_arg_that_sets_an_owned_port_fails_the_install() {
    let Some(helms) = helms() else {
        return;
    };
    let tmp = temp_dir("chart-features-args");
    let chart = production(tmp.path());
    let values = tmp.path().join("override.yaml");
    std::fs::write(
        &values,
        "distributor:\n  extraArgs:\n    - --server.grpc-listen-port=9999\n",
    )
    .unwrap();
    for helm in &helms {
        let o = helm.template("loki-v3", &chart, "loki-v3", "1.31.0", Some(&values));
        assert_eq!(o.status.code(), Some(1), "{}: rendered", helm.name());
        assert!(
            stderr(&o).contains("extraArgs: --server.grpc-listen-port=9999 sets -server.grpc-listen-port, which portplan sets from the model"),
            "{}: {}",
            helm.name(),
            stderr(&o)
        );
    }
}
