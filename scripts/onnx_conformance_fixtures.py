"""Packs passing ONNX node tests as the test suite's fixtures.

Usage: python onnx_conformance_fixtures.py CASES_DIR PASSED_LIST FIXTURES_DIR

Writes FIXTURES_DIR/onnx-node-tests.tar.gz (every passing case) and
FIXTURES_DIR/onnx-node-tests-compiled.txt: a small set of cases that together use every op
type of the passing cases, which the suite also runs through the compiled library (compiling
all of them would take minutes).
"""
import gzip
import os
import sys
import tarfile

import onnx


def main() -> None:
    cases, passed_list, fixtures = sys.argv[1:4]
    names = [n.strip() for n in open(passed_list) if n.strip()]
    uses = {}
    for name in names:
        model = onnx.load(os.path.join(cases, name, "model.onnx"), load_external_data=False)
        opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
        uses[name] = {f"{node.op_type}@{opset >= 13}" for node in model.graph.node}
    chosen, covered = [], set()
    # Greedy cover: smallest models first, so the compiled subset stays quick.
    for name in sorted(names, key=lambda n: (len(uses[n]), n)):
        if not uses[name] <= covered:
            chosen.append(name)
            covered |= uses[name]
    os.makedirs(fixtures, exist_ok=True)
    archive = os.path.join(fixtures, "onnx-node-tests.tar.gz")
    # mtime=0 everywhere, so the same cases give the same bytes.
    with gzip.GzipFile(archive, "wb", mtime=0) as packed, tarfile.open(fileobj=packed, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(names):
            folder = os.path.join(cases, name)
            for file in sorted(os.listdir(folder)):
                info = tar.gettarinfo(os.path.join(folder, file), arcname=f"{name}/{file}")
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with open(os.path.join(folder, file), "rb") as f:
                    tar.addfile(info, f)
    with open(os.path.join(fixtures, "onnx-node-tests-compiled.txt"), "w") as f:
        f.write("".join(f"{n}\n" for n in sorted(chosen)))
    print(f"packed {len(names)} passing cases into {archive}; {len(chosen)} also run compiled")


if __name__ == "__main__":
    main()
