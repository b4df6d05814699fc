"""YAML documents (e.g. `helm template` output) to JSON.

    yaml-to-json.py < docs.yaml          one JSON array of the documents
    yaml-to-json.py FILE...              one JSON object: {FILE: [documents], ...}
"""

import json
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def docs(stream):
    return [d for d in yaml.load_all(stream, Loader=Loader) if d is not None]


if len(sys.argv) > 1:
    out = {}
    for name in sys.argv[1:]:
        with open(name) as f:
            out[name] = docs(f)
    json.dump(out, sys.stdout)
else:
    json.dump(docs(sys.stdin), sys.stdout)
