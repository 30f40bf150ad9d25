"""PyTorch reference for `fovea bench --reference`: the same shapes, thread count and method
(warm-up, then the median of timed runs) as the Java side, printed as one JSON line.

Run by the bench command with /usr/bin/python3; also usable by hand:
    python3 torch_reference.py --threads 2 [--quick]
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONVS = [(64, 1, 28, 28, 32, 5, 2), (64, 32, 14, 14, 64, 5, 2), (32, 64, 56, 56, 64, 3, 1),
         (32, 128, 28, 28, 128, 3, 1)]


def median_seconds(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def sgemm(n, warm, reps):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    s = median_seconds(lambda: torch.mm(a, b), warm, reps if n < 2048 else max(3, reps // 2))
    return {"n": n, "gflops": 2.0 * n ** 3 / s / 1e9}


def conv(shape, warm, reps):
    (n, cin, h, w, cout, k, pad) = shape
    x = torch.randn(n, cin, h, w)
    wt = torch.randn(cout, cin, k, k)
    bias = torch.randn(cout)
    with torch.no_grad():
        fwd = median_seconds(lambda: F.conv2d(x, wt, bias, padding=pad), warm, reps)
    xg = x.clone().requires_grad_(True)
    wg = wt.clone().requires_grad_(True)
    bg = bias.clone().requires_grad_(True)
    grad = torch.randn(n, cout, h, w)

    def step():
        xg.grad = None
        wg.grad = None
        bg.grad = None
        F.conv2d(xg, wg, bg, padding=pad).backward(grad)

    fb = median_seconds(step, warm, max(3, reps * 2 // 3))
    flop = 2.0 * n * cout * cin * k * k * h * w
    return {"n": n, "cin": cin, "h": h, "w": w, "cout": cout, "k": k, "pad": pad,
            "forwardMs": fwd * 1e3, "forwardBackwardMs": fb * 1e3, "forwardGflops": flop / fwd / 1e9}


def lenet(quick):
    model = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    batch = 64
    images = torch.randn(batch, 1, 28, 28)
    labels = torch.randint(0, 10, (batch,))

    def train_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        opt.step()
        return loss.item()

    warm_steps, windows, steps = (3, 3, 3) if quick else (20, 5, 20)
    for _ in range(warm_steps):
        train_step()
    rates = []
    for _ in range(windows):
        t0 = time.perf_counter()
        for _ in range(steps):
            train_step()
        rates.append(batch * steps / (time.perf_counter() - t0))
    return {"batchSize": batch, "trainSamplesPerSecond": statistics.median(rates)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    warm, reps = (1, 3) if args.quick else (3, 10)
    header = {"device": "PyTorch " + torch.__version__ + " CPU", "threads": torch.get_num_threads()}
    if args.serve:
        print(json.dumps(header), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] == "quit":
                break
            if words[0] == "sgemm":
                answer = sgemm(int(words[1]), warm, reps)
            elif words[0] == "conv":
                answer = conv(tuple(int(v) for v in words[1:8]), warm, reps)
            elif words[0] == "lenet":
                answer = lenet(args.quick)
            else:
                answer = {"error": "unknown request " + line.strip()}
            print(json.dumps(answer), flush=True)
        return 0
    result = dict(header)
    result["sgemm"] = [sgemm(n, warm, reps) for n in (1024, 2048)]
    result["conv2d"] = [conv(shape, warm, reps) for shape in CONVS]
    result["lenet"] = lenet(args.quick)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
