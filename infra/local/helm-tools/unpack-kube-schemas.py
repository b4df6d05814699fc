"""Unpacks one Kubernetes version's strict JSON schemas from the kubernetes-validate wheel.

    unpack-kube-schemas.py WHEEL OUT_DIR KUBE_VERSION   (e.g. 1.34.0)

In the wheel each kind's schema points at one shared 1.4 MB _definitions.json through an
absolute $id under kubernetes.io, which a validator resolves against that $id and would fetch
over the network. Here each kind's file is made standalone: the definitions it reaches are
copied into its own "$defs" and its references point there ("#/$defs/..."). Nothing is fetched,
and a validator compiles only what a kind needs (much faster than the shared file per kind).
"""

import json
import os
import sys
import zipfile

SHARED = "/api/_definitions.json#/$defs/"
LOCAL = "#/$defs/"


def refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.split("/")[-1])
            else:
                refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def localize(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$id":
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(SHARED):
                value = LOCAL + value[len(SHARED):]
            out[key] = localize(value)
        return out
    if isinstance(node, list):
        return [localize(v) for v in node]
    return node


def main():
    wheel, out_dir, version = sys.argv[1], sys.argv[2], sys.argv[3]
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
        if not names:
            sys.exit(f"no schemas for Kubernetes {version} in {wheel}")
        definitions = json.loads(z.read(prefix + "_definitions.json"))["$defs"]
        target = os.path.join(out_dir, f"v{version}-local-strict")
        os.makedirs(target, exist_ok=True)
        written = 0
        for name in names:
            base = name[len(prefix):]
            if base in ("_definitions.json", "all.json"):
                continue
            schema = localize(json.loads(z.read(name)))
            # Every definition the kind reaches, transitively.
            needed, todo = set(), set()
            refs(schema, todo)
            while todo:
                d = todo.pop()
                if d in needed or d not in definitions:
                    continue
                needed.add(d)
                refs(definitions[d], todo)
            if needed:
                schema["$defs"] = {d: localize(definitions[d]) for d in sorted(needed)}
            with open(os.path.join(target, base), "w") as f:
                json.dump(schema, f, separators=(",", ":"))
            written += 1
    print(f"{written} standalone schemas for Kubernetes {version} in {out_dir}", file=sys.stderr)


main()
