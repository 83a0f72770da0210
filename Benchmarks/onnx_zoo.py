"""Real architectures through `ttc import`: classic image models and transformer encoders as
users export them with `torch.onnx.export`, run by ttc (interpreter and compiled -O2) and by
onnxruntime on the same input, compared.

    python Benchmarks/onnx_zoo.py --ttc .build/release/ttc --out out/onnx-zoo [--only resnet18,...]

Needs torch, torchvision, transformers, onnx, onnxruntime (Benchmarks/onnx-zoo.sh installs them
into a private venv: several GB, never in CI). Weights are random (torchvision's and
transformers' own initialization; no download): agreement does not depend on them. Differences
are max |ttc − onnxruntime| over the largest output magnitude. Each model
is exported twice where both exporters work: TorchScript (`dynamo=False`, opset 17) and the
dynamo exporter (torch's default, opset 18+). Prints one Markdown table row per export.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort
import torch
import torchvision


def image_models():
    v = torchvision.models
    return [
        ("alexnet", lambda: v.alexnet(), (1, 3, 224, 224)),
        ("vgg11", lambda: v.vgg11(), (1, 3, 224, 224)),
        ("resnet18", lambda: v.resnet18(), (1, 3, 224, 224)),
        ("resnet50", lambda: v.resnet50(), (1, 3, 224, 224)),
        ("densenet121", lambda: v.densenet121(), (1, 3, 224, 224)),
        ("inception_v3", lambda: v.inception_v3(init_weights=True, aux_logits=True), (1, 3, 299, 299)),
        ("squeezenet1_1", lambda: v.squeezenet1_1(), (1, 3, 224, 224)),
        ("shufflenet_v2_x1_0", lambda: v.shufflenet_v2_x1_0(), (1, 3, 224, 224)),
        ("mobilenet_v2", lambda: v.mobilenet_v2(), (1, 3, 224, 224)),
        ("efficientnet_b0", lambda: v.efficientnet_b0(), (1, 3, 224, 224)),
    ]


class TokenEncoder(torch.nn.Module):
    """torch.nn.TransformerEncoder over embedded token ids (post-norm, GELU, padding mask)."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(1000, 256)
        layer = torch.nn.TransformerEncoderLayer(256, 4, 1024, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)

    def forward(self, ids):
        return self.encoder(self.embed(ids))


class HuggingFaceEncoder(torch.nn.Module):
    """A Hugging Face BertModel (MiniLM-L6-sized config, random weights): last hidden state."""

    def __init__(self):
        super().__init__()
        from transformers import BertConfig, BertModel

        config = BertConfig(
            vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
            intermediate_size=1536, max_position_embeddings=512, attn_implementation="eager")
        self.bert = BertModel(config)

    def forward(self, ids):
        return self.bert(input_ids=ids).last_hidden_state


class HuggingFaceDecoder(torch.nn.Module):
    """A Hugging Face GPT2Model (distilgpt2-sized config, random weights): last hidden state."""

    def __init__(self):
        super().__init__()
        from transformers import GPT2Config, GPT2Model

        self.gpt2 = GPT2Model(GPT2Config(n_layer=6, attn_implementation="eager"))

    def forward(self, ids):
        return self.gpt2(input_ids=ids).last_hidden_state


def text_models():
    def ids(vocabulary):
        return lambda: torch.randint(0, vocabulary, (1, 128), generator=torch.Generator().manual_seed(0))

    models = [("torch_transformer_encoder", TokenEncoder, ids(1000))]
    try:
        import transformers  # noqa: F401

        models.append(("hf_bert_minilm_shape", HuggingFaceEncoder, ids(30522)))
        models.append(("hf_distilgpt2_shape", HuggingFaceDecoder, ids(50257)))
    except ImportError:
        print("(transformers not installed: the Hugging Face encoder is skipped)", file=sys.stderr)
    return models


def export(model, example, path, dynamo):
    if dynamo:
        torch.onnx.export(model, (example,), path, dynamo=True, external_data=False)
    else:
        torch.onnx.export(model, (example,), path, dynamo=False, opset_version=17)


def run(command):
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return None, elapsed, lines[-1] if lines else f"exit {result.returncode}"
    return result, elapsed, None


def relative_difference(ours, reference):
    """max |ours − reference| relative to the reference's largest magnitude (random weights can
    make outputs tiny, so no floor of 1)."""
    scale = float(np.max(np.abs(reference)))
    return float(np.max(np.abs(ours - reference))) / (scale if scale > 0 else 1.0)


def check(ttc, name, exporter, path, example, folder):
    """Imports `path`, runs it interpreted and compiled, compares with onnxruntime. Returns a row."""
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: example}
    reference = session.run(None, feed)[0]
    np.save(os.path.join(folder, f"{name}.{exporter}.input.npy"), example)
    model_json = os.path.join(folder, f"{name}.{exporter}.json")
    size_mb = os.path.getsize(path) / 1e6
    _, import_seconds, error = run([ttc, "import", path, "-o", model_json])
    row = [name, exporter, f"{size_mb:.1f} MB"]
    if error:
        return row + ["refused", "", "", error]
    row.append(f"{import_seconds:.2f} s")
    results = []
    for engine, extra in [("interpreter", ["-O0"]), ("compiled -O2", ["-O2", "--compiled"])]:
        output = os.path.join(folder, f"{name}.{exporter}.{engine.split()[0]}.npy")
        _, seconds, error = run(
            [ttc, "run", model_json, "--input", os.path.join(folder, f"{name}.{exporter}.input.npy"),
             "--output", output] + extra)
        if error:
            results.append(f"{engine}: {error}")
            continue
        ours = np.load(output)
        if ours.shape != reference.shape:
            results.append(f"{engine}: shape {ours.shape} vs {reference.shape}")
            continue
        results.append(f"{relative_difference(ours, reference):.1e}")
    return row + results + [""]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ttc", required=True)
    parser.add_argument("--out", default="out/onnx-zoo")
    parser.add_argument("--only", default="")
    parser.add_argument("--exporters", default="torchscript,dynamo")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    cases = [(n, make, lambda s=shape: torch.randn(*s, generator=generator)) for n, make, shape in image_models()]
    cases += text_models()
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, onnxruntime {ort.__version__}")
    print("| model | exporter | ONNX size | ttc import | interpreter max diff / max |output| | compiled -O2 max diff / max |output| | note |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for name, make, make_input in cases:
        if only and name not in only:
            continue
        model = make().eval()
        example = make_input()
        for exporter in args.exporters.split(","):
            path = os.path.join(args.out, f"{name}.{exporter}.onnx")
            try:
                with torch.no_grad():
                    export(model, example, path, dynamo=exporter == "dynamo")
            except Exception as error:  # an exporter failure is torch's, reported and skipped
                message = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
                print(f"| {name} | {exporter} | | | | | export failed in torch: {message} |", flush=True)
                continue
            row = check(args.ttc, name, exporter, path, example.numpy(), args.out)
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
