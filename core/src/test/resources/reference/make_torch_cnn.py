"""Makes the PyTorch interop fixtures of dev.fovea.core.io.PyTorchInteropTest.

    /usr/bin/python3 make_torch_cnn.py      # Debian's python3-torch serves (tested with torch 1.13)

Writes, beside this script:
  torch_cnn.safetensors     the state_dict of TorchCnn below (seeded, BatchNorm statistics moved by a few
                            training-mode passes; num_batches_tracked stays int64, i.e. I64)
  torch_cnn_io.safetensors  "input" [5, 1, 8, 8] and "output" [5, 10]: the model's eval-mode output

The Fovea equivalent is Sequential.of(Conv2d.of(1, 4, 3).padding(1), BatchNorm2d.of(4), ReLU.of(),
MaxPool2d.of(2), Flatten.of(), Linear.of(64, 10)); nn.Sequential names its children "0", "1", ... as
Fovea's Sequential does, so the state_dict keys are the Fovea names.
"""
import os

import torch
from torch import nn

from safetensors_io import save_file


def torch_cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64, 10))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(1234)
    model = torch_cnn()
    model.train()
    with torch.no_grad():
        for _ in range(3):  # move the running statistics away from 0 and 1
            model(torch.randn(16, 1, 8, 8) * 2 + 0.5)
        model[1].weight.uniform_(0.5, 1.5)
        model[1].bias.uniform_(-0.5, 0.5)
    model.eval()
    x = torch.randn(5, 1, 8, 8)
    with torch.no_grad():
        y = model(x)
    save_file(model.state_dict(), os.path.join(here, "torch_cnn.safetensors"), {"format": "pt"})
    save_file({"input": x, "output": y}, os.path.join(here, "torch_cnn_io.safetensors"))
    print("torch", torch.__version__, "wrote", sorted(model.state_dict().keys()))


if __name__ == "__main__":
    main()
