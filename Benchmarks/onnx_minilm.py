"""A real pretrained model through ONNX: sentence-transformers all-MiniLM-L6-v2 (its trained
weights, its tokenizer) exported by `torch.onnx.export`, imported by `ttc import`, run
interpreted (-O0) and compiled (-O2), and compared with onnxruntime on the same file and the
same tokenized sentences.

    python Benchmarks/onnx_minilm.py --ttc .build/release/ttc --model MODEL_DIR --out out/onnx-minilm

MODEL_DIR is what scripts/fetch-minilm.sh prints. Needs torch, transformers, onnx, onnxruntime
(Benchmarks/onnx-minilm.sh runs this in a private venv; never in CI). The exported graph takes
`input_ids` and `attention_mask` (padded batch) and returns the last hidden state and the
sentence embeddings (mean pooling over the mask, L2-normalized, as sentence-transformers does).
Prints one row per export and output: max |ttc − onnxruntime| and the worst element's
|a − b| / max(1, |b|), which must be ≤ 1e-4; exits 1 otherwise.
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort
import torch
from transformers import AutoTokenizer, BertModel

SENTENCES = [
    "A man is playing a guitar.",
    "The weather is lovely today, so we are going for a walk in the park.",
    "ONNX files carry models between runtimes, and TinyTorch reads them.",
    "Hello!",
]
# ("embedding" clashes with a name inside the dynamo export.)
OUTPUTS = ["last_hidden_state", "sentence_embedding"]


class SentenceEncoder(torch.nn.Module):
    """BertModel plus sentence-transformers' mean pooling and normalization."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return hidden, torch.nn.functional.normalize(pooled, dim=-1)


def export(model, inputs, path, exporter):
    names = dict(input_names=["input_ids", "attention_mask"], output_names=OUTPUTS)
    if exporter == "torchscript":
        # As users commonly do: batch and sequence left dynamic, bound at import.
        dynamic = {0: "batch", 1: "sequence"}
        torch.onnx.export(model, inputs, path, dynamo=False, opset_version=17,
                          dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic}, **names)
    else:
        torch.onnx.export(model, inputs, path, dynamo=True, external_data=False, **names)


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit {result.returncode}"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ttc", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", default="out/onnx-minilm")
    parser.add_argument("--exporters", default="torchscript,dynamo")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = SentenceEncoder(BertModel.from_pretrained(args.model, attn_implementation="eager")).eval()
    batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
    feed = {"input_ids": batch["input_ids"].numpy(), "attention_mask": batch["attention_mask"].numpy()}
    for name, value in feed.items():
        np.save(os.path.join(args.out, f"{name}.npy"), value)
    shape = ",".join(map(str, feed["input_ids"].shape))
    with torch.no_grad():
        eager = [t.numpy() for t in model(batch["input_ids"], batch["attention_mask"])]
    print(f"torch {torch.__version__}, onnxruntime {ort.__version__}; {len(SENTENCES)} sentences, "
          f"{feed['input_ids'].shape[1]} tokens with padding")
    print("| export | output | engine | max abs diff | max rel diff (÷ max(1,|b|)) |")
    print("| --- | --- | --- | ---: | ---: |")
    worst = 0.0
    for exporter in args.exporters.split(","):
        path = os.path.join(args.out, f"minilm.{exporter}.onnx")
        with torch.no_grad():
            export(model, (batch["input_ids"], batch["attention_mask"]), path, exporter)
        reference = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(OUTPUTS, feed)
        # onnxruntime runs the exported graph as torch does (a check of the export itself).
        torch_difference = max(float(np.max(np.abs(r - e))) for r, e in zip(reference, eager))
        print(f"| {exporter} | (onnxruntime vs torch eager) | | {torch_difference:.1e} | |")
        model_json = os.path.join(args.out, f"minilm.{exporter}.json")
        error = run([args.ttc, "import", path, "-o", model_json,
                     "--input-shape", f"input_ids={shape}", "--input-shape", f"attention_mask={shape}"])
        if error:
            print(f"| {exporter} | | import | refused: {error} | |")
            worst = float("inf")
            continue
        for engine, flags in [("interpreter -O0", ["-O0"]), ("compiled -O2", ["-O2", "--compiled"])]:
            folder = os.path.join(args.out, f"{exporter}.{engine.split()[0]}") + "/"
            os.makedirs(folder, exist_ok=True)
            error = run([args.ttc, "run", model_json, "--output", folder] + flags
                        + [f"--input={n}={os.path.join(args.out, n + '.npy')}" for n in feed])
            if error:
                print(f"| {exporter} | | {engine} | failed: {error} | |")
                worst = float("inf")
                continue
            for output, expected in zip(OUTPUTS, reference):
                ours = np.load(os.path.join(folder, f"{output}.npy"))
                absolute = np.abs(ours - expected)
                relative = float(np.max(absolute / np.maximum(1.0, np.abs(expected))))
                worst = max(worst, relative)
                print(f"| {exporter} | {output} {list(expected.shape)} | {engine} | "
                      f"{float(np.max(absolute)):.1e} | {relative:.1e} |", flush=True)
    print(f"worst relative difference {worst:.1e} ({'within' if worst <= 1e-4 else 'OVER'} 1e-4)")
    sys.exit(0 if worst <= 1e-4 else 1)


if __name__ == "__main__":
    main()
