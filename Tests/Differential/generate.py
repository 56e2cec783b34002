#!/usr/bin/env python3
"""Generates Tests/Differential/cases.bin: seeded random cases for every tensor operation the Seek
builtins offer, with PyTorch float64 outputs and gradients as the reference.

Run with the reference environment (see ../../../shared/reference/setup.sh):

    ~/.cache/microseek-reference/bin/python Tests/Differential/generate.py

Each case is a Seek expression over globals x0, x1, … (float32 tensors, passed exactly), the
float64 PyTorch result of the same expression on the same values, and — when an input tracks
gradients — the float64 gradient of sum(result * w) for a random float32 w (a random linear
functional), so every element of every gradient is checked. A case whose PyTorch call raises is
recorded as "must raise". The replay test is Tests/BuiltinsTests/DifferentialTests.swift.

The tolerance the test uses is 1e-4·|ref| + 1e-6·max|ref| per element (a few float32 ulp for the
forward values of the softmax family). Where float32 PyTorch itself misses that bound on a case
(an ill-conditioned sum, say), the case records 2 × PyTorch float32's error ratio as its factor:
microseek must then be no worse than twice float32 PyTorch on it.

File format (little-endian): b"MSDIFF01", u32 op count; per op: str name, u8 check (0 standard,
1 ulp), u32 case count; per case: str expression, u8 input count, inputs (u8 flags bit0 = tracks
gradients, shape, f32 values), u8 status (0 value, 1 must raise); for a value: shape, f64 values,
f32 factor (for the softmax family: allowed ulps), u8 has-gradient; with a gradient: f32 w values, then per input that tracks gradients
f64 gradient values and f32 factor. shape = u8 rank + u32 dims; str = u16 length + UTF-8.
"""
import math
import os
import struct
import sys

import numpy as np
import torch

from operations import OPERATIONS, Skip

torch.set_num_threads(1)
CASES_PER_OP = 110
# Cases where float32 PyTorch misses the tolerance by more than this are too ill-conditioned to
# say anything about float32 code (or float32 cannot represent the answer): drawn again.
MAX_RATIO = 1000.0
ULP_OPS = {"softmax", "log_softmax", "logsumexp", "cross_entropy", "kl_div"}


# MARK: - Reference evaluation

def evaluate(fn, inputs, dtype):
    tensors = []
    for arr, tracks, is_index in inputs:
        t = torch.tensor(arr.astype(np.float64), dtype=torch.float64 if dtype == "64" else torch.float32)
        if is_index:
            t = torch.tensor(arr.astype(np.int64))
        elif tracks:
            t.requires_grad_(True)
        tensors.append(t)
    out = fn(*tensors)
    return tensors, out


def error_ratio(got, ref):
    """max over elements of |got − ref| / (1e-4|ref| + 1e-6 max|ref|), NaN/Inf must match."""
    got, ref = np.asarray(got, np.float64).reshape(-1), np.asarray(ref, np.float64).reshape(-1)
    if ref.size == 0:
        return 0.0
    finite = np.isfinite(ref)
    if np.any(np.isnan(ref) != np.isnan(got)):
        return math.inf
    inf = np.isinf(ref)
    if np.any(got[inf] != ref[inf]) or np.any(np.isinf(got[finite])):
        return math.inf
    scale = np.max(np.abs(ref[finite])) if np.any(finite) else 0.0
    tol = 1e-4 * np.abs(ref[finite]) + 1e-6 * scale
    diff = np.abs(got[finite] - ref[finite])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(diff == 0, 0.0, diff / np.where(tol == 0, 1e-300, tol))
    return float(np.max(ratio)) if ratio.size else 0.0


def ulp_ratio(got, ref):
    """max over elements of |got − ref| in float32 ulps of ref (NaN/Inf must match)."""
    got, ref = np.asarray(got, np.float64).reshape(-1), np.asarray(ref, np.float64).reshape(-1)
    if ref.size == 0:
        return 0.0
    if np.any(np.isnan(ref) != np.isnan(got)):
        return math.inf
    finite = np.isfinite(ref)
    if np.any(got[~finite & ~np.isnan(ref)] != ref[~finite & ~np.isnan(ref)]):
        return math.inf
    ulp = np.spacing(np.abs(ref[finite]).astype(np.float32)).astype(np.float64)
    diff = np.abs(got[finite] - ref[finite])
    return float(np.max(diff / ulp)) if diff.size else 0.0


