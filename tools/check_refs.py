#!/usr/bin/env python3
"""Offline sanity check of ../spec: every YAML file parses, every $ref
resolves (file and JSON pointer), every spec file is reachable from
openapi.yaml, and every schema file has an entry in components.schemas.

Usage: python3 tools/check_refs.py [path/to/openapi.yaml]   (needs PyYAML)
"""
import os
import sys

import yaml

ROOT = os.path.abspath(
    sys.argv[1] if len(sys.argv) > 1
    else os.path.join(os.path.dirname(__file__), "..", "spec", "openapi.yaml"))
SPEC_DIR = os.path.dirname(ROOT)

docs = {}
errors = []


def load(path):
    if path not in docs:
        with open(path, encoding="utf-8") as f:
            docs[path] = yaml.safe_load(f)
    return docs[path]


def pointer(doc, frag):
    node = doc
    if not frag or frag == "/":
        return node
    for part in frag.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node[part]
    return node


def walk(node, path, where):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            target, _, frag = ref.partition("#")
            tpath = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
            try:
                tdoc = load(tpath)
                pointer(tdoc, frag)
                if target and tpath not in seen:
                    seen.add(tpath)
                    walk(tdoc, tpath, "")
            except Exception as e:  # noqa: BLE001
                errors.append(f"{os.path.relpath(path, SPEC_DIR)}{where}: $ref {ref!r} does not resolve ({e!r})")
        for k, v in node.items():
            walk(v, path, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, path, f"{where}/{i}")


seen = {ROOT}
walk(load(ROOT), ROOT, "")

all_files = set()
for d, _, files in os.walk(SPEC_DIR):
    for f in files:
        if f.endswith((".yaml", ".yml")):
            p = os.path.join(d, f)
            all_files.add(p)
            try:
                load(p)
            except Exception as e:  # noqa: BLE001
                errors.append(f"{os.path.relpath(p, SPEC_DIR)}: YAML does not parse ({e})")

for p in sorted(all_files - seen):
    errors.append(f"{os.path.relpath(p, SPEC_DIR)}: not reachable from openapi.yaml")

root = load(ROOT)
component_files = {
    os.path.normpath(os.path.join(SPEC_DIR, v["$ref"]))
    for v in root.get("components", {}).get("schemas", {}).values() if "$ref" in v
}
for p in sorted(all_files):
    if os.sep + "schemas" + os.sep in p and p not in component_files:
        errors.append(f"{os.path.relpath(p, SPEC_DIR)}: no entry in components.schemas")

op_ids = []
for item_ref in root["paths"].values():
    item = load(os.path.normpath(os.path.join(SPEC_DIR, item_ref["$ref"])))
    for method, op in item.items():
        if method in ("get", "put", "post", "delete", "patch", "options", "head", "trace"):
            op_ids.append(op["operationId"])
dups = {o for o in op_ids if op_ids.count(o) > 1}
if dups:
    errors.append(f"duplicate operationIds: {sorted(dups)}")

print(f"{len(all_files)} YAML files, {len(seen)} reachable, {len(op_ids)} operations")
if errors:
    print("\n".join(errors))
    sys.exit(1)
print("OK: all files parse, all $refs resolve")
