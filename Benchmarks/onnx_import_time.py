"""Times `ttc import` on large ONNX files: median wall time of several runs, with the CPU time
(user + system) of each and the machine's load, so a figure under load can be read.

    python Benchmarks/onnx_import_time.py --ttc .build/release/ttc [--runs 7] [FILE.onnx ...]

Without files it writes Benchmarks/make_large_onnx.py's ~100 MB model (a 5000×5000 Gemm MLP)
to out/onnx-import/large.onnx and times that. Each file is imported into a temporary folder on
the disk and one in /dev/shm (memory): on a shared machine, writing the ~100 MB of weights to
disk is throttled by other jobs' writes, so the two columns separate ttc's own work from the
disk's. Needs numpy and onnx only to write that model (Benchmarks/onnx-import.sh uses the
conformance venv).
"""
import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def machine():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{model}, {os.cpu_count()} cores"


def time_import(ttc, path, output):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([ttc, "import", path, "-o", output], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ttc", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files
    if not files:
        os.makedirs("out/onnx-import", exist_ok=True)
        files = ["out/onnx-import/large.onnx"]
        if not os.path.exists(files[0]):
            subprocess.run([sys.executable, "Benchmarks/make_large_onnx.py", files[0]], check=True)
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f} at start")
    print("| file | size | output to | median wall | min-max wall | median CPU (user+sys) |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    targets = [("disk", tempfile.gettempdir())]
    if os.path.isdir("/dev/shm"):
        targets.append(("memory", "/dev/shm"))
    for path in files:
        for label, parent in targets:
            with tempfile.TemporaryDirectory(dir=parent) as folder:
                output = os.path.join(folder, "model.json")
                time_import(args.ttc, path, output)  # warm the page cache
                runs = []
                for _ in range(args.runs):
                    for leftover in os.listdir(folder):  # a fresh import, not a replacement
                        os.remove(os.path.join(folder, leftover))
                    runs.append(time_import(args.ttc, path, output))
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            print(f"| {os.path.basename(path)} | {os.path.getsize(path) / 1e6:.0f} MB | {label} | "
                  f"{statistics.median(walls):.2f} s | {min(walls):.2f}-{max(walls):.2f} s | "
                  f"{statistics.median(cpus):.2f} s |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end; {args.runs} runs each after one warm-up")


if __name__ == "__main__":
    main()
