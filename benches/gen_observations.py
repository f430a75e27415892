"""Adds CI artifacts to a generated mesh, for the observations benchmark: one meshport JSON
file per product (three checks on its first contract and one freshness entry), under
results/, and `[observations] paths = ["results/**/*.json"]` in meshport.toml.

Usage: python3 benches/gen_observations.py MESH   (a mesh from ../shared/bench/gen_mesh.py)
"""
import json, os, re, sys

mesh = sys.argv[1]
out = os.path.join(mesh, "results")
os.makedirs(out, exist_ok=True)
count = 0
for folder, _, files in os.walk(os.path.join(mesh, "content", "products")):
    for name in sorted(files):
        if not name.endswith((".yaml", ".yml")):
            continue
        text = open(os.path.join(folder, name)).read()
        pid = re.search(r"^id: ['\"]?([^'\"\s]+)", text, re.M)
        contract = re.search(r"contractId: ['\"]?([^'\"\s]+)", text)
        if not (pid and contract):
            continue
        n = count
        checks = [
            {"contract": contract.group(1), "check": f"row_count_{k}", "status": "fail" if (n + k) % 17 == 0 else "pass",
             "observedAt": "2026-12-01T06:00:00Z", "value": 1000 + n, "message": "fewer rows than promised"}
            for k in range(3)
        ]
        fresh = [{"contract": contract.group(1), "loadedAt": "2026-12-01T0%d:00:00Z" % (n % 6), "observedAt": "2026-12-01T06:00:00Z"}]
        doc = {"format": "meshport-observations/1", "generatedAt": "2026-12-01T06:00:00Z", "checks": checks, "freshness": fresh}
        with open(os.path.join(out, pid.group(1) + ".json"), "w") as f:
            json.dump(doc, f)
        count += 1
toml = os.path.join(mesh, "meshport.toml")
text = open(toml).read() if os.path.exists(toml) else ""
if "[observations]" not in text:
    with open(toml, "a") as f:
        f.write('\n[observations]\npaths = ["results/**/*.json"]\n')
print(f"{count} artifacts in {out}")
