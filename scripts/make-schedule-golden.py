"""Learning-rate traces from PyTorch's schedulers, for spec/training/schedules-golden.spec.ts.

Writes spec/fixtures/golden-schedules/schedules.json: for each case, the schedulers' settings, the
validation losses fed to ReduceLROnPlateau, and the learning rate the optimizer used at every update.
Run with Debian's python3-torch:  /usr/bin/python3 scripts/make-schedule-golden.py
(up to totalSteps only: past it, PyTorch's chained cosine rises again, while the closed form here holds minLr)
"""
import json
import os

import torch

BASE_LR = 0.1


def trace(steps, make, eval_every=None, losses=()):
    """The lr of every update; `make(opt)` gives (per-update schedulers, plateau scheduler or None)."""
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=BASE_LR)
    per_update, plateau = make(opt)
    lrs, k = [], 0
    for t in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        for s in per_update:
            s.step()
        if plateau is not None and (t + 1) % eval_every == 0:
            plateau.step(losses[k])
            k += 1
    return lrs


PLATEAU_LOSSES = [1.0, 0.9, 0.95, 0.9, 0.8999, 0.95, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.83]
PLATEAU = {"factor": 0.5, "patience": 2, "threshold": 1e-4, "cooldown": 1, "minLr": 0.02}


def plateau_of(opt):
    return torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="min", factor=PLATEAU["factor"], patience=PLATEAU["patience"], threshold=PLATEAU["threshold"],
        threshold_mode="rel", cooldown=PLATEAU["cooldown"], min_lr=PLATEAU["minLr"])


cases = [
    {
        "name": "warmup_constant", "baseLr": BASE_LR, "steps": 10,
        "schedule": {"type": "constant", "warmup": {"steps": 5, "startFactor": 0.25}},
        "torch": "LinearLR(start_factor=0.25, end_factor=1, total_iters=5)",
        "lrs": trace(10, lambda o: ([torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=5)], None)),
    },
    {
        "name": "warmup_cosine", "baseLr": BASE_LR, "steps": 13,
        "schedule": {"type": "cosine", "totalSteps": 12, "minLr": 0, "warmup": {"steps": 4, "startFactor": 0.5}},
        "torch": "ChainedScheduler([LinearLR(start_factor=0.5, total_iters=4), CosineAnnealingLR(T_max=12, eta_min=0)])",
        "lrs": trace(13, lambda o: ([torch.optim.lr_scheduler.ChainedScheduler([
            torch.optim.lr_scheduler.LinearLR(o, start_factor=0.5, end_factor=1.0, total_iters=4),
            torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=12, eta_min=0)])], None)),
    },
    {
        "name": "plateau", "baseLr": BASE_LR, "steps": 40, "evalEvery": 2, "losses": PLATEAU_LOSSES,
        "schedule": {"type": "constant", "plateau": PLATEAU},
        "torch": "ReduceLROnPlateau(mode='min', factor=0.5, patience=2, threshold=1e-4, threshold_mode='rel', cooldown=1, min_lr=0.02), stepped after every 2 updates",
        "lrs": trace(40, lambda o: ([], plateau_of(o)), 2, PLATEAU_LOSSES),
    },
    {
        "name": "warmup_plateau", "baseLr": BASE_LR, "steps": 40, "evalEvery": 2, "losses": PLATEAU_LOSSES,
        "schedule": {"type": "constant", "warmup": {"steps": 6, "startFactor": 0.2}, "plateau": PLATEAU},
        "torch": "LinearLR(start_factor=0.2, total_iters=6) every update, and ReduceLROnPlateau (as above) after every 2",
        "lrs": trace(40, lambda o: ([torch.optim.lr_scheduler.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=6)], plateau_of(o)), 2, PLATEAU_LOSSES),
    },
]

out = {"format": "schedule-golden", "format_version": 1, "source": {"library": "torch", "version": torch.__version__}, "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "spec", "fixtures", "golden-schedules", "schedules.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
