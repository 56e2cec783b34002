"""matplotlib (Agg) twin of microseek-bench's teaching_plots case, timed as shared/reference/plots.py
times its charts: render + save, one warm-up, median of 15 (median of 5 for the 60-frame GIF).
  smoothed: three 1000-point series, each drawn raw (faint) and as TensorBoard's debiased EMA 0.9, legend
  area:     a 300-step x 8-expert stackplot of shares, legend outside
  gif:      60 frames at 400x300 px of three decision regions (100x100 grid) turning, 300 points on top,
            written with PillowWriter at 10 fps
Usage: ~/.cache/microseek-reference/bin/python Sources/microseek-bench/teaching_plots.py"""
import json, os, time, statistics as st, tempfile
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation, PillowWriter
import numpy as np

OUT = os.environ.get("PLOTS_OUT", os.path.join(tempfile.gettempdir(), "plots-reference"))

def ema(values, weight):
    last, count, out = 0.0, 0, []
    for value in values:
        last = last * weight + (1 - weight) * value; count += 1
        out.append(last / (1 - weight ** count))
    return np.array(out)

rng = np.random.default_rng(0)
STEPS = np.arange(1000)
RUNS = [1 + 2 * np.exp(-STEPS / (150 + 100 * run)) + 0.3 * rng.standard_normal(1000) for run in range(3)]
WEIGHTS = rng.uniform(0.5, 1.5, (300, 8))
SHARES = (WEIGHTS / WEIGHTS.sum(axis=1, keepdims=True)).T            # (8, 300)
POINTS = rng.standard_normal((300, 2))
CLASSES = np.where(POINTS[:, 0] > 0, np.where(POINTS[:, 1] > 0, 0, 1), 2)
CENTRES = -3 + 6 * (np.arange(100) + 0.5) / 100

def smoothed(path):
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
    for index, (name, values) in enumerate(zip(("none", "aux", "bias"), RUNS)):
        ax.plot(STEPS, values, color=f"C{index}", alpha=0.25)
        ax.plot(STEPS, ema(values, 0.9), color=f"C{index}", label=name)
    ax.legend(); ax.set(title="Imbalance (smoothed 0.9)", xlabel="step", ylabel="imbalance")
    fig.savefig(path, dpi=100); plt.close(fig)

def area(path):
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
    ax.stackplot(np.arange(300), SHARES, labels=[f"expert {i}" for i in range(8)])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1)); ax.margins(x=0)
    ax.set(title="Load per expert", xlabel="step", ylabel="share")
    fig.savefig(path, dpi=100, bbox_inches=None); plt.close(fig)

def regions(k):
    angle = k * np.pi / 60
    x, y = np.meshgrid(CENTRES, CENTRES)
    turned = x * np.cos(angle) + y * np.sin(angle)
    return np.where(turned > 0.5, 0, np.where(y > turned, 1, 2))

def gif(path):
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    mesh = ax.pcolormesh(CENTRES, CENTRES, regions(0), cmap="Pastel1", vmin=0, vmax=8, shading="nearest")
    ax.scatter(POINTS[:, 0], POINTS[:, 1], c=[f"C{3 + c}" for c in CLASSES], s=8)
    title = ax.set_title("step 0")
    def update(k):
        mesh.set_array(regions(k).ravel()); title.set_text(f"step {k}")
        return mesh, title
    FuncAnimation(fig, update, frames=60).save(path, writer=PillowWriter(fps=10), dpi=100)
    plt.close(fig)

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    res = {}
    for f, runs in ((smoothed, 15), (area, 15), (gif, 5)):
        path = os.path.join(OUT, f.__name__ + (".gif" if f is gif else ".png"))
        f(path)                                  # warm-up (font cache, first-use setup)
        times = []
        for _ in range(runs):
            t = time.perf_counter(); f(path); times.append(time.perf_counter() - t)
        res[f.__name__ + "_ms"] = round(st.median(times) * 1e3, 2)
    print(json.dumps({"bench": "teaching_plots", "matplotlib": matplotlib.__version__, **res}))
