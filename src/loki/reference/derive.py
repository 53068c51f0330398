#!/usr/bin/env python3
"""Derives Loki's configuration key table (keys.txt) from its configuration reference.

Usage: derive.py CONFIGURATION_MD TAG COMMIT > keys.txt

CONFIGURATION_MD is grafana/loki's docs/sources/shared/configuration.md (for example
`git -C loki show v3.5.7:docs/sources/shared/configuration.md`). The reference is AGPL-3.0:
only key names and types are kept, never its prose. Output, one block per `[name]` section,
one key per line as `path<TAB>type`:

  type  = boolean | int | float | string | duration | ... (the reference's scalar name)
        | mapping            (an inline block: its keys follow as `path.key`)
        | block NAME         (a reference to the block `[NAME]`, reused under several parents)
        | list NAME          (a list of NAME blocks)
        | map NAME           (a mapping of string to NAME blocks)
        | any TEXT           (a shape the reference does not spell out as a block: not descended)
  `path.*<TAB>embed NAME`    the keys of block NAME appear at `path` (`*` alone: at the block's top)

The root block (the whole file) is `[root]`.
"""

import re
import sys

SCALARS = {"boolean", "int", "float", "string", "duration", "url", "time", "daytime",
           "secret", "list of strings", "map of string to string",
           "map of string to list of strings", "map of string to int",
           "map of string to float"}

ENTRY = re.compile(r"^( *)\[([A-Za-z0-9_.-]*): <([^>]+)>")
EMBED = re.compile(r"^( *)\[<([a-z0-9_]+)>\]")
INLINE = re.compile(r"^( *)([A-Za-z0-9_.-]+):\s*$")
ROOT = "Supported contents and default values of `loki.yaml`"


def sections(text):
    """(name, lines of its last yaml block) of every `### name` section with one: a section
    may show an example block before its reference block."""
    found = {}
    order = []
    name, body = None, None
    for line in text.splitlines():
        if line.startswith("### ") and body is None:
            name = line[4:].strip()
            name = "root" if name == ROOT else name
            continue
        if line.startswith("## ") and body is None:
            name = None  # prose after the reference (its examples are not blocks)
        if name is None:
            continue
        if body is None and line.startswith("```yaml"):
            body = []
        elif body is not None and line.startswith("```"):
            if name not in found:
                order.append(name)
            found[name] = body
            body = None
        elif body is not None:
            body.append(line)
    return [(n, found[n]) for n in order]


def kind(t, blocks):
    t = t.strip()
    if t in SCALARS:
        return t
    if t in blocks:
        return "block " + t
    m = re.fullmatch(r"list of ([a-z0-9_]+?)s?", t)
    if m and m.group(1) in blocks:
        return "list " + m.group(1)
    m = re.fullmatch(r"map of string to ([a-z0-9_]+)", t)
    if m and m.group(1) in blocks:
        return "map " + m.group(1)
    return "any " + t


def entries(lines, blocks):
    stack = []  # (indent, key)
    rows = []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        prefix = ".".join(k for _, k in stack)
        join = (prefix + ".") if prefix else ""
        m = ENTRY.match(line)
        if m and not m.group(2):
            # `[: <map of string to X>]`: the enclosing inline key is itself that map.
            rows = [(k, kind(m.group(3), blocks) if k == prefix else t) for k, t in rows]
            continue
        if m:
            rows.append((join + m.group(2), kind(m.group(3), blocks)))
            continue
        m = EMBED.match(line)
        if m:
            rows.append((join + "*", "embed " + m.group(2)))
            continue
        m = INLINE.match(line)
        if m:
            rows.append((join + m.group(2), "mapping"))
            stack.append((indent, m.group(2)))
            continue
        raise SystemExit(f"unrecognised reference line: {line!r}")
    return rows


def main():
    path, tag, commit = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = sections(text)
    blocks = {n for n, _ in found}
    print("# Loki's configuration keys and types, one block per [section].")
    print("# Derived by derive.py from grafana/loki docs/sources/shared/configuration.md")
    print(f"# at tag {tag} (commit {commit}). The reference is AGPL-3.0; this keeps only")
    print("# key names and types. Regenerate: see SOURCE.md.")
    for name, body in sorted(found, key=lambda s: (s[0] != "root", s[0])):
        print()
        print(f"[{name}]")
        for key, t in entries(body, blocks):
            print(f"{key}\t{t}")


if __name__ == "__main__":
    main()
