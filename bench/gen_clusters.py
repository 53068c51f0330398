#!/usr/bin/env python3
"""Writes a multi-cluster repository for bench/run: one portplan.yaml per cluster.

usage: gen_clusters.py REFERENCE_MODEL OUT_DIR COUNT

Each cluster's model is the reference model with its own release name, namespace and ports
(HTTP, gRPC and gateway ports shifted per cluster), as a platform team's repository holds one
model per cluster: OUT_DIR/clusters/cNNN/portplan.yaml. Deterministic.
"""
import os
import re
import sys

reference, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(reference).read()


def sub(pattern, replacement, s):
    new, n = re.subn(pattern, replacement, s, count=1, flags=re.M)
    if n != 1:
        sys.exit(f"gen_clusters.py: {pattern!r} not found in {reference}")
    return new


for i in range(1, count + 1):
    m = text
    m = sub(r"^release: .*$", f"release: loki-c{i:03}", m)
    m = sub(r"^namespace: .*$", f"namespace: logging-c{i:03}", m)
    m = sub(r"^  httpBase: \d+.*$", f"  httpBase: {5000 + 20 * i}", m)
    m = sub(r"^  grpcBase: \d+.*$", f"  grpcBase: {9000 + 20 * i}", m)
    m = sub(r"^gateway:\n  port: \d+", f"gateway:\n  port: {3000 + i}", m)
    # Bucket names are per cluster too.
    m = m.replace("loki-v3-", f"loki-c{i:03}-")
    d = os.path.join(out, "clusters", f"c{i:03}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "portplan.yaml"), "w") as f:
        f.write(m)
