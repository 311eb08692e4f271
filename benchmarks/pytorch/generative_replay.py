#!/usr/bin/env python3
"""Rehearsal's generative-replay experiment (strategy `gr`) in PyTorch, seed or wide preset.

Class-incremental Split-MNIST, 5 tasks {0,1} {2,3} {4,5} {6,7} {8,9}, with the protocol of Rehearsal's
Learner, GenerativeReplayStrategy, GenerativeReplay and ReplayScheduler (defaults of ExperimentConfig; the
preset only chooses the two models, as Rehearsal's --preset does):

* solver: an MLP whose 10-unit head grows by each task's two classes (units [0, 2t) active on task t, the
  new rows freshly initialised when they become active); cross-entropy and evaluation over the active
  units only. seed: 784-50-50-50-10; wide: 784-400-400-10 (ReLU between layers);
* generator: a VAE, encoder ReLU layers, one Linear to mu | logvar, mirrored ReLU decoder to 784 logits.
  seed: 784-128-(mu 8 | logvar 8), decoder 8-128-784; wide: 784-400-400-(mu 100 | logvar 100), decoder
  100-400-400-784. Loss per image = BCE-with-logits summed over pixels + KL(q(z|x) || N(0, I));
* every task starts with fresh Adam states (lr 1e-3, betas 0.9/0.999, eps 1e-8) for both models;
* solver: per task --iterations steps if given (Rehearsal's --iterations), else ceil(epochs N / 128) over
  the task's N training samples (epochs 2); shuffled passes, batches run across pass boundaries. Each step
  128 current samples, plus, from task 2 on, 128 replayed samples sigmoid(decoder(z)), z ~ N(0, I), drawn
  from the frozen previous VAE and labelled by the argmax of the frozen previous solver over the 2(t-1)
  units it had; loss = 1/t mean CE(current) + (1 - 1/t) mean CE(replay), both over the first 2t units;
* generator: --vae-iterations steps if given, else ceil(vae-epochs N / 128) (vae-epochs 5); 128 current
  images plus 128 images from the same frozen previous VAE; loss = 1/t mean over current rows + (1 - 1/t)
  mean over replayed rows;
* after each task both models are copied and frozen for the next one, and the solver is tested on every
  task's test samples (row t of the accuracy matrix R; an untrained row 0 first, as Rehearsal does).

The literature protocol (van de Ven et al.'s Split-MNIST: 400-unit MLP and VAE, z 100, 2000 iterations
per task) is `--preset wide --iterations 2000 --vae-iterations 2000`, what
`rehearsal run --preset wide --strategy gr --iterations 2000 --vae-iterations 2000` runs.

Wall time is split into Rehearsal's phases: solver training (batch gather, forward, loss, backward, Adam),
generator training, generation (sampling the frozen VAE and labelling with the frozen solver) and
evaluation.

Usage:  python3 generative_replay.py [--preset seed|wide] [--iterations N] [--vae-iterations N]
                                    [--threads N] [--omp-wait default|passive|active] [--foreach]
                                    [--seed S] [--data DIR] [--json]
"""

import argparse
import copy
import gzip
import json
import math
import os
import sys
import time

PIXELS = 784
BATCH = 128
CLASSES_PER_TASK = 2
TASKS = 5
# Rehearsal's nn/Preset.java: solver hidden widths, VAE hidden widths (decoder mirrored), latent size.
PRESETS = {
    "seed": {"hidden": [50, 50, 50], "vae_hidden": [128], "latent": 8},
    "wide": {"hidden": [400, 400], "vae_hidden": [400, 400], "latent": 100},
}
DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "mnist")


def read_idx(path):
    """An IDX file (uncompressed, or path + '.gz') as a numpy array of its stored shape."""
    import numpy as np
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError("%s is not an IDX file" % path)
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if data[2] not in dtypes:
        raise ValueError("%s: unknown IDX element type 0x%02x" % (path, data[2]))
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    dtype = np.dtype(dtypes[data[2]])
    count = int(np.prod(dims)) if dims else 0
    offset = 4 + 4 * ndim
    if len(data) != offset + count * dtype.itemsize:
        raise ValueError("%s: %d bytes, the header %s asks for %d" % (path, len(data), dims,
                                                                     offset + count * dtype.itemsize))
    return np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(dims)


def load_mnist(folder):
    import numpy as np
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte"))
        labels = read_idx(os.path.join(folder, prefix + "-labels-idx1-ubyte"))
        if images.shape[0] != labels.shape[0] or images.shape[1] * images.shape[2] != PIXELS:
            raise ValueError("%s: %s images of shape %s for %d labels" % (folder, split, images.shape[1:],
                                                                          labels.shape[0]))
        out[split] = (images.reshape(images.shape[0], PIXELS).copy(), labels.astype(np.int64))
    return out


