#!/usr/bin/env python3
"""Generate the two pathological meshes of BENCHMARKS.md ("Pathological sizes"): one product
with N output ports on one contract (`ports`), or one contract with N fields (`fields`).
Each mesh also has an upstream product and a downstream consumer, so lineage, impact lists and
field-level lineage have something to show. Deterministic; standard library only.

    python3 benches/gen_sizes.py ports --n 10000 --out /tmp/ports10k
    python3 benches/gen_sizes.py fields --n 100000 --out /tmp/fields100k
"""
import argparse
import os
import shutil

TYPES = ["string", "integer", "number", "boolean", "date", "timestamp"]
CLASSES = ["public", "internal", "confidential", "restricted"]


def product(pid, name, outputs, inputs=()):
    """`outputs`: (port name, contract id, input contract ids) triples."""
    lines = ["apiVersion: v1.0.0", "kind: DataProduct", f"id: {pid}", f"name: {name}",
             "version: 1.0.0", "status: active", "domain: wide",
             "description:", f"  purpose: The {name} product of the size benchmark."]
    if inputs:
        lines.append("inputPorts:")
        for port, cid in inputs:
            lines += [f"  - name: {port}", "    version: 1.0.0", f"    contractId: {cid}"]
    lines.append("outputPorts:")
    for port, cid, feeds in outputs:
        lines += [f"  - name: {port}", "    version: 1.0.0", "    type: tables", f"    contractId: {cid}"]
        if feeds:
            lines.append("    inputContracts:")
            lines += [f"      - {{id: {f}, version: 1.0.0}}" for f in feeds]
    lines += ["support:", "  - channel: \"#wide-team\"", "    url: https://chat.example.test/wide",
              "team:", "  name: wide-team", "  members:",
              "    - {username: owner@example.test, name: Owner, role: owner}"]
    return "\n".join(lines) + "\n"


def contract(cid, table, fields, source=None):
    """`fields` properties named `f_<k>`, one flow mapping each so that 100,000 of them stay
    under meshport's 8 MB file limit; every 10th has a description and, when `source` is
    given, reads from it (field-level lineage)."""
    lines = ["apiVersion: v3.1.0", "kind: DataContract", f"id: {cid}", f"name: {table}",
             "version: 1.0.0", "status: active", "domain: wide",
             "description:", f"  purpose: Contract {cid} of the size benchmark.",
             "schema:", f"  - name: {table}", "    physicalType: table", "    properties:"]
    width = len(str(fields))
    for k in range(fields):
        keys = [f"name: f_{k:0{width}d}", f"logicalType: {TYPES[k % len(TYPES)]}",
                f"classification: {CLASSES[k % len(CLASSES)]}"]
        if k == 0:
            keys += ["required: true", "primaryKey: true"]
        if k % 10 == 1:
            keys.append(f"description: Value {k} of {table}.")
            if source:
                keys.append(f"transformSourceObjects: [{source}.id]")
        lines.append("      - {" + ", ".join(keys) + "}")
    lines += ["slaProperties:", "  - property: latency", "    value: 4", "    unit: h",
              "servers:", "  - server: lakehouse", "    type: databricks",
              "    host: lakehouse.example.test", "    catalog: wide", "    schema: wide_gold"]
    return "\n".join(lines) + "\n"


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", choices=["ports", "fields"])
    ap.add_argument("--n", type=int, required=True, help="output ports (ports) or fields (fields)")
    ap.add_argument("--out", required=True, help="a new directory (replaced if it exists)")
    a = ap.parse_args()
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(os.path.join(a.out, "content"))
    write(a.out, "meshport.toml", f'title = "Size benchmark: {a.case} {a.n}"\nbase_url = "https://mesh.example.test/"\n')
    write(a.out, "content/domains/wide.md", "---\nname: Wide\nowner: wide-team\n---\nThe size benchmark's domain.\n")
    write(a.out, "content/teams/wide-team.md", "---\nname: Wide team\ndomain: wide\nemail: wide@example.test\n---\n")
    write(a.out, "content/products/source.odps.yaml", product("source", "Source", [("out", "source-c", ())]))
    write(a.out, "content/contracts/source.odcs.yaml", contract("source-c", "source_table", 4))
    if a.case == "ports":
        width = len(str(a.n))
        ports = [(f"out-{k:0{width}d}", "wide-c", ("source-c",) if k % 2 else ()) for k in range(a.n)]
        wide = product("wide", "Wide ports", ports, [("in-source", "source-c")])
        write(a.out, "content/contracts/wide.odcs.yaml", contract("wide-c", "wide_table", 8, "source_table"))
    else:
        wide = product("wide", "Wide schema", [("out", "wide-c", ("source-c",))], [("in-source", "source-c")])
        write(a.out, "content/contracts/wide.odcs.yaml", contract("wide-c", "wide_table", a.n, "source_table"))
    write(a.out, "content/products/wide.odps.yaml", wide)
    write(a.out, "content/products/consumer.odps.yaml",
          product("consumer", "Consumer", [("out", "consumer-c", ("wide-c",))], [("in-wide", "wide-c")]))
    write(a.out, "content/contracts/consumer.odcs.yaml", contract("consumer-c", "consumer_table", 4, "wide_table"))


if __name__ == "__main__":
    main()
