"""Loads a Fovea-written model.safetensors into the equivalent PyTorch model and checks its output.

    /usr/bin/python3 load_fovea.py WEIGHTS IO

WEIGHTS is a model.safetensors that Fovea wrote for Sequential.of(Conv2d.of(1, 4, 3).padding(1),
BatchNorm2d.of(4), ReLU.of(), MaxPool2d.of(2), Flatten.of(), Linear.of(64, 10)); IO holds "input" and
Fovea's eval-mode "output". Exits 0 when PyTorch's output matches within float32 tolerance.
Run by PyTorchInteropTest when python3 with torch is installed.
"""
import sys

import torch

from make_torch_cnn import torch_cnn
from safetensors_io import load_file


def main(weights, io):
    state = load_file(weights)  # with the safetensors package: safetensors.torch.load_file(weights)
    # Fovea keeps num_batches_tracked as INT32 (I32); PyTorch's buffer is int64: load_state_dict converts
    model = torch_cnn()
    model.load_state_dict(state, strict=True)
    model.eval()
    data = load_file(io)
    with torch.no_grad():
        y = model(data["input"])
    if not torch.allclose(y, data["output"], rtol=1e-5, atol=1e-5):
        print("mismatch: max abs difference", (y - data["output"]).abs().max().item())
        return 1
    print("PyTorch output matches Fovea's; max abs difference", (y - data["output"]).abs().max().item())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
