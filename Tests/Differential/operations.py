"""The operations of the differential suite: for each, a function drawing one seeded random case
(a Seek expression over x0, x1, …, the inputs, and the PyTorch function computing the same thing).
Used by generate.py; see there for the file format and the tolerance."""
import numpy as np
import torch
import torch.nn.functional as F


class Skip(Exception):
    """A drawn case that is not meaningful (regenerate)."""


# MARK: - Random inputs

def dims(rng, rank, allow_empty=True):
    out = []
    for _ in range(rank):
        r = rng.random()
        if allow_empty and r < 0.04:
            out.append(0)
        elif r < 0.25:
            out.append(1)
        else:
            out.append(int(rng.integers(2, 5)))
    return out


def values(rng, shape, kind=None, positive=False, specials=True):
    """float32 values: normal at a random scale, ties (small integers), huge/tiny, NaN/Inf."""
    n = int(np.prod(shape)) if shape else 1
    kind = kind or rng.choice(["normal", "normal", "normal", "ties", "scale", "specials"],
                              p=[0.3, 0.2, 0.1, 0.2, 0.12, 0.08])
    if kind == "ties":
        v = rng.integers(-2, 3, size=n).astype(np.float64)
    elif kind == "scale":
        v = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6)
    else:
        v = rng.standard_normal(n) * 10.0 ** rng.uniform(-1, 1)
    if kind == "specials" and specials and n > 0:
        for _ in range(int(rng.integers(1, 3))):
            v[rng.integers(0, n)] = rng.choice([np.nan, np.inf, -np.inf])
    if positive:
        v = np.abs(v) + (0.05 if kind != "scale" else 0.0)
    return v.astype(np.float32).reshape(shape)


def number(x):
    """A float32-exact Seek number literal."""
    x = float(np.float32(x))
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return repr(x)


def broadcast_pair(rng):
    rank = int(rng.integers(0, 4))
    a = dims(rng, rank)
    b = list(a)
    for i in range(rank):
        if rng.random() < 0.3:
            b[i] = 1
        elif rng.random() < 0.15:
            a[i] = 1
    if rng.random() < 0.3 and b:
        b = b[int(rng.integers(0, len(b) + 1)):]
    if rng.random() < 0.5:
        a, b = b, a
    return a, b


# MARK: - Operations: each returns (expression, [(array, tracks, is_index)], torch function)

def T(arr, requires_grad=True, index=False):
    return (arr, requires_grad, index)


def unary(torch_fn, expr, positive=False, grad=True):
    def make(rng):
        shape = dims(rng, int(rng.integers(0, 4)))
        x = values(rng, shape, positive=positive and rng.random() < 0.85)
        return expr, [T(x, grad)], lambda a: torch_fn(a)
    return make


def binary(torch_fn, expr):
    def make(rng):
        sa, sb = broadcast_pair(rng)
        return expr, [T(values(rng, sa)), T(values(rng, sb))], torch_fn
    return make


def scalar_op(kind):
    def make(rng):
        shape = dims(rng, int(rng.integers(0, 4)))
        x = values(rng, shape)
        s = float(np.float32(rng.choice([0.0, 1.0, -2.0, 0.5, rng.standard_normal() * 10 ** rng.uniform(-3, 3)],
                                        p=[0.1, 0.1, 0.1, 0.1, 0.6])))
        if kind == "add":
            return f"x0 + {number(s)}", [T(x)], lambda a: a + s
        if kind == "rsub":
            return f"{number(s)} - x0", [T(x)], lambda a: s - a
        if kind == "mul":
            return f"x0 * {number(s)}", [T(x)], lambda a: a * s
        if kind == "div":
            return f"x0 / {number(s)}", [T(x)], lambda a: a / s
        if kind == "rdiv":
            return f"{number(s)} / x0", [T(x)], lambda a: s / a
        if kind == "rpow":
            base = abs(s) + 0.1
            x = np.clip(x, -20, 20).astype(np.float32)
            return f"{number(base)} ** x0", [T(x)], lambda a: float(np.float32(base)) ** a
        raise ValueError(kind)
    return make


