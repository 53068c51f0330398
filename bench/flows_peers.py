#!/usr/bin/env python3
"""The peers of bench/flows.sh, each running the same per-port analysis as
`portplan flows` (the rules in src/flows/sql.rs's header), and the comparison.

    flows_peers.py duckdb QUERY.sql THREADS OUT.json
    flows_peers.py pandas LOG PLAN.json OUT.json       (PLAN: portplan plan --format json)
    flows_peers.py portplan FLOWS.json OUT.json        (portplan flows --format json)
    flows_peers.py compare A.json B.json...            exit 1 unless all are equal

Every OUT is {port: [request_records, request_bytes, request_cross_zone_bytes,
response_records, response_bytes, response_cross_zone_bytes]} for the ports with traffic.
"""
import json
import sys


def dump(rows, out):
    json.dump({str(k): v for k, v in sorted(rows.items()) if any(v)}, open(out, "w"), indent=0)


def run_duckdb(sql, threads, out):
    import duckdb

    con = duckdb.connect(config={"threads": int(threads)})
    # The script's view, then its `ports` part only: the per-port analysis the peers share.
    parts = {p.split("\n", 1)[0].strip(): "-- part: " + p for p in open(sql).read().split("\n-- part: ")[1:]}
    con.execute(parts["records"])
    rows = con.execute(parts["ports"]).fetchall()
    dump({r[0]: [int(x) for x in r[4:10]] for r in rows}, out)


def run_pandas(log, plan, out):
    import numpy as np
    import pandas as pd

    p = json.load(open(plan))
    ports = sorted({e["port"] for e in p["ports"]})
    ranges = []  # (prefix, lo, hi, zone), longest prefix first
    for z in p["zones"]:
        for c in z["cidrs"]:
            net, n = c.split("/")
            if ":" in net:
                continue
            a, b, cc, d = (int(x) for x in net.split("."))
            v = (a << 24) | (b << 16) | (cc << 8) | d
            n = int(n)
            mask = (0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF if n else 0
            ranges.append((n, v & mask, (v & mask) | (~mask & 0xFFFFFFFF), z["name"]))
    ranges.sort(key=lambda r: -r[0])
    names = ["version", "account_id", "interface_id", "srcaddr", "dstaddr", "srcport", "dstport",
             "protocol", "packets", "bytes", "start", "end", "action", "log_status"]
    acc = {}

    def ip4(s):
        parts = s.str.split(".", expand=True)
        if parts.shape[1] != 4:
            return pd.Series(np.nan, index=s.index)
        n = parts.apply(pd.to_numeric, errors="coerce")
        return n[0] * 16777216 + n[1] * 65536 + n[2] * 256 + n[3]

    def zone(v):
        conds = [(v >= lo) & (v <= hi) for _, lo, hi, _ in ranges]
        return pd.Series(np.select(conds, [z for *_, z in ranges], default=""), index=v.index)

    # Chunks keep memory bounded at 1 GiB of input (the whole file would need ~5 GiB).
    for df in pd.read_csv(log, sep=" ", header=None, names=names, dtype=str, chunksize=2_000_000,
                          on_bad_lines="skip", engine="c", quoting=3, na_filter=False):
        sp = pd.to_numeric(df.srcport, errors="coerce")
        dp = pd.to_numeric(df.dstport, errors="coerce")
        b = pd.to_numeric(df.bytes, errors="coerce")
        proto = pd.to_numeric(df.protocol, errors="coerce")
        t = pd.to_numeric(df.start, errors="coerce")
        te = pd.to_numeric(df.end, errors="coerce")
        keep = ((sp.isin(ports) | dp.isin(ports)) & b.notna() & (proto.isna() | proto.isin([6, 17]))
                & (df.log_status == "OK") & t.notna() & te.notna())
        d = df[keep]
        sp, dp, b = sp[keep], dp[keep], b[keep]
        req = dp.isin(ports)
        port = dp.where(req, sp).astype(int)
        zs_, zd_ = zone(ip4(d.srcaddr)), zone(ip4(d.dstaddr))
        zc = zs_.where(req, zd_)
        zsv = zd_.where(req, zs_)
        cross = (zc != "") & (zsv != "") & (zc != zsv)
        g = pd.DataFrame({"port": port, "req": req, "b": b.astype("int64"), "x": b.where(cross, 0).astype("int64")})
        s = g.groupby(["port", "req"]).agg(n=("b", "size"), b=("b", "sum"), x=("x", "sum"))
        for (pt, rq), row in s.iterrows():
            v = acc.setdefault(int(pt), [0] * 6)
            o = 0 if rq else 3
            v[o] += int(row.n)
            v[o + 1] += int(row.b)
            v[o + 2] += int(row.x)
    dump(acc, out)


def from_portplan(flows, out):
    v = json.load(open(flows))
    keys = ["request_records", "request_bytes", "request_cross_zone_bytes",
            "response_records", "response_bytes", "response_cross_zone_bytes"]
    dump({p["port"]: [p[k] for k in keys] for p in v["ports"]}, out)


def compare(files):
    data = [json.load(open(f)) for f in files]
    ok = all(d == data[0] for d in data)
    if not ok:
        for f, d in zip(files, data):
            print(f"{f}: {json.dumps(d)[:400]}", file=sys.stderr)
    ports = len(data[0])
    print(f"per-port numbers: {'identical' if ok else 'DIFFERENT'} across {len(files)} tools ({ports} ports with traffic)")
    sys.exit(0 if ok else 1)


cmd = sys.argv[1]
if cmd == "duckdb":
    run_duckdb(*sys.argv[2:5])
elif cmd == "pandas":
    run_pandas(*sys.argv[2:5])
elif cmd == "portplan":
    from_portplan(*sys.argv[2:4])
elif cmd == "compare":
    compare(sys.argv[2:])
else:
    sys.exit(f"unknown command {cmd}")
