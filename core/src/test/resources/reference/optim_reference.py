#!/usr/bin/env python3
"""Reference trajectories for Fovea's optimizers, schedulers and gradient clipping, from PyTorch.

Writes optim_reference.json beside this script; OptimReferenceTest compares the Java implementation
with it. Java tests never run Python: regenerate the fixture by hand after changing this script:

    /usr/bin/python3 core/src/test/resources/reference/optim_reference.py

Everything is float64 so that the comparison can be tight (1e-12) without depending on the order
in which float32 rounding happens.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)

P0 = [[0.5, -1.0, 2.0], [0.25, 0.0, -0.75]]
B0 = [0.1, -0.2, 0.3]
# Gradients per step; None means the parameter gets no gradient on that step.
GRADS_P = [
    [[1.0, -2.0, 0.5], [0.0, 3.0, -1.5]],
    [[-0.5, 1.0, 2.0], [1.0, -1.0, 0.25]],
    [[2.0, 0.5, -1.0], [-2.0, 0.5, 1.0]],
    [[0.1, -0.1, 0.2], [0.3, -0.3, 0.4]],
    [[-1.0, -1.0, 1.0], [1.0, 1.0, -1.0]],
]
GRADS_B = [[0.5, -0.5, 1.0], None, [-1.0, 2.0, 0.0], [0.25, 0.25, -0.25], [3.0, -1.0, 0.5]]

OPTIMIZERS = {
    "sgd_plain": ("Sgd", dict(lr=0.1)),
    "sgd_momentum": ("Sgd", dict(lr=0.1, momentum=0.9)),
    "sgd_dampening_wd": ("Sgd", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    "sgd_nesterov_wd": ("Sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    "adam": ("Adam", dict(lr=0.01)),
    "adam_wd_amsgrad": ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    "adamw": ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.02, betas=(0.5, 0.9), eps=1e-4, weight_decay=0.3, amsgrad=True)),
    "rmsprop": ("RmsProp", dict(lr=0.01)),
    "rmsprop_centered_momentum_wd": ("RmsProp", dict(lr=0.01, alpha=0.9, eps=1e-6, momentum=0.5, centered=True,
                                                     weight_decay=0.1)),
}


def run_optimizer(kind, kwargs):
    p = torch.tensor(P0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    cls = {"Sgd": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
           "RmsProp": torch.optim.RMSprop}[kind]
    extra = {} if kind == "Sgd" else {"foreach": False}
    opt = cls([p, b], **kwargs, **extra)
    trajectory = []
    for gp, gb in zip(GRADS_P, GRADS_B):
        opt.zero_grad(set_to_none=True)
        p.grad = torch.tensor(gp)
        b.grad = None if gb is None else torch.tensor(gb)
        opt.step()
        trajectory.append({"p": p.detach().flatten().tolist(), "b": b.detach().tolist()})
    settings = dict(kwargs)
    if "betas" in settings:
        settings["beta1"], settings["beta2"] = settings.pop("betas")
    return {"type": kind, "settings": settings, "trajectory": trajectory}


def schedule(make, steps):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def warmup_then_cosine(opt):
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=4)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6, eta_min=0.001)
    return torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[4])


def clip(grads, max_norm):
    params = [torch.zeros(len(g), requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return {"grads": grads, "max_norm": max_norm, "norm": norm.item(),
            "clipped": [p.grad.tolist() for p in params]}


def main():
    out = {
        "torch_version": torch.__version__,
        "p0": [x for row in P0 for x in row],
        "p_shape": [2, 3],
        "b0": B0,
        "grads_p": [[x for row in g for x in row] for g in GRADS_P],
        "grads_b": GRADS_B,
        "optimizers": {name: run_optimizer(kind, kwargs) for name, (kind, kwargs) in OPTIMIZERS.items()},
        "schedulers": {
            "step_lr_2_0.1": schedule(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.1), 8),
            "cosine_10_0.001": schedule(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10,
                                                                                           eta_min=0.001), 12),
            "warmup_4_0.1_cosine_6_0.001": schedule(warmup_then_cosine, 12),
        },
        "clip": [clip([[1.0, 2.0], [2.0, -4.0, 0.5]], 1.5), clip([[0.1, 0.2], [0.05]], 1.0)],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
