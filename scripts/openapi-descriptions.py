#!/usr/bin/env python3
"""Regenerates apiserver-service's OpenAPI field descriptions.

Writes apiserver-service/src/main/resources/openapi/descriptions.json.gz: for every
Kubernetes OpenAPI definition name (io.k8s.api.apps.v1.DeploymentStrategy, ...) its type
description, one description per JSON field, and for enum fields their values and the
"Possible enum values" list that Kubernetes' OpenAPI v3 texts end with (v1.32's Swagger 2
texts, which cdk8s has, do not). The apiserver attaches them to the
/openapi/v2 and /openapi/v3 documents it generates from the fabric8 model classes, which
carry none, so that `kubectl explain` prints Kubernetes' documentation.

The text is Kubernetes' API documentation (the Go doc comments of k8s.io/api and
k8s.io/apimachinery as published in Kubernetes' OpenAPI spec, (c) The Kubernetes Authors,
Apache-2.0). It is read from the JSDoc of two npm packages, in this order of preference:

1. cdk8s-plus-32: lib/imports/k8s.d.ts, generated from Kubernetes v1.32.0's spec (the
   release Stevedore reports in /version); every block names its definition and field
   exactly ("@schema io.k8s.api.apps.v1.DeploymentStrategy#rollingUpdate"). It leaves
   out status types and the fields cdk8s sets itself.
2. kubernetes-models + @kubernetes-models/apimachinery: generated from a later release;
   fills the status types and the fields fabric8's model has that v1.32 does not.

Run from the repository root (needs npm and network access to the npm registry):

    python3 scripts/openapi-descriptions.py

and commit the regenerated resource. The output is deterministic (sorted keys, gzip
without timestamp), so an unchanged input gives an unchanged file. Only the Python
standard library and `npm pack` are used; no code of the packages is run or copied.
"""

import gzip
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

CDK8S = "cdk8s-plus-32@2.5.92"
MODELS = "kubernetes-models@5.1.0"
APIMACHINERY = "@kubernetes-models/apimachinery@3.0.2"

OUTPUT = "apiserver-service/src/main/resources/openapi/descriptions.json.gz"

JSDOC = re.compile(r"/\*\*((?:(?!\*/).)*)\*/", re.S)
TAG = re.compile(r"^@\w+")


