"""Runs an ONNX model in onnxruntime: python run_onnxruntime.py MODEL DIR.

Reads DIR/input_N.pb (TensorProto, in the model's input order) and writes DIR/ort_output_N.pb.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import numpy_helper

model, folder = sys.argv[1:3]
session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
feeds = {}
for index, info in enumerate(session.get_inputs()):
    tensor = onnx.TensorProto()
    with open(os.path.join(folder, f"input_{index}.pb"), "rb") as f:
        tensor.ParseFromString(f.read())
    feeds[info.name] = numpy_helper.to_array(tensor)
for index, value in enumerate(session.run(None, feeds)):
    value = np.asarray(value)
    if value.dtype == np.bool_:
        value = value.astype(np.float32)
    with open(os.path.join(folder, f"ort_output_{index}.pb"), "wb") as f:
        f.write(numpy_helper.from_array(value, f"output_{index}").SerializeToString())
