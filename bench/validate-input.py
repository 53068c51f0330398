#!/usr/bin/env python3
"""Writes the inputs of bench/validate.sh: a large chart values schema and a values file.

Deterministic (no randomness, no clock): the same arguments always give the same bytes.
The schema looks like a big real-world values.schema.json (draft-07, one definition per
component, shared Kubernetes-like definitions reached through $ref, descriptions on every
property); the values file satisfies it, and a second values file breaks it in a few places.

usage: validate-input.py OUT_DIR [COMPONENTS]
"""
import json
import os
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 135
os.makedirs(out, exist_ok=True)


def desc(name, what):
    return f"{what} of {name}."


shared = {
    "Port": {"type": "integer", "minimum": 1, "maximum": 65535, "description": "A TCP port."},
    "Quantity": {
        "description": "A Kubernetes quantity: `250m`, `1Gi`, or a number.",
        "anyOf": [
            {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$"},
            {"type": "number", "minimum": 0},
        ],
    },
    "ResourceList": {
        "type": "object",
        "properties": {"cpu": {"$ref": "#/definitions/Quantity"}, "memory": {"$ref": "#/definitions/Quantity"}},
        "additionalProperties": False,
    },
    "Resources": {
        "type": "object",
        "properties": {
            "requests": {"$ref": "#/definitions/ResourceList"},
            "limits": {"$ref": "#/definitions/ResourceList"},
        },
        "additionalProperties": False,
    },
    "Image": {
        "type": "object",
        "required": ["repository", "tag"],
        "properties": {
            "repository": {"type": "string", "minLength": 1},
            "tag": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"},
            "pullPolicy": {"type": "string", "enum": ["Always", "IfNotPresent", "Never"]},
        },
        "additionalProperties": False,
    },
    "EnvVar": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
            "value": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "Toleration": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "operator": {"type": "string", "enum": ["Exists", "Equal"]},
            "value": {"type": "string"},
            "effect": {"type": "string", "enum": ["NoSchedule", "PreferNoSchedule", "NoExecute"]},
        },
        "additionalProperties": False,
    },
    "Service": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
            "port": {"$ref": "#/definitions/Port"},
            "trafficDistribution": {
                "anyOf": [
                    {"type": "string", "enum": ["PreferClose", "PreferSameZone", "PreferSameNode"]},
                    {"type": "null"},
                ]
            },
        },
        "additionalProperties": False,
    },
    "Probe": {
        "type": "object",
        "properties": {
            "httpGet": {
                "type": "object",
                "properties": {"path": {"type": "string", "pattern": "^/"}, "port": {"$ref": "#/definitions/Port"}},
                "required": ["path", "port"],
                "additionalProperties": False,
            },
            "initialDelaySeconds": {"type": "integer", "minimum": 0},
            "periodSeconds": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    },
}

definitions = dict(shared)
properties = {}
EXTRA = 12  # component-specific settings, as real charts have
for i in range(n):
    name = f"component{i:03d}"
    d = f"Component{i:03d}"
    props = {
        "enabled": {"type": "boolean", "description": desc(name, "Whether to run")},
        "replicas": {"type": "integer", "minimum": 0, "maximum": 100, "description": desc(name, "Replica count")},
        "image": {"$ref": "#/definitions/Image", "description": desc(name, "Container image")},
        "resources": {"$ref": "#/definitions/Resources", "description": desc(name, "Resources")},
        "ports": {
            "type": "object",
            "description": desc(name, "Listen ports"),
            "properties": {"http": {"$ref": "#/definitions/Port"}, "grpc": {"$ref": "#/definitions/Port"}},
            "additionalProperties": False,
        },
        "env": {"type": "array", "items": {"$ref": "#/definitions/EnvVar"}, "description": desc(name, "Environment")},
        "tolerations": {
            "type": "array",
            "items": {"$ref": "#/definitions/Toleration"},
            "description": desc(name, "Tolerations"),
        },
        "nodeSelector": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": desc(name, "Node selector"),
        },
        "podAnnotations": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": desc(name, "Pod annotations"),
        },
        "service": {"$ref": "#/definitions/Service", "description": desc(name, "Service")},
        "readinessProbe": {"$ref": "#/definitions/Probe", "description": desc(name, "Readiness probe")},
    }
    for k in range(EXTRA):
        kind = k % 3
        key = f"setting{k:02d}"
        if kind == 0:
            props[key] = {"type": "integer", "minimum": 0, "maximum": 1000000, "description": desc(name, key)}
        elif kind == 1:
            props[key] = {"type": "string", "minLength": 1, "maxLength": 200, "description": desc(name, key)}
        else:
            props[key] = {"type": "boolean", "description": desc(name, key)}
    definitions[d] = {
        "type": "object",
        "description": f"Settings of {name}.",
        "required": ["enabled", "image"],
        "properties": props,
        "additionalProperties": False,
    }
    properties[name] = {"$ref": f"#/definitions/{d}"}

schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": f"Values of a chart with {n} components (bench/validate-input.py)",
    "type": "object",
    "properties": properties,
    "additionalProperties": False,
    "definitions": definitions,
}
with open(os.path.join(out, "values.schema.json"), "w") as f:
    json.dump(schema, f, indent=2)
    f.write("\n")


def values(broken):
    lines = ["# Generated by bench/validate-input.py; satisfies values.schema.json beside it."]
    for i in range(n):
        name = f"component{i:03d}"
        http, grpc = 3000 + i, 9000 + i
        lines += [
            f"{name}:",
            "  enabled: true",
            f"  replicas: {i % 5 + 1}",
            "  image:",
            f"    repository: registry.example.com/team/{name}",
            f'    tag: "1.{i}.0"',
            "    pullPolicy: IfNotPresent",
            "  resources:",
            "    requests:",
            f"      cpu: {100 + i}m",
            "      memory: 256Mi",
            "    limits:",
            "      memory: 512Mi",
            "  ports:",
            f"    http: {70000 if broken and i == n // 2 else http}",
            f"    grpc: {grpc}",
            "  env:",
            "    - name: LOG_LEVEL",
            "      value: info",
            f"    - name: {'COMPONENT' if not (broken and i == n // 3) else 'COMPONENT-NAME'}",
            f"      value: {name}",
            "  tolerations:",
            "    - key: dedicated",
            "      operator: Equal",
            "      value: observability",
            "      effect: NoSchedule",
            "  nodeSelector:",
            "    kubernetes.io/os: linux",
            "  podAnnotations:",
            f'    example.com/owner: "team-{i % 7}"',
            "  service:",
            "    type: ClusterIP",
            f"    port: {http}",
            f"    trafficDistribution: {'PreferClose' if not (broken and i == 2 * n // 3) else 'Sideways'}",
            "  readinessProbe:",
            "    httpGet:",
            "      path: /ready",
            f"      port: {http}",
            "    initialDelaySeconds: 10",
            "    periodSeconds: 5",
        ]
        for k in range(EXTRA):
            kind = k % 3
            if kind == 0:
                lines.append(f"  setting{k:02d}: {(i * 37 + k) % 100000}")
            elif kind == 1:
                lines.append(f"  setting{k:02d}: value-{i}-{k}")
            else:
                lines.append(f"  setting{k:02d}: {'true' if (i + k) % 2 else 'false'}")
    return "\n".join(lines) + "\n"


with open(os.path.join(out, "values.yaml"), "w") as f:
    f.write(values(False))
with open(os.path.join(out, "values-broken.yaml"), "w") as f:
    f.write(values(True))
