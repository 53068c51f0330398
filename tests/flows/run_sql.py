#!/usr/bin/env python3
"""Runs a `portplan flows --sql duckdb` script with DuckDB and prints each report part's
rows as JSON objects: {"ports": [{column: value}], "edges": [...], ...}.

    run_sql.py SCRIPT.sql [PART...]     (default: every part)
"""
import json
import sys

import duckdb

text = open(sys.argv[1]).read()
want = set(sys.argv[2:])
con = duckdb.connect()
out = {}
for part in text.split("\n-- part: ")[1:]:
    name = part.split("\n", 1)[0].strip()
    r = con.execute("-- part: " + part)
    if name == "records" or (want and name not in want):
        continue
    cols = [d[0] for d in r.description]
    out[name] = [dict(zip(cols, row)) for row in r.fetchall()]
print(json.dumps(out))