class Stream:
    """A task's training samples as an endless stream of shuffled passes; batches cross pass boundaries."""

    def __init__(self, indices, rng):
        self.indices = indices.copy()
        self.rng = rng
        self.rng.shuffle(self.indices)
        self.cursor = 0

    def next(self, n):
        import numpy as np
        parts = []
        while n > 0:
            if self.cursor == len(self.indices):
                self.rng.shuffle(self.indices)
                self.cursor = 0
            k = min(n, len(self.indices) - self.cursor)
            parts.append(self.indices[self.cursor:self.cursor + k])
            self.cursor += k
            n -= k
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def define_models(preset):
    import torch
    from torch import nn
    import torch.nn.functional as F
    hidden = PRESETS[preset]["hidden"]
    vae_hidden = PRESETS[preset]["vae_hidden"]
    latent = PRESETS[preset]["latent"]

    class Solver(nn.Module):
        """784-H..-H ReLU body and a 10-unit head of which the first `outputs` units are active."""

        def __init__(self, outputs):
            super().__init__()
            sizes = [PIXELS] + hidden
            self.body = nn.ModuleList(nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(hidden)))
            self.head = nn.Linear(hidden[-1], 10)
            self.outputs = outputs

        def grow(self, outputs):
            """Activates head units [self.outputs, outputs), initialised like a fresh Linear's rows."""
            bound = 1.0 / math.sqrt(self.head.in_features)
            with torch.no_grad():
                self.head.weight[self.outputs:outputs].uniform_(-bound, bound)
                self.head.bias[self.outputs:outputs].uniform_(-bound, bound)
            self.outputs = outputs

        def forward(self, x):
            for layer in self.body:
                x = F.relu(layer(x))
            return F.linear(x, self.head.weight[:self.outputs], self.head.bias[:self.outputs])

    class Vae(nn.Module):
        """Encoder 784-H..-H ReLU, one Linear H -> 2Z (mu | logvar, one GEMM as Rehearsal), decoder
        Z-H..-H ReLU (the hidden widths reversed) -> 784 logits."""

        def __init__(self):
            super().__init__()
            enc = [PIXELS] + vae_hidden
            self.enc = nn.ModuleList(nn.Linear(enc[i], enc[i + 1]) for i in range(len(vae_hidden)))
            self.heads = nn.Linear(vae_hidden[-1], 2 * latent)
            dec = [latent] + vae_hidden[::-1]
            self.dec = nn.ModuleList(nn.Linear(dec[i], dec[i + 1]) for i in range(len(vae_hidden)))
            self.out = nn.Linear(vae_hidden[0], PIXELS)

        def decode(self, z):
            for layer in self.dec:
                z = F.relu(layer(z))
            return self.out(z)

        def row_losses(self, x, eps):
            """Per image: BCE-with-logits summed over pixels + Gaussian KL."""
            h = x
            for layer in self.enc:
                h = F.relu(layer(h))
            stats = self.heads(h)
            mu, logvar = stats[:, :latent], stats[:, latent:]
            z = mu + torch.exp(0.5 * logvar) * eps
            logits = self.decode(z)
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
            kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)
            return rec + kl

        @torch.no_grad()
        def sample(self, n):
            return torch.sigmoid(self.decode(torch.randn(n, latent)))

    return Solver, Vae


def describe(preset):
    """The preset's models as Rehearsal prints them: MLP 784-...-10, VAE 784-...-zZ."""
    p = PRESETS[preset]
    return ("-".join(str(n) for n in [PIXELS] + p["hidden"] + [10]),
            "-".join(str(n) for n in [PIXELS] + p["vae_hidden"]) + "-z%d" % p["latent"])


def frozen(model):
    m = copy.deepcopy(model)
    for p in m.parameters():
        p.requires_grad_(False)
    return m.eval()


