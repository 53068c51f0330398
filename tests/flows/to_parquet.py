"""Writes a text flow log as the Parquet file AWS would deliver for it, with DuckDB.

    to_parquet.py LOG OUT.parquet CODEC [V1|V2] [TWIN.log]

Column names are the fields with `-` as `_`, typed as in AWS's Athena DDL for Parquet flow
logs (ints for ports and flags, bigints for counts and times, strings otherwise), and `-` is
NULL. Small row groups (100 rows), so that multi-group files are exercised; V2 pages use
DuckDB's DELTA encodings. A typed table cannot hold a malformed line (a word in a number
column, a missing field): those are left out, and TWIN.log, when given, gets the text of
exactly the rows written, to compare with. Used by tests/flows/real_tools.rs.
"""
import duckdb, sys
src, dst, codec = sys.argv[1], sys.argv[2], sys.argv[3]
version = sys.argv[4] if len(sys.argv) > 4 else "V1"
twin = sys.argv[5] if len(sys.argv) > 5 else None
INTS = {"version": "INTEGER", "srcport": "INTEGER", "dstport": "INTEGER", "tcp-flags": "INTEGER", "traffic-path": "INTEGER",
        "protocol": "BIGINT", "packets": "BIGINT", "bytes": "BIGINT", "start": "BIGINT", "end": "BIGINT"}
DEFAULT = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
lines = open(src).read().splitlines()
if lines and all(t.replace("-", "").isalpha() for t in lines[0].split(" ")):
    header, rows = lines[0].split(" "), lines[1:]
else:
    header, rows = DEFAULT.split(" "), lines
data_ok = []
for r in rows:
    f = r.split(" ")
    if len(f) != len(header):
        continue
    if any(v != "-" and h in INTS and not v.lstrip("-").isdigit() for h, v in zip(header, f)):
        continue
    data_ok.append(r)
twin = twin or dst + ".twin.log"
with open(twin, "w") as out:
    out.write(" ".join(header) + "\n" + "".join(r + "\n" for r in data_ok))
types = ", ".join(f"'{h}': '{INTS.get(h, 'VARCHAR')}'" for h in header)
renames = ", ".join(f'"{h}" AS "{h.replace("-", "_")}"' for h in header)
duckdb.sql(
    f"COPY (SELECT {renames} FROM read_csv('{twin}', delim=' ', header=true, nullstr='-', "
    f"quote='', escape='', columns={{{types}}})) "
    f"TO '{dst}' (FORMAT PARQUET, COMPRESSION {codec}, PARQUET_VERSION {version}, ROW_GROUP_SIZE 100)"
)
