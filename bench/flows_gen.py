#!/usr/bin/env python3
"""Deterministic synthetic VPC flow log in the default (version 2) format.

    bench/flows_gen.py PORTS_JSON OUT SIZE_BYTES [--gzip]

The mix per record (a fixed-seed LCG, so the same SIZE gives the same bytes on every
machine): 20% requests to a Loki port (from an ephemeral port), 10% responses from one,
2% NODATA, 1% SKIPDATA, 3% ICMP, 5% Loki traffic with one end at a public address, the rest
other services (443, 5432, 6379, 53/UDP) inside and outside the VPC. Addresses are drawn
from the model's three /19 zones, a fourth VPC range in no zone, and public space.
"""
import json
import sys

ports_json, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
loki = sorted({p["port"] for p in json.load(open(ports_json))})
OTHER = [443, 5432, 6379, 8080, 53]
ZONES = [0x0A000000, 0x0A002000, 0x0A004000]   # 10.0.0.0/19, 10.0.32.0/19, 10.0.64.0/19
OUTSIDE = 0x0A006000                          # 10.0.96.0/19: in the VPC, in no zone

state = 0x2545F4914F6CDD1D


def rnd():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return state >> 33


def ip(x):
    return f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}"


def vpc():
    r = rnd()
    base = ZONES[r % 3] if r % 20 else OUTSIDE
    return ip(base + 1 + (r >> 8) % 8000)


def public():
    r = rnd()
    return ip((52 << 24) + (r % 0xFFFFFF))


t0 = 1_767_225_600  # 2026-01-01T00:00:00Z
lines = []
written = 0
n = 0
f = open(out, "wb")
while written < size:
    r = rnd() % 100
    eni = f"eni-{rnd() % 4096:04x}"
    start = t0 + (n // 2000) * 60
    end = start + 60
    n += 1
    if r < 3:
        status = "NODATA" if r < 2 else "SKIPDATA"
        line = f"2 123456789012 {eni} - - - - - - - {start} {end} - {status}\n"
    else:
        pk = 1 + rnd() % 200
        by = pk * (40 + rnd() % 1400)
        eph = 32768 + rnd() % 28000
        proto = 6
        if r < 23:  # request to Loki
            s, d, sp, dp = vpc(), vpc(), eph, loki[rnd() % len(loki)]
        elif r < 33:  # response from Loki
            s, d, sp, dp = vpc(), vpc(), loki[rnd() % len(loki)], eph
        elif r < 36:  # ICMP
            s, d, sp, dp, proto = vpc(), public(), 0, 0, 1
        elif r < 41:  # Loki with a public end (the gateway from the internet)
            s, d, sp, dp = public(), vpc(), eph, loki[rnd() % len(loki)]
        else:  # other services
            o = OTHER[rnd() % len(OTHER)]
            proto = 17 if o == 53 else 6
            s, d = vpc(), (vpc() if rnd() % 2 else public())
            sp, dp = (eph, o) if rnd() % 2 else (o, eph)
        line = f"2 123456789012 {eni} {s} {d} {sp} {dp} {proto} {pk} {by} {start} {end} ACCEPT OK\n"
    lines.append(line)
    written += len(line)
    if len(lines) >= 100_000:
        f.write("".join(lines).encode())
        lines = []
f.write("".join(lines).encode())
f.close()