def power(rng, spelling):
    shape = dims(rng, int(rng.integers(0, 4)))
    p = float(rng.choice([0, 1, 2, 3, 0.5, -1, -0.5, 1.5, -2, 2.5]))
    x = values(rng, shape, positive=rng.random() < 0.7)
    if rng.random() < 0.2 and x.size:
        x.reshape(-1)[0] = 0.0
    expr = f"x0 ** {number(p)}" if spelling == "**" else (f"pow(x0, {number(p)})" if rng.random() < 0.5 else f"x0.pow({number(p)})")
    return expr, [T(x)], lambda a: torch.pow(a, p)


def clamp(rng):
    shape = dims(rng, int(rng.integers(0, 4)))
    x = values(rng, shape, kind=rng.choice(["ties", "normal"]))
    lo = float(rng.choice([-1, 0, -0.5]))
    hi = float(rng.choice([1, 2, 0.5]))
    which = rng.integers(0, 3)
    if which == 0:
        return f"clamp(x0, min={number(lo)}, max={number(hi)})", [T(x)], lambda a: torch.clamp(a, lo, hi)
    if which == 1:
        return f"x0.clamp(min={number(lo)})", [T(x)], lambda a: torch.clamp(a, min=lo)
    return f"clamp(x0, max={number(hi)})", [T(x)], lambda a: torch.clamp(a, max=hi)


def axis_args(rng, rank, allow_none=True):
    if rank == 0 or (allow_none and rng.random() < 0.3):
        return None
    return int(rng.integers(-rank, rank))


def reduction(name, torch_fn, method_ok=True, grad=True):
    def make(rng):
        rank = int(rng.integers(0, 4))
        shape = dims(rng, rank)
        axis = axis_args(rng, rank)
        keep = bool(rng.random() < 0.4)
        x = values(rng, shape)
        args = ([] if axis is None else [f"axis={axis}"]) + (["keepdims=true"] if keep else [])
        if method_ok and rng.random() < 0.5:
            expr = f"x0.{name}({', '.join(args)})"
        else:
            expr = f"{name}({', '.join(['x0'] + args)})"
        return expr, [T(x, grad)], lambda a: torch_fn(a, axis, keep)
    return make


def t_max(a, axis, keep):
    if axis is None:
        r = torch.max(a) if a.numel() else torch.max(a)
        return r.reshape([1] * a.dim()) if keep else r
    return torch.max(a, dim=axis, keepdim=keep).values


def t_min(a, axis, keep):
    if axis is None:
        r = torch.min(a)
        return r.reshape([1] * a.dim()) if keep else r
    return torch.min(a, dim=axis, keepdim=keep).values


def t_sum(a, axis, keep):
    return torch.sum(a, dim=axis, keepdim=keep) if axis is not None else (
        torch.sum(a).reshape([1] * a.dim()) if keep else torch.sum(a))


def t_mean(a, axis, keep):
    return torch.mean(a, dim=axis, keepdim=keep) if axis is not None else (
        torch.mean(a).reshape([1] * a.dim()) if keep else torch.mean(a))


def t_lse(a, axis, keep):
    if axis is None:
        r = torch.logsumexp(a.reshape(-1), 0)
        return r.reshape([1] * a.dim()) if keep else r
    return torch.logsumexp(a, dim=axis, keepdim=keep)


def t_argmax(a, axis, keep):
    if axis is None:
        r = torch.argmax(a)
        return r.reshape([1] * a.dim()) if keep else r
    return torch.argmax(a, dim=axis, keepdim=keep)


def softmaxlike(name):
    def make(rng):
        rank = int(rng.integers(0, 4))
        shape = dims(rng, rank)
        x = values(rng, shape)
        if rng.random() < 0.3:
            x = (x * np.float32(10 ** rng.uniform(0, 4))).astype(np.float32)
        axis = -1 if rank == 0 else int(rng.integers(-rank, rank))
        fn = (lambda a: torch.softmax(a, axis)) if name == "softmax" else (lambda a: torch.log_softmax(a, axis))
        r = rng.random()
        if r < 0.3:
            expr = f"{name}(x0)" if axis == -1 else f"{name}(x0, axis={axis})"
        elif r < 0.6:
            expr = f"x0.{name}(axis={axis})"
        else:
            expr = f"{name}(x0, {axis})"
        return expr, [T(x)], fn
    return make


