#!/usr/bin/env python3
"""Writes a synthetic GitOps repository for bench/lint.sh: deterministic, ~20 KB per file.

Usage: gen_tree.py OUT_DIR FILES

The mix is what a platform team's repository holds: workloads with Services and probes (so
the chart rules do their full work), Argo CD Applications with inline client configs (some
naming the release's Services, a few on a stale port), Helm values and large ConfigMaps.
"""
import os
import random
import sys

out, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(20260401)
TARGET = 20_000
SERVICES = ["distributor", "ingester", "querier", "query-frontend", "query-scheduler",
            "index-gateway", "compactor", "gateway"]
PORTS = {"distributor": 4101, "ingester": 4102, "querier": 4103, "query-frontend": 4104,
         "query-scheduler": 4105, "index-gateway": 4106, "compactor": 4107, "gateway": 4080}


def workload(i):
    app = f"app-{i}"
    parts = [f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: team-{i % 40}
  labels:
    app.kubernetes.io/name: {app}
spec:
  replicas: {1 + i % 5}
  template:
    spec:
      containers:
        - name: {app}
          image: registry.example/{app}:1.{i % 17}.{i % 7}
          args:
            - --listen=:8080
            - --log.level=info
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            tcpSocket:
              port: 8080
          env:
"""]
    n = 0
    while sum(len(p) for p in parts) < TARGET - 400:
        parts.append(f"            - name: SETTING_{n}\n              value: \"{rng.getrandbits(64):016x}\"\n")
        n += 1
    parts.append(f"""---
apiVersion: v1
kind: Service
metadata:
  name: {app}
spec:
  ports:
    - name: http
      port: 80
      targetPort: http
  selector:
    app.kubernetes.io/name: {app}
""")
    return "".join(parts)


def argo_app(i):
    svc = SERVICES[i % len(SERVICES)]
    # One application in 50 still posts to an old port.
    port = PORTS[svc] - 1 if (i // 5) % 50 == 0 else PORTS[svc]
    parts = [f"""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: collector-{i}
  namespace: argocd
spec:
  project: platform
  source:
    repoURL: https://charts.example
    chart: alloy
    targetRevision: 1.{i % 9}.0
    helm:
      values: |
        alloy:
          configMap:
            content: |
              loki.write "default" {{
                endpoint {{
                  url = "http://loki-v3-{svc}.loki-v3.svc.cluster.local:{port}/loki/api/v1/push"
                }}
              }}
"""]
    n = 0
    while sum(len(p) for p in parts) < TARGET - 200:
        parts.append(f"              discovery.relabel \"r{n}\" {{ rule {{ source_labels = [\"__meta_{rng.getrandbits(32):08x}\"] }} }}\n")
        n += 1
    parts.append("  destination:\n    server: https://kubernetes.default.svc\n    namespace: alloy\n")
    return "".join(parts)


def values(i):
    parts = [f"# values for service {i}\nreplicaCount: {i % 4 + 1}\nimage:\n  tag: \"2.{i % 13}\"\nextraConfig:\n"]
    n = 0
    while sum(len(p) for p in parts) < TARGET:
        parts.append(f"  key{n}: {rng.getrandbits(48):012x}\n")
        n += 1
    return "".join(parts)


def configmap(i):
    parts = [f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{i}
data:
  settings.ini: |
"""]
    n = 0
    while sum(len(p) for p in parts) < TARGET:
        parts.append(f"    option_{n} = {rng.getrandbits(40):010x} ; upstream https://internal-{i % 97}.example:{8000 + n % 100}\n")
        n += 1
    return "".join(parts)


kinds = [("workloads", workload, "deployment.yaml"), ("apps", argo_app, "application.yaml"),
         ("values", values, "values.yaml"), ("config", configmap, "configmap.yaml"),
         ("workloads", workload, "deployment.yaml")]
for i in range(count):
    folder, make, name = kinds[i % len(kinds)]
    d = os.path.join(out, folder, f"{i // 100:03d}", f"{i:05d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(make(i))
