"""Converts CustomResourceDefinitions to the JSON schemas kubeconform reads.

    crd-to-schema.py OUT_DIR CRD.yaml...

Writes OUT_DIR/<group>/<kind lowercase>_<version>.json for every served version. Objects that
list their properties and neither allow unknown fields (x-kubernetes-preserve-unknown-fields)
nor set additionalProperties get additionalProperties: false, so a misspelt field fails as it
does for Kubernetes' own kinds under kubeconform -strict.
"""

import json
import os
import sys

import yaml


def strict(node):
    if isinstance(node, dict):
        out = {k: strict(v) for k, v in node.items()}
        if (
            out.get("type") == "object"
            and "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [strict(v) for v in node]
    return node


def main():
    out_dir, files = sys.argv[1], sys.argv[2:]
    for path in files:
        with open(path) as f:
            for crd in yaml.safe_load_all(f):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                spec = crd["spec"]
                group, kind = spec["group"], spec["names"]["kind"]
                for version in spec["versions"]:
                    if not version.get("served", True):
                        continue
                    schema = strict(version["schema"]["openAPIV3Schema"])
                    # apiVersion, kind and metadata are the API server's; the CRD leaves them open.
                    schema.setdefault("properties", {})
                    schema["properties"]["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
                    schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
                    schema["properties"]["metadata"] = {"type": "object"}
                    target = os.path.join(out_dir, group)
                    os.makedirs(target, exist_ok=True)
                    with open(os.path.join(target, f"{kind.lower()}_{version['name']}.json"), "w") as out:
                        json.dump(schema, out, indent=1)
                    print(f"{group}/{version['name']} {kind}", file=sys.stderr)


main()