def cross_entropy(rng):
    n = int(rng.choice([0, 1, 2, 3, 5])) if rng.random() < 0.1 else int(rng.integers(1, 6))
    c = int(rng.integers(1, 6))
    logits = values(rng, [n, c])
    if rng.random() < 0.3:
        logits = (logits * np.float32(10 ** rng.uniform(0, 4))).astype(np.float32)
    targets = rng.integers(0, c, size=n).astype(np.float32)
    return "cross_entropy(x0, x1)", [T(logits), T(targets, False, True)], \
        lambda a, t: F.cross_entropy(a, t.long())


def kl_div(rng):
    n = int(rng.integers(1, 5))
    c = int(rng.integers(1, 6))
    p, q = values(rng, [n, c]), values(rng, [n, c])
    if rng.random() < 0.3:
        s = np.float32(10 ** rng.uniform(0, 2))
        p, q = (p * s).astype(np.float32), (q * s).astype(np.float32)
    temp = float(rng.choice([1, 0.5, 2, 4]))
    def fn(a, b):
        return F.kl_div(torch.log_softmax(b / temp, -1), torch.log_softmax(a / temp, -1),
                        log_target=True, reduction="batchmean")
    return f"kl_div(x0, x1, T={number(temp)})", [T(p), T(q)], fn


def layer_norm(rng):
    shape = dims(rng, int(rng.integers(1, 4)), allow_empty=False)
    d = shape[-1]
    x = values(rng, shape, specials=False)
    if rng.random() < 0.3:   # a large mean relative to the spread
        x = (x + np.float32(rng.choice([1e2, 1e3, -1e3]))).astype(np.float32)
    w, b = values(rng, [d], kind="normal"), values(rng, [d], kind="normal")
    eps = float(rng.choice([1e-5, 1e-3]))
    form = rng.integers(0, 3)
    if form == 0:
        return f"layer_norm(x0, eps={number(eps)})", [T(x)], lambda a: F.layer_norm(a, (d,), eps=float(np.float32(eps)))
    if form == 1:
        return f"layer_norm(x0, weight=x1, eps={number(eps)})", [T(x), T(w)], \
            lambda a, ww: F.layer_norm(a, (d,), ww, None, float(np.float32(eps)))
    return f"x0.layer_norm(weight=x1, bias=x2, eps={number(eps)})", [T(x), T(w), T(b)], \
        lambda a, ww, bb: F.layer_norm(a, (d,), ww, bb, float(np.float32(eps)))


def rms_norm(rng):
    shape = dims(rng, int(rng.integers(1, 4)), allow_empty=False)
    d = shape[-1]
    x = values(rng, shape, specials=False)
    w = values(rng, [d], kind="normal")
    if rng.random() < 0.5:
        return "rms_norm(x0)", [T(x)], lambda a: F.rms_norm(a, (d,), eps=float(np.float32(1e-6)))
    return "x0.rms_norm(weight=x1)", [T(x), T(w)], lambda a, ww: F.rms_norm(a, (d,), ww, eps=float(np.float32(1e-6)))


def matmul(rng):
    r = rng.random()
    n, k, m = (int(rng.integers(0 if rng.random() < 0.05 else 1, 5)) for _ in range(3))
    if r < 0.1:
        sa, sb = [k], [k, m]
    elif r < 0.2:
        sa, sb = [n, k], [k]
    elif r < 0.25:
        sa, sb = [k], [k]
    elif r < 0.5:
        sa, sb = [n, k], [k, m]
    elif r < 0.65:
        b = int(rng.integers(1, 4))
        sa, sb = [b, n, k], [b, k, m]
    elif r < 0.75:
        sa, sb = [int(rng.integers(1, 4)), n, k], [k, m]
    elif r < 0.85:
        sa, sb = [2, 4, 3], [1, 3, 4]
        if rng.random() < 0.5:
            sa, sb = [1, n, k], [int(rng.integers(1, 4)), k, m]
    else:
        b1, b2 = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        sa, sb = [b1, 1, n, k], [1, b2, k, m]
        if rng.random() < 0.5:
            sa, sb = [b1, b2, n, k], [b1, b2, k, m]
    return "x0 @ x1", [T(values(rng, sa, specials=False)), T(values(rng, sb, specials=False))], torch.matmul