def npm_pack(spec, into):
    """Downloads one package tarball with npm (which checks its integrity)."""
    name = subprocess.run(["npm", "pack", "--silent", spec, "--pack-destination", into], check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return tarfile.open(os.path.join(into, name))


def doc_lines(comment):
    """The text lines of a JSDoc comment body, without the leading ' * '."""
    lines = []
    for line in comment.split("\n"):
        line = line.strip()
        if line.startswith("*"):
            line = line[1:]
            if line.startswith(" "):
                line = line[1:]
        lines.append(line.rstrip())
    return lines


def doc_text(comment):
    """A JSDoc comment's description: the lines before its first @tag."""
    text = []
    for line in doc_lines(comment):
        if TAG.match(line):
            break
        text.append(line)
    return "\n".join(text).strip()


def put(out, definition, field, text):
    if not text:
        return
    entry = out.setdefault(definition, {})
    if field is None:
        entry.setdefault("description", text)
    else:
        entry.setdefault("properties", {}).setdefault(field, text)


def from_cdk8s(tar):
    """Every JSDoc block of k8s.d.ts that carries '@schema <definition>[#<field>]'."""
    source = tar.extractfile("package/lib/imports/k8s.d.ts").read().decode("utf-8")
    out = {}
    for block in JSDOC.finditer(source):
        lines = doc_lines(block.group(1))
        schema = [line[len("@schema "):].strip() for line in lines if line.startswith("@schema ")]
        if not schema:
            continue
        definition, _, field = schema[0].partition("#")
        put(out, definition, field or None, doc_text(block.group(1)))
    return out


def models_group(directory):
    """kubernetes-models' folder (apps/v1, v1, rbac.authorization.k8s.io/v1) -> definition prefix."""
    parts = directory.split("/")
    if len(parts) == 1:
        return "io.k8s.api.core." + parts[0]
    group, version = parts[0], parts[1]
    group = group.removesuffix(".k8s.io")
    if group == "apiextensions":
        return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version
    if group == "apiregistration":
        return "io.k8s.kube-aggregator.pkg.apis.apiregistration." + version
    group = {"rbac.authorization": "rbac", "flowcontrol.apiserver": "flowcontrol"}.get(group, group)
    return "io.k8s.api." + group + "." + version


def models_text(comment):
    """kubernetes-models escapes '*' as '\\*' (and so '*/' as '\\*\\/') inside its JSDoc."""
    return doc_text(comment).replace("\\*", "*").replace("*\\/", "*/")


def from_models(tar, prefix_of):
    """One .d.ts per type: 'export interface IName { /** doc */ "field"?: T; }'."""
    out = {}
    for member in tar.getmembers():
        path = member.name.removeprefix("package/")
        directory, _, file = path.rpartition("/")
        if not file.endswith(".d.ts") or file == "index.d.ts" or not directory or directory.startswith("_"):
            continue
        source = tar.extractfile(member).read().decode("utf-8")
        alias = re.search(r"export type \{ I(\w+) as I\w+", source)
        if alias is None:
            continue
        name = alias.group(1)
        prefix = prefix_of(directory)
        if prefix is None:
            continue
        definition = prefix + "." + name
        body = re.search(r"(/\*\*(?:(?!\*/).)*\*/)?\s*export interface I" + name + r"\b[^{]*\{(.*?)\n\}", source,
                         re.S)
        if body is None:
            # scalars (IntOrString, Time): 'export type IName = string;'
            scalar = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*export type I" + name + r"\b", source, re.S)
            if scalar:
                put(out, definition, None, models_text(scalar.group(1)))
            continue
        if body.group(1):
            put(out, definition, None, models_text(body.group(1)[3:-2]))
        for field in re.finditer(r"/\*\*((?:(?!\*/).)*)\*/\s*\"([^\"]+)\"\??:", body.group(2), re.S):
            text = models_text(field.group(1))
            put(out, definition, field.group(2), text)
            values = enum_values(text)
            if values:
                out.setdefault(definition, {}).setdefault("enums", {})[field.group(2)] = values
                out[definition].setdefault("enumTexts", {})[field.group(2)] = enum_text(text)
    return out


ENUM_VALUE = re.compile(r'^\s*- `"([^"]*)"`', re.M)


def enum_text(text):
    """The 'Possible enum values:' list itself, which Kubernetes' OpenAPI v3 texts end with."""
    return "Possible enum values:" + text.partition("Possible enum values:")[2]


def enum_values(text):
    """The values listed under 'Possible enum values:', as Kubernetes' OpenAPI v3 texts end."""
    _, marker, values = text.partition("Possible enum values:")
    return ENUM_VALUE.findall(values) if marker else []


def group_version(definition):
    return definition.rpartition(".")[0]


def merge(layers, keep):
    """Per definition and per field, the first layer that has a text wins."""
    merged = {}
    for layer in layers:
        for definition, entry in layer.items():
            if not keep(definition):
                continue
            if "description" in entry:
                put(merged, definition, None, entry["description"])
            for field, text in entry.get("properties", {}).items():
                put(merged, definition, field, text)
            for key in ("enums", "enumTexts"):
                for field, value in entry.get(key, {}).items():
                    merged.setdefault(definition, {}).setdefault(key, {}).setdefault(field, value)
    return merged


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        cdk8s = from_cdk8s(npm_pack(CDK8S, tmp))
        models = from_models(npm_pack(MODELS, tmp), models_group)
        models.update(from_models(npm_pack(APIMACHINERY, tmp),
                                  lambda d: "io.k8s.apimachinery.pkg." + d.replace("/", ".")))
    # kubernetes-models keeps every group/version ever released (extensions/v1beta1, ...):
    # only those v1.32 serves, and apimachinery's, are kept
    served = {group_version(name) for name in cdk8s if name.startswith("io.k8s.api.")}

    def keep(name):
        return name.startswith("io.k8s.") and (not name.startswith("io.k8s.api.") or group_version(name) in served)

    document = {
        "sources": [CDK8S, MODELS, APIMACHINERY],
        "definitions": merge([cdk8s, models], keep),
    }
    raw = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(raw)
    target = os.path.join(root, OUTPUT)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as out:
        out.write(buffer.getvalue())
    definitions = document["definitions"]
    fields = sum(len(entry.get("properties", {})) for entry in definitions.values())
    enums = sum(len(entry.get("enums", {})) for entry in definitions.values())
    print(f"{OUTPUT}: {len(definitions)} definitions, {fields} fields, {enums} enums, {len(raw)} bytes JSON, "
          f"{len(buffer.getvalue())} bytes gzip", file=sys.stderr)


if __name__ == "__main__":
    main()
