"""A NumPy BERT (Hugging Face `BertModel` + sentence-transformers mean pooling + L2 norm), the
reference for BertModelTests. It follows transformers' modeling_bert.py step by step in float64:
embeddings (word + position + token type, LayerNorm), per layer self-attention with the padding
mask added as a large negative bias, output dense + residual + LayerNorm, intermediate dense +
exact erf GELU, output dense + residual + LayerNorm; then the mask-weighted mean over positions
and division by the L2 norm.

    python3 bert_reference.py embed WEIGHTS.safetensors CONFIG.json INPUT.json
        INPUT.json: {"ids": [[...]], "mask": [[...]]}; prints {"embeddings": [[...]]}
    python3 bert_reference.py make MODEL_DIR
        writes minilm-embeddings.json next to this script: the sentences below, the ids of
        Hugging Face's tokenizer (tokenizers package, MODEL_DIR/tokenizer.json) and the
        embeddings of MODEL_DIR/model.safetensors (all-MiniLM-L6-v2, see scripts/fetch-minilm.sh)
"""
import json, math, os, sys

try:
    import numpy as np
    from safetensors.numpy import load_file
except ImportError:
    sys.exit(3)

erf = np.vectorize(math.erf)


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def embed(state, config, ids, mask):
    s = {k: v.astype(np.float64) for k, v in state.items() if v.dtype != np.int64}
    ids, mask = np.array(ids), np.array(mask, dtype=np.float64)
    eps, heads = config["layer_norm_eps"], config["num_attention_heads"]
    n, length = ids.shape
    e = "embeddings."
    x = s[e + "word_embeddings.weight"][ids] + s[e + "position_embeddings.weight"][:length]
    x = x + s[e + "token_type_embeddings.weight"][np.zeros_like(ids)]
    x = layer_norm(x, s[e + "LayerNorm.weight"], s[e + "LayerNorm.bias"], eps)
    bias = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        dense = lambda h, name: h @ s[p + name + ".weight"].T + s[p + name + ".bias"]
        split = lambda h: h.reshape(n, length, heads, -1).transpose(0, 2, 1, 3)
        q, k, v = (split(dense(x, "attention.self." + m)) for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(q.shape[-1]) + bias
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(n, length, -1)
        x = layer_norm(x + dense(context, "attention.output.dense"),
                       s[p + "attention.output.LayerNorm.weight"], s[p + "attention.output.LayerNorm.bias"], eps)
        h = dense(x, "intermediate.dense")
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = layer_norm(x + dense(h, "output.dense"),
                       s[p + "output.LayerNorm.weight"], s[p + "output.LayerNorm.bias"], eps)
    pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "A woman is playing violin.",
    "Two men pushed carts through the woods.",
    "A man is riding a white horse on an enclosed ground.",
    "A monkey is playing drums.",
    "Someone in a gorilla costume is playing a set of drums.",
    "Café naïve: Zürich's ÅNGSTRÖM, 中文!",
]

if __name__ == "__main__":
    if sys.argv[1] == "embed":
        state, config = load_file(sys.argv[2]), json.load(open(sys.argv[3]))
        inputs = json.load(open(sys.argv[4]))
        print(json.dumps({"embeddings": embed(state, config, inputs["ids"], inputs["mask"]).tolist()}))
    else:
        from tokenizers import Tokenizer
        model = sys.argv[2]
        tokenizer = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        tokenizer.enable_truncation(max_length=128)
        encodings = tokenizer.encode_batch(SENTENCES)
        ids = [e.ids for e in encodings]
        mask = [e.attention_mask for e in encodings]
        config = json.load(open(os.path.join(model, "config.json")))
        vectors = embed(load_file(os.path.join(model, "model.safetensors")), config, ids, mask)
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "minilm-embeddings.json")
        with open(out, "w", encoding="utf-8") as f:
            rows = [json.dumps({"text": t, "ids": i, "embedding": [round(float(v), 8) for v in e]}, ensure_ascii=False)
                    for t, i, e in zip(SENTENCES, ids, vectors)]
            f.write('{"sentences": [\n' + ",\n".join(rows) + "\n]}\n")
        print(f"wrote {out}: {len(SENTENCES)} embeddings of width {vectors.shape[1]}")