def run_case(fn, inputs, rng, ulps=False):
    try:
        tensors64, out64 = evaluate(fn, inputs, "64")
    except (RuntimeError, IndexError, ValueError) as error:
        return {"raises": True}
    out64_np = out64.detach().double().numpy()
    # Results past float32's range are ±inf in float32 arithmetic.
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.where(np.abs(out64_np) > np.finfo(np.float32).max, np.sign(out64_np) * np.inf, out64_np)
    tracked = [i for i, (_, tracks, is_index) in enumerate(inputs) if tracks and not is_index]
    result = {"raises": False, "out": expected}
    tensors32, out32 = evaluate(fn, inputs, "32")
    out_ratio = error_ratio(out32.detach().double().numpy(), expected)
    if not out_ratio < MAX_RATIO:
        raise Skip   # float32 itself cannot represent this case's answer: not a fair case
    result["out_factor"] = max(1.0, 2 * out_ratio)
    if ulps:   # the softmax family: a few float32 ulp of each element, or 2 × float32 PyTorch's
        result["out_factor"] = max(4.0, 2 * ulp_ratio(out32.detach().double().numpy(), expected))
    if tracked and out64.requires_grad:
        w = rng.standard_normal(out64.shape).astype(np.float32)
        (out64 * torch.tensor(w, dtype=torch.float64)).sum().backward()
        (out32 * torch.tensor(w)).sum().backward()
        grads, factors = [], []
        for i in tracked:
            g64 = tensors64[i].grad
            g64 = np.zeros(inputs[i][0].shape) if g64 is None else g64.numpy()
            g32 = tensors32[i].grad
            g32 = np.zeros(inputs[i][0].shape) if g32 is None else g32.double().numpy()
            ratio = error_ratio(g32, g64)
            if not ratio < MAX_RATIO:
                raise Skip
            grads.append(g64)
            factors.append(max(1.0, 2 * ratio))
        result.update(w=w, grads=grads, grad_factors=factors)
    return result


# MARK: - Writing

def pack_str(s):
    data = s.encode()
    return struct.pack("<H", len(data)) + data


def pack_shape(shape):
    return struct.pack("<B", len(shape)) + b"".join(struct.pack("<I", d) for d in shape)


def pack_case(expr, inputs, result):
    out = [pack_str(expr), struct.pack("<B", len(inputs))]
    for arr, tracks, is_index in inputs:
        out.append(struct.pack("<B", 1 if tracks and not is_index else 0))
        out.append(pack_shape(arr.shape))
        out.append(np.asarray(arr, "<f4").tobytes())
    if result["raises"]:
        out.append(struct.pack("<B", 1))
        return b"".join(out)
    out.append(struct.pack("<B", 0))
    ref = np.asarray(result["out"], "<f8")
    out.append(pack_shape(ref.shape))
    out.append(ref.tobytes())
    out.append(struct.pack("<f", result["out_factor"]))
    has_grad = "w" in result
    out.append(struct.pack("<B", 1 if has_grad else 0))
    if has_grad:
        out.append(np.asarray(result["w"], "<f4").tobytes())
        for g, f in zip(result["grads"], result["grad_factors"]):
            out.append(np.asarray(g, "<f8").tobytes())
            out.append(struct.pack("<f", f))
    return b"".join(out)


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.bin")
    chunks = [b"MSDIFF01", struct.pack("<I", len(OPERATIONS))]
    summary = []
    for op_index, (name, make) in enumerate(OPERATIONS.items()):
        rng = np.random.default_rng(1000 + op_index)
        cases, attempts, raising, factored = [], 0, 0, 0
        while len(cases) < CASES_PER_OP:
            attempts += 1
            if attempts > CASES_PER_OP * 20:
                sys.exit(f"{name}: could not draw {CASES_PER_OP} cases")
            try:
                expr, inputs, fn = make(rng)
                result = run_case(fn, inputs, rng, ulps=name in ULP_OPS)
            except Skip:
                continue
            raising += result["raises"]
            factored += (not result["raises"]) and (result["out_factor"] > 1 or any(f > 1 for f in result.get("grad_factors", [])))
            cases.append(pack_case(expr, inputs, result))
        chunks.append(pack_str(name) + struct.pack("<BI", 1 if name in ULP_OPS else 0, len(cases)))
        chunks.extend(cases)
        summary.append(f"{name}: {len(cases)} cases ({raising} must raise, {factored} at float32 PyTorch's bar)")
    with open(path, "wb") as handle:
        handle.write(b"".join(chunks))
    print("\n".join(summary))
    print(f"wrote {path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
