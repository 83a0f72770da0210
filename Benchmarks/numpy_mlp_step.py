"""Times one training step of the mlp-1986 network in NumPy, for comparison with
`swift run -c release mlp-1986 --bench`.

Step (batch 32): forward 64 → 128 (ReLU) → 10, softmax cross-entropy, manual backward,
Adam update (lr 1e-3, betas 0.9/0.999, eps 1e-8, bias-corrected). float32 throughout, on a
fixed batch of tinydigits training images. Prints the median (and p10/p90) over many steps
after a warm-up.

Usage: python3 Benchmarks/numpy_mlp_step.py [--iterations N] [--data DIR]
"""
import argparse
import os
import platform
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    default_data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Data")
    parser.add_argument("--data", default=default_data)
    args = parser.parse_args()

    images = np.load(os.path.join(args.data, "tinydigits", "train_images.npy"))
    labels = np.load(os.path.join(args.data, "tinydigits", "train_labels.npy"))
    x = np.ascontiguousarray(images[:32].reshape(32, 64), dtype=np.float32)
    y = labels[:32].astype(np.int64)

    rng = np.random.default_rng(1)
    bound1, bound2 = np.sqrt(6 / 64), np.sqrt(6 / 128)
    params = [
        rng.uniform(-bound1, bound1, (64, 128)).astype(np.float32),
        np.zeros(128, np.float32),
        rng.uniform(-bound2, bound2, (128, 10)).astype(np.float32),
        np.zeros(10, np.float32),
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8
    state = {"t": 0}
    rows = np.arange(32)

    def step():
        w1, b1, w2, b2 = params
        # Forward.
        h_pre = x @ w1 + b1
        h = np.maximum(h_pre, 0)
        logits = h @ w2 + b2
        # Softmax cross-entropy (stable).
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        sums = exp.sum(axis=1, keepdims=True)
        log_probs = shifted - np.log(sums)
        loss = -log_probs[rows, y].mean()
        # Backward.
        d_logits = exp / sums
        d_logits[rows, y] -= 1
        d_logits /= 32
        d_w2 = h.T @ d_logits
        d_b2 = d_logits.sum(axis=0)
        d_h = d_logits @ w2.T
        d_h[h_pre <= 0] = 0
        d_w1 = x.T @ d_h
        d_b1 = d_h.sum(axis=0)
        # Adam.
        state["t"] += 1
        t = state["t"]
        c1 = 1 - beta1**t
        c2 = 1 - beta2**t
        for p, g, mi, vi in zip(params, (d_w1, d_b1, d_w2, d_b2), m, v):
            mi *= beta1
            mi += (1 - beta1) * g
            vi *= beta2
            vi += (1 - beta2) * (g * g)
            p -= (lr / c1) * mi / (np.sqrt(vi / c2) + eps)
        return loss

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()

    def us(q):
        return times[int(q * (len(times) - 1))] * 1e6

    print(
        f"numpy {np.__version__} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs: training step (64→128→10, batch 32, forward + CE + backward + Adam), "
        f"{args.iterations} steps after {args.warmup} warm-up: median {us(0.5):.2f} µs, "
        f"p10 {us(0.1):.2f} µs, p90 {us(0.9):.2f} µs"
    )


if __name__ == "__main__":
    main()
