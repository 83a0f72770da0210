"""Writes ONNX's backend node tests as folders: model.onnx, input_N.pb, output_N.pb.

Usage: python onnx_conformance_cases.py OUT_DIR [NAME_SUBSTRING...]

The tests come from the generators inside the `onnx` package
(onnx.backend.test.case.node.collect_testcases); recent wheels do not ship the generated data.
Cases whose inputs or outputs are not plain tensors (sequences, optionals, maps) are skipped and
listed in OUT_DIR/skipped.txt.
"""
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import numpy_helper
from onnx.backend.test.case.node import collect_testcases


def main() -> None:
    out = sys.argv[1]
    wanted = sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    warnings.simplefilter("ignore")
    written, skipped = 0, []
    for case in collect_testcases(None):
        if wanted and not any(w in case.name for w in wanted):
            continue
        data_sets = case.data_sets or []
        plain = all(
            isinstance(v, (np.ndarray, np.generic)) for inputs, outputs in data_sets for v in list(inputs) + list(outputs)
        )
        if not plain or len(data_sets) != 1:
            skipped.append(case.name)
            continue
        folder = os.path.join(out, case.name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        inputs, outputs = data_sets[0]
        graph = case.model.graph
        initialized = {t.name for t in graph.initializer}
        input_names = [i.name for i in graph.input if i.name not in initialized]
        for kind, values, names in (("input", inputs, input_names), ("output", outputs, [o.name for o in graph.output])):
            for index, value in enumerate(values):
                name = names[index] if index < len(names) else f"{kind}_{index}"
                tensor = numpy_helper.from_array(np.asarray(value), name)
                with open(os.path.join(folder, f"{kind}_{index}.pb"), "wb") as f:
                    f.write(tensor.SerializeToString())
        with open(os.path.join(folder, "tolerance.txt"), "w") as f:
            f.write(f"{case.rtol} {case.atol}\n")
        written += 1
    with open(os.path.join(out, "skipped.txt"), "w") as f:
        f.write("".join(f"{name}\n" for name in skipped))
    print(f"wrote {written} node tests to {out} (onnx {onnx.__version__}); skipped {len(skipped)} without plain tensors")


if __name__ == "__main__":
    main()