def shape_op(kind):
    def make(rng):
        rank = int(rng.integers(1, 4))
        shape = dims(rng, rank)
        x = values(rng, shape)
        if kind == "reshape":
            total = int(np.prod(shape))
            if total == 0 or rng.random() < 0.3:
                new = [total]
            else:
                new = [total // shape[0], -1] if shape[0] else [total]
            return f"x0.reshape({', '.join(map(str, new))})", [T(x)], lambda a: a.reshape(new)
        if kind == "unsqueeze":
            axis = int(rng.integers(-rank - 1, rank + 1))
            return f"x0.unsqueeze({axis})", [T(x)], lambda a: a.unsqueeze(axis)
        if kind == "squeeze":
            axis = int(rng.integers(0, rank))
            shape[axis] = 1
            x = values(rng, shape)
            return f"x0.squeeze({axis})", [T(x)], lambda a: a.squeeze(axis)
        if kind == "transpose":
            if rank < 2:
                raise Skip
            a0, a1 = int(rng.integers(0, rank)), int(rng.integers(0, rank))
            return f"x0.transpose({a0}, {a1})", [T(x)], lambda a: a.transpose(a0, a1)
        if kind == "T":
            x = values(rng, dims(rng, 2))
            return "x0.T", [T(x)], lambda a: a.T
        if kind == "permute":
            order = [int(i) for i in rng.permutation(rank)]
            if rng.random() < 0.5:
                return f"x0.permute({', '.join(map(str, order))})", [T(x)], lambda a: a.permute(order)
            return f"permute(x0, {order})", [T(x)], lambda a: a.permute(order)
        raise ValueError(kind)
    return make


def concat_stack(kind):
    def make(rng):
        rank = int(rng.integers(1, 4))
        shape = dims(rng, rank)
        axis = int(rng.integers(0, rank + (1 if kind == "stack" else 0)))
        parts = int(rng.integers(1, 4))
        xs = []
        for _ in range(parts):
            s = list(shape)
            if kind == "concat":
                s[axis] = int(rng.integers(0, 4))
            xs.append(values(rng, s))
        names = ", ".join(f"x{i}" for i in range(parts))
        fn = (lambda *a: torch.cat(a, axis)) if kind == "concat" else (lambda *a: torch.stack(a, axis))
        return f"{kind}([{names}], axis={axis})", [T(v) for v in xs], fn
    return make


def index_op(rng):
    rank = int(rng.integers(1, 4))
    shape = dims(rng, rank, allow_empty=False)
    x = values(rng, shape)
    form = rng.integers(0, 4)
    if form == 0:
        i = int(rng.integers(-shape[0], shape[0]))
        return f"x0[{i}]", [T(x)], lambda a: a[i]
    if form == 1:
        lo, hi = sorted(int(v) for v in rng.integers(0, shape[0] + 1, size=2))
        return f"x0[{lo}:{hi}]", [T(x)], lambda a: a[lo:hi]
    if form == 2 and rank >= 2:
        j = int(rng.integers(0, shape[1]))
        return f"x0[:, {j}]", [T(x)], lambda a: a[:, j]
    i = int(rng.integers(0, shape[0]))
    return f"x0[{i}:]", [T(x)], lambda a: a[i:]


def gather_like(kind):
    def make(rng):
        rank = int(rng.integers(1, 4))
        shape = dims(rng, rank, allow_empty=False)
        axis = int(rng.integers(0, rank))
        x = values(rng, shape)
        bound = shape[axis]
        bad = rng.random() < 0.05
        if kind in ("gather", "scatter_add"):
            ishape = list(shape)
            ishape[axis] = int(rng.integers(1, 4))
            idx = rng.integers(0, bound, size=ishape)
            if bad:
                idx.reshape(-1)[0] = -1
            idx = idx.astype(np.float32)
            if kind == "gather":
                return f"gather(x0, {axis}, x1)", [T(x), T(idx, False, True)], lambda a, i: torch.gather(a, axis, i.long())
            src = values(rng, ishape)
            return f"x0.scatter_add({axis}, x1, x2)", [T(x), T(idx, False, True), T(src)], \
                lambda a, i, s: a.scatter_add(axis, i.long(), s)
        count = int(rng.integers(0, 4))
        idx = [int(v) for v in rng.integers(0, bound, size=count)]
        if bad:
            idx = idx + [-1]
        if kind == "index_select":
            return f"index_select(x0, {axis}, {idx})", [T(x)], \
                lambda a: torch.index_select(a, axis, torch.tensor(idx, dtype=torch.long))
        sshape = list(shape)
        sshape[axis] = len(idx)
        src = values(rng, sshape)
        alpha = float(rng.choice([1, 2, -0.5]))
        return f"index_add(x0, {axis}, {idx}, x1, alpha={number(alpha)})", [T(x), T(src)], \
            lambda a, s: a.index_add(axis, torch.tensor(idx, dtype=torch.long), s, alpha=alpha)
    return make


def embedding(rng):
    rows, d = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    table = values(rng, [rows, d])
    ishape = dims(rng, int(rng.integers(0, 3)))
    idx = rng.integers(0, rows, size=ishape).astype(np.float32)
    return "embedding(x1, x0)", [T(table), T(idx, False, True)], lambda t, i: F.embedding(i.long(), t)


def topk(rng):
    rank = int(rng.integers(1, 4))
    shape = dims(rng, rank, allow_empty=False)
    axis = int(rng.integers(-rank, rank))
    # distinct values: torch does not promise which of tied entries it returns
    n = int(np.prod(shape))
    x = (rng.permutation(n).astype(np.float64) * 0.37 + rng.standard_normal() ).astype(np.float32).reshape(shape)
    k = int(rng.integers(1, shape[axis] + 1))
    return f"topk(x0, {k}, axis={axis})[0]", [T(x)], lambda a: torch.topk(a, k, dim=axis).values


def where_op(rng):
    sa, sb = broadcast_pair(rng)
    sm = list(sa)
    mask = (rng.random(int(np.prod(sm))) < 0.5).astype(np.float32).reshape(sm)
    return "where(x0, x1, x2)", [T(mask, False, True), T(values(rng, sa)), T(values(rng, sb))], \
        lambda m, a, b: torch.where(m != 0, a, b)


def compare(rng):
    sa, sb = broadcast_pair(rng)
    op = str(rng.choice(["<", "<=", ">", ">=", "==", "!="]))
    a, b = values(rng, sa, kind="ties"), values(rng, sb, kind=rng.choice(["ties", "specials"]))
    fns = {"<": torch.lt, "<=": torch.le, ">": torch.gt, ">=": torch.ge, "==": torch.eq, "!=": torch.ne}
    return f"x0 {op} x1", [T(a, False), T(b, False)], lambda x, y: fns[op](x, y).double()


def pairwise(name, torch_fn, spelling):
    def make(rng):
        sa, sb = broadcast_pair(rng)
        kind = rng.choice(["ties", "normal", "specials"])
        a, b = values(rng, sa, kind=kind), values(rng, sb, kind=kind)
        return f"{spelling}(x0, x1)", [T(a), T(b)], torch_fn
    return make


def cumsum(rng):
    rank = int(rng.integers(1, 4))
    shape = dims(rng, rank)
    axis = int(rng.integers(-rank, rank))
    x = values(rng, shape)
    expr = f"cumsum(x0, axis={axis})" if rng.random() < 0.5 else f"x0.cumsum(axis={axis})"
    return expr, [T(x)], lambda a: torch.cumsum(a, axis)


def triangle(name):
    def make(rng):
        rank = int(rng.integers(2, 4))
        x = values(rng, dims(rng, rank))
        diagonal = int(rng.integers(-3, 4))
        fn = torch.tril if name == "tril" else torch.triu
        if rng.random() < 0.3 and diagonal == 0:
            return f"{name}(x0)", [T(x)], lambda a: fn(a)
        if rng.random() < 0.5:
            return f"x0.{name}(diagonal={diagonal})", [T(x)], lambda a: fn(a, diagonal)
        return f"{name}(x0, diagonal={diagonal})", [T(x)], lambda a: fn(a, diagonal)
    return make


def int_op(rng):
    shape = dims(rng, int(rng.integers(0, 4)))
    x = (values(rng, shape, kind="normal", specials=False) * np.float32(3)).astype(np.float32)
    return "int(x0)", [T(x, False)], lambda a: torch.trunc(a)


def round_op(rng):
    shape = dims(rng, int(rng.integers(0, 4)))
    x = (values(rng, shape, kind="normal", specials=False) * np.float32(10)).astype(np.float32)
    digits = int(rng.integers(0, 3))
    expr = f"round(x0, {digits})" if rng.random() < 0.5 else f"x0.round({digits})"
    return expr, [T(x, False)], lambda a: torch.round(a, decimals=digits)


def detach(rng):
    shape = dims(rng, int(rng.integers(0, 4)))
    x = values(rng, shape)
    if rng.random() < 0.5:
        return "detach(x0) * x0", [T(x)], lambda a: a.detach() * a
    return "x0.detach() + x0", [T(x)], lambda a: a.detach() + a


def no_grad(rng):
    shape = dims(rng, int(rng.integers(0, 4)))
    x = values(rng, shape)
    def fn(a):
        with torch.no_grad():
            inner = torch.exp(a) * 2
        return inner + a
    return "no_grad(fn() { exp(x0) * 2 }) + x0", [T(x)], fn


def gelu_fn(a):
    return F.gelu(a, approximate="tanh")


OPERATIONS = {
    "add": binary(torch.add, "x0 + x1"),
    "subtract": binary(torch.sub, "x0 - x1"),
    "multiply": binary(torch.mul, "x0 * x1"),
    "divide": binary(torch.div, "x0 / x1"),
    "add_scalar": scalar_op("add"),
    "subtract_from_scalar": scalar_op("rsub"),
    "multiply_scalar": scalar_op("mul"),
    "divide_by_scalar": scalar_op("div"),
    "scalar_divided_by": scalar_op("rdiv"),
    "scalar_power": scalar_op("rpow"),
    "power_operator": lambda rng: power(rng, "**"),
    "pow": lambda rng: power(rng, "pow"),
    "negate": unary(torch.neg, "-x0"),
    "relu": unary(torch.relu, "relu(x0)"),
    "gelu": unary(gelu_fn, "gelu(x0)"),
    "silu": unary(F.silu, "silu(x0)"),
    "tanh": unary(torch.tanh, "tanh(x0)"),
    "sigmoid": unary(torch.sigmoid, "sigmoid(x0)"),
    "exp": unary(torch.exp, "exp(x0)"),
    "log": unary(torch.log, "log(x0)", positive=True),
    "sqrt": unary(torch.sqrt, "sqrt(x0)", positive=True),
    "abs": unary(torch.abs, "x0.abs()"),
    "floor": unary(torch.floor, "floor(x0)"),
    "ceil": unary(torch.ceil, "x0.ceil()"),
    "round": round_op,
    "int": int_op,
    "clamp": clamp,
    "compare": compare,
    "where": where_op,
    "maximum": pairwise("maximum", torch.maximum, "maximum"),
    "minimum": pairwise("minimum", torch.minimum, "minimum"),
    "max_pairwise": pairwise("max", torch.maximum, "max"),
    "min_pairwise": pairwise("min", torch.minimum, "min"),
    "sum": reduction("sum", t_sum),
    "mean": reduction("mean", t_mean),
    "max": reduction("max", t_max),
    "min": reduction("min", t_min),
    "logsumexp": reduction("logsumexp", t_lse),
    "argmax": reduction("argmax", t_argmax, grad=False),
    "softmax": softmaxlike("softmax"),
    "log_softmax": softmaxlike("log_softmax"),
    "cross_entropy": cross_entropy,
    "kl_div": kl_div,
    "layer_norm": layer_norm,
    "rms_norm": rms_norm,
    "matmul": matmul,
    "reshape": shape_op("reshape"),
    "unsqueeze": shape_op("unsqueeze"),
    "squeeze": shape_op("squeeze"),
    "transpose": shape_op("transpose"),
    "T": shape_op("T"),
    "permute": shape_op("permute"),
    "concat": concat_stack("concat"),
    "stack": concat_stack("stack"),
    "index": index_op,
    "gather": gather_like("gather"),
    "scatter_add": gather_like("scatter_add"),
    "index_select": gather_like("index_select"),
    "index_add": gather_like("index_add"),
    "embedding": embedding,
    "topk": topk,
    "cumsum": cumsum,
    "tril": triangle("tril"),
    "triu": triangle("triu"),
    "detach": detach,
    "no_grad": no_grad,
}
