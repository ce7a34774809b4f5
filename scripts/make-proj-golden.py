"""Golden cases for LSTM projections (torch.nn.LSTM(proj_size=P)), in the rnn-golden format.

Writes spec/fixtures/golden-proj/*.json: the format of spec/fixtures/golden/FORMAT.md with
config.proj_size = P > 0 and a tensor weight_hr_{sfx} [P, H] after each direction's biases (see
spec/fixtures/golden-proj/README.md). Probe loss, float64, every value drawn from torch.manual_seed.
Run with Debian's python3-torch:  /usr/bin/python3 scripts/make-proj-golden.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "spec", "fixtures", "golden-proj")


def nested(t):
    return t.detach().double().tolist()


def make_case(name, description, seed, I, H, P, L, bidirectional, T, B, with_state, lengths=None, bias=True):
    torch.manual_seed(seed)
    D = 2 if bidirectional else 1
    lstm = torch.nn.LSTM(I, H, num_layers=L, bidirectional=bidirectional, proj_size=P, bias=bias).double()
    x = torch.randn(T, B, I, dtype=torch.float64, requires_grad=True)
    # Without a given state PyTorch starts from zeros; the zeros are passed explicitly so that their
    # gradients exist (grads.h0 and grads.c0 are always present, as in ../golden/FORMAT.md section 8).
    h0 = (torch.randn if with_state else torch.zeros)(L * D, B, P, dtype=torch.float64).requires_grad_()
    c0 = (torch.randn if with_state else torch.zeros)(L * D, B, H, dtype=torch.float64).requires_grad_()
    state = (h0, c0)
    if lengths is None:
        out, (h_n, c_n) = lstm(x, state)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        out_p, (h_n, c_n) = lstm(packed, state)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out_p, total_length=T)
    G = torch.randn(T, B, D * P, dtype=torch.float64)
    Gh = torch.randn(L * D, B, P, dtype=torch.float64)
    Gc = torch.randn(L * D, B, H, dtype=torch.float64)
    loss = (out * G).sum() + (h_n * Gh).sum() + (c_n * Gc).sum()
    loss.backward()
    names = [n for n, _ in lstm.named_parameters()]
    params = dict(lstm.named_parameters())
    case = {
        "format": "rnn-golden", "format_version": 1, "name": name, "description": description,
        "source": {"library": "torch", "version": torch.__version__, "dtype": "float64", "seed": seed},
        "config": {
            "kind": "lstm", "input_size": I, "hidden_size": H, "num_layers": L, "bidirectional": bidirectional,
            "num_directions": D, "bias": bias, "batch_first": False, "dropout": 0.0, "proj_size": P,
            "seq_len": T, "batch": B, "gate_count": 4, "gate_order": ["i", "f", "g", "o"],
        },
        "param_order": names,
        "params": {n: nested(params[n]) for n in names},
        "inputs": {"x": nested(x), "h0": nested(h0) if with_state else None, "c0": nested(c0) if with_state else None},
        "outputs": {"output": nested(out), "h_n": nested(h_n), "c_n": nested(c_n)},
        "loss": {"type": "probe", "mask": "all", "G": nested(G), "Gh": nested(Gh), "Gc": nested(Gc), "value": loss.item()},
        "grads": {
            "params": {n: nested(params[n].grad) for n in names}, "x": nested(x.grad),
            "h0": nested(h0.grad), "c0": nested(c0.grad),
        },
    }
    if lengths is not None:
        case["config"]["packed"] = True
        case["inputs"]["lengths"] = lengths
    shapes = {}
    for n in names:
        shapes["params." + n] = list(params[n].shape)
        shapes["grads.params." + n] = list(params[n].shape)
    shapes.update({"inputs.x": [T, B, I], "outputs.output": [T, B, D * P], "outputs.h_n": [L * D, B, P], "outputs.c_n": [L * D, B, H],
                   "loss.G": [T, B, D * P], "loss.Gh": [L * D, B, P], "loss.Gc": [L * D, B, H], "grads.x": [T, B, I]})
    shapes.update({"grads.h0": [L * D, B, P], "grads.c0": [L * D, B, H]})
    if with_state:
        shapes.update({"inputs.h0": [L * D, B, P], "inputs.c0": [L * D, B, H]})
    case["shapes"] = shapes
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(case, f)
        f.write("\n")
    return {"file": name + ".json", "description": description, "proj_size": P, "hidden_size": H, "num_layers": L, "bidirectional": bidirectional, "packed": lengths is not None}


index = [
    make_case("j01_lstm_proj_l1", "LSTM, H=5 projected to P=3, one layer, zero initial state", 301, 4, 5, 3, 1, False, 6, 2, False),
    make_case("j02_lstm_proj_l1_h0c0", "LSTM, P=2 < H=4, nonzero h0 [1,B,P] and c0 [1,B,H]", 302, 3, 4, 2, 1, False, 5, 3, True),
    make_case("j03_lstm_proj_l2_bidir", "two bidirectional layers with projection: layer 1 reads 2P features", 303, 3, 4, 2, 2, True, 4, 2, True),
    make_case("j04_lstm_proj_packed", "projection with a variable-length batch (packed sequences)", 304, 3, 5, 3, 2, False, 5, 3, True, lengths=[5, 2, 4]),
    make_case("j05_lstm_proj_nobias_bidir_packed", "no biases, bidirectional, variable lengths", 305, 2, 4, 3, 1, True, 4, 3, False, lengths=[3, 4, 1], bias=False),
]
with open(os.path.join(OUT, "index.json"), "w") as f:
    json.dump({"format": "rnn-golden", "cases": index}, f, indent=1)
    f.write("\n")
print(f"wrote {len(index)} cases to {os.path.normpath(OUT)}")