def check(loss, model, task, step, per_epoch):
    value = loss.item()
    if not math.isfinite(value):
        raise SystemExit("error: training diverged: the %s loss is %s at task %d, epoch %d, step %d"
                         % (model, value, task, step // per_epoch + 1, step % per_epoch + 1))


def main():
    ap = argparse.ArgumentParser(description="Rehearsal's generative replay (run --strategy gr) on Split-MNIST, "
                                             "in PyTorch.")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="seed",
                    help="models: seed (MLP 784-50-50-50-10, VAE 784-128-z8) or wide (MLP 784-400-400-10, "
                         "VAE 784-400-400-z100), as Rehearsal's --preset (default: seed)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads (default: 2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the initialisation, shuffles and noise (default: 1)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder of the raw MNIST IDX files (default: data/mnist)")
    ap.add_argument("--epochs", type=int, default=2, help="solver epochs per task (default: 2)")
    ap.add_argument("--vae-epochs", type=int, default=5, help="generator epochs per task (default: 5)")
    ap.add_argument("--iterations", type=int, default=0,
                    help="solver steps per task; overrides --epochs, as Rehearsal's --iterations (default: 0, "
                         "use --epochs)")
    ap.add_argument("--vae-iterations", type=int, default=0,
                    help="generator steps per task; overrides --vae-epochs (default: 0, use --vae-epochs)")
    ap.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate of both models (default: 1e-3)")
    ap.add_argument("--omp-wait", choices=["default", "passive", "active"], default="default",
                    help="OMP_WAIT_POLICY: what idle OpenMP threads do (default: the environment's, i.e. libgomp's "
                         "spin-then-sleep when unset; passive is much faster with 2 threads on 2 cores)")
    ap.add_argument("--foreach", action="store_true",
                    help="Adam(foreach=True): multi-tensor Adam instead of PyTorch's default per-parameter loop")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()
    if args.threads < 1:
        ap.error("--threads must be at least 1")
    # Rehearsal's ExperimentConfig.validate(): epochs may be 0 only when iterations replace them.
    for name, value, low in (("iterations", args.iterations, 0), ("vae-iterations", args.vae_iterations, 0),
                             ("epochs", args.epochs, 0 if args.iterations > 0 else 1),
                             ("vae-epochs", args.vae_epochs, 0 if args.vae_iterations > 0 else 1)):
        if value < low:
            ap.error("--%s must be at least %d" % (name, low))
    # Before torch loads: OpenBLAS sizes its own thread pool from the environment, not from set_num_threads.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    if args.omp_wait != "default":
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait.upper()
    try:
        import torch
    except ImportError:
        sys.stderr.write("error: PyTorch is not installed for %s (on Debian: apt-get install python3-torch, "
                         "then run with /usr/bin/python3)\n" % sys.executable)
        sys.exit(2)
    import numpy as np
    import torch.nn.functional as F
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)

    try:
        load_start = time.perf_counter()
        data = load_mnist(args.data)
        load_seconds = time.perf_counter() - load_start
    except (OSError, ValueError) as e:
        sys.stderr.write("error: cannot read MNIST from %s: %s\n" % (args.data, e))
        sys.exit(3)
    train_x = torch.from_numpy(data["train"][0])
    test_x = torch.from_numpy(data["test"][0])
    train_y, test_y = data["train"][1], data["test"][1]
    tasks = []
    for k in range(TASKS):
        classes = [CLASSES_PER_TASK * k + c for c in range(CLASSES_PER_TASK)]
        tasks.append({
            "classes": classes,
            "train": np.nonzero(np.isin(train_y, classes))[0],
            "test": np.nonzero(np.isin(test_y, classes))[0],
        })
    train_labels = torch.from_numpy(train_y)
    test_labels = torch.from_numpy(test_y)

    start = time.perf_counter()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    Solver, Vae = define_models(args.preset)
    latent = PRESETS[args.preset]["latent"]
    solver = Solver(CLASSES_PER_TASK)
    vae = Vae()
    previous_solver = previous_vae = None
    seconds = {"solver_training": 0.0, "generator_training": 0.0, "generation": 0.0, "evaluation": 0.0}
    steps_done = {"solver": 0, "generator": 0}

    def accuracy(task):
        idx = task["test"]
        correct = 0
        with torch.no_grad():
            for i in range(0, len(idx), 2 * BATCH):  # Rehearsal's evaluation chunk: its largest batch
                part = torch.from_numpy(idx[i:i + 2 * BATCH])
                x = test_x[part].float().mul_(1.0 / 255)
                correct += int((solver(x).argmax(dim=1) == test_labels[part]).sum())
        return correct / len(idx)

    def evaluate():
        t = time.perf_counter()
        row = [accuracy(task) for task in tasks]
        seconds["evaluation"] += time.perf_counter() - t
        return row

    initial = evaluate()
    rows = []
    for t, task in enumerate(tasks, start=1):
        outputs = CLASSES_PER_TASK * t
        if outputs > solver.outputs:
            solver.grow(outputs)
        foreach = True if args.foreach else None  # None: PyTorch's default
        solver_opt = torch.optim.Adam(solver.parameters(), lr=args.lr, foreach=foreach)
        vae_opt = torch.optim.Adam(vae.parameters(), lr=args.lr, foreach=foreach)
        replay = previous_solver is not None
        w_current = 1.0 / t if replay else 1.0
        w_replay = 1.0 - 1.0 / t
        n = len(task["train"])
        per_epoch = max(1, -(-n // BATCH))

        # Solver.
        stream = Stream(task["train"], rng)
        steps = args.iterations if args.iterations > 0 else -(-args.epochs * n // BATCH)
        for s in range(steps):
            t0 = time.perf_counter()
            idx = torch.from_numpy(stream.next(BATCH))
            x = train_x[idx].float().mul_(1.0 / 255)
            y = train_labels[idx]
            t1 = time.perf_counter()
            seconds["solver_training"] += t1 - t0
            if replay:
                xr = previous_vae.sample(BATCH)
                with torch.no_grad():
                    yr = previous_solver(xr).argmax(dim=1)
                x = torch.cat([x, xr])
                t0 = time.perf_counter()
                seconds["generation"] += t0 - t1
                t1 = t0
            solver_opt.zero_grad(set_to_none=True)
            logits = solver(x)
            loss = w_current * F.cross_entropy(logits[:BATCH], y)
            if replay:
                loss = loss + w_replay * F.cross_entropy(logits[BATCH:], yr)
            check(loss, "solver", t, s, per_epoch)
            loss.backward()
            solver_opt.step()
            seconds["solver_training"] += time.perf_counter() - t1
        steps_done["solver"] += steps

        # Generator.
        stream = Stream(task["train"], rng)
        steps = args.vae_iterations if args.vae_iterations > 0 else -(-args.vae_epochs * n // BATCH)
        for s in range(steps):
            t0 = time.perf_counter()
            x = train_x[torch.from_numpy(stream.next(BATCH))].float().mul_(1.0 / 255)
            t1 = time.perf_counter()
            seconds["generator_training"] += t1 - t0
            if replay:
                x = torch.cat([x, previous_vae.sample(BATCH)])
                t0 = time.perf_counter()
                seconds["generation"] += t0 - t1
                t1 = t0
            vae_opt.zero_grad(set_to_none=True)
            per_row = vae.row_losses(x, torch.randn(x.shape[0], latent))
            loss = w_current * per_row[:BATCH].mean()
            if replay:
                loss = loss + w_replay * per_row[BATCH:].mean()
            check(loss, "generator", t, s, per_epoch)
            loss.backward()
            vae_opt.step()
            seconds["generator_training"] += time.perf_counter() - t1
        steps_done["generator"] += steps

        previous_solver = frozen(solver)
        previous_vae = frozen(vae)
        rows.append(evaluate())
        if not args.json:
            print("task %d/%d: accuracy [%s], ACC so far %.4f" % (
                t, TASKS, " ".join("%.3f" % a for a in rows[-1][:t]), sum(rows[-1]) / TASKS), file=sys.stderr)
    total = time.perf_counter() - start
    acc = sum(rows[-1]) / TASKS

    mlp_name, vae_name = describe(args.preset)
    result = {
        "strategy": "gr",
        "preset": args.preset,
        "models": {"solver": mlp_name, "generator": vae_name},
        "iterations": args.iterations,
        "vae_iterations": args.vae_iterations,
        "epochs": args.epochs if args.iterations == 0 else None,
        "vae_epochs": args.vae_epochs if args.vae_iterations == 0 else None,
        "lr": args.lr,
        "batch": BATCH,
        "backend": "pytorch",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
        "adam_foreach": args.foreach,
        "seed": args.seed,
        "acc": acc,
        "R": rows,
        "initial": initial,
        "seconds": dict(seconds, total=total, data_loading=load_seconds),
        "steps": steps_done,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("gr, preset %s (MLP %s, VAE %s), %s solver / %s generator steps per task" % (
        args.preset, mlp_name, vae_name,
        args.iterations if args.iterations > 0 else "%d-epoch" % args.epochs,
        args.vae_iterations if args.vae_iterations > 0 else "%d-epoch" % args.vae_epochs))
    print("PyTorch %s, %d thread(s), OMP_WAIT_POLICY %s, Adam %s, seed %d: ACC %.4f" % (
        torch.__version__, result["threads"], result["omp_wait_policy"], "foreach" if args.foreach else "default",
        args.seed, acc))
    print()
    print("R (row i: after task i; column j: test accuracy on task j)")
    for i, row in enumerate(rows, start=1):
        print("  %d  %s" % (i, "  ".join("%.4f" % a for a in row)))
    print()
    print("%-20s %10s" % ("phase", "seconds"))
    for phase in ("solver_training", "generator_training", "generation", "evaluation"):
        print("%-20s %10.2f" % (phase, seconds[phase]))
    print("%-20s %10.2f" % ("total", total))
    print("(%d solver and %d generator steps; total is wall time from model creation to the last evaluation; "
          "reading MNIST took %.2f s more)" % (steps_done["solver"], steps_done["generator"], load_seconds))


if __name__ == "__main__":
    main()
