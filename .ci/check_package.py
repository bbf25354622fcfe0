#!/usr/bin/env python3
"""`just package`, part one: the metadata crates.io needs and what we promise.

Every publishable member has a description, license (with the LICENSE file),
repository, readme, keywords and categories; every member, published or not,
takes the workspace's rust-version; every path dependency also names a version
(so the published crate depends on the published one).
"""
import json
import os
import subprocess
import sys

meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--no-deps", "--format-version", "1"]))
members = set(meta["workspace_members"])
packages = [p for p in meta["packages"] if p["id"] in members]
root = meta["workspace_root"]

with open(os.path.join(root, "Cargo.toml")) as f:
    workspace_msrv = next(line.split('"')[1] for line in f
                          if line.startswith("rust-version ="))

problems = []
for p in packages:
    name = p["name"]
    if p["rust_version"] != workspace_msrv:
        problems.append(f"{name}: rust-version {p['rust_version']}, not the workspace's {workspace_msrv}")
    if p["publish"] == []:  # publish = false
        continue
    for field in ["description", "license", "repository", "readme"]:
        if not p.get(field):
            problems.append(f"{name}: no {field}")
    for field in ["keywords", "categories"]:
        if not p.get(field):
            problems.append(f"{name}: no {field}")
    if len(p.get("keywords") or []) > 5:
        problems.append(f"{name}: more than 5 keywords")
    licence = os.path.join(os.path.dirname(p["manifest_path"]), "LICENSE")
    if not os.path.isfile(licence):
        problems.append(f"{name}: no LICENSE file beside Cargo.toml")
    for d in p["dependencies"]:
        if d.get("path") and d["kind"] in (None, "build") and d["req"] == "*":
            problems.append(f"{name}: path dependency {d['name']} has no version")

if problems:
    print("package metadata:", *problems, sep="\n  ")
    sys.exit(1)
published = [p["name"] for p in packages if p["publish"] != []]
print(f"package metadata: ok for {', '.join(sorted(published))}; rust-version {workspace_msrv} everywhere")
