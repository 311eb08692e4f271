#!/usr/bin/env python3
"""Training-step throughput of Rehearsal's models in PyTorch, for comparison with `rehearsal bench`.

One step is what Rehearsal's StepBench times: zero_grad, forward, loss, backward and one Adam step on a
fixed batch of random inputs in [0, 1) (float32). The models are Rehearsal's presets:

  seed MLP  784-50-50-50-10                               44,700 forward MACs per sample
  wide MLP  784-400-400-10                                477,600
  seed VAE  784-128-(8|8), decoder 8-128-784              203,776
  wide VAE  784-400-400-(100|100), decoder 100-400-400-784  1,067,200

Timing follows StepBench (and JMH's shape): a warm-up round, then several timed rounds of a fixed number
of steps; the median round gives the time per step, samples/s and GFLOP/s, counting a training step as
2 x the MACs of its GEMMs: the forward and weight-gradient GEMM of every layer and the input-gradient GEMM
of every layer but the first (the input needs no gradient, and autograd computes none), exactly what
Rehearsal's backends count (94,900 / 1,119,200 / 510,976 / 2,888,000 MACs per sample in the order above).

Every thread count runs in its own process: PyTorch's thread settings are per process, its OpenMP pool
spins after work, and OpenBLAS (the BLAS that Debian's torch calls for its GEMMs) keeps its own thread
pool, which torch.set_num_threads does not resize; so each worker process is started with
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to its thread count as well. With 2 threads on 2 cores the
idle OpenMP workers (libgomp spins by default) and OpenBLAS's workers compete for the cores; --omp-wait
passive sets OMP_WAIT_POLICY=PASSIVE in the workers, as Rehearsal's --omp-wait does for oneDNN.

Usage:  python3 train_step.py [--threads 1 2] [--batch 128 [512]] [--omp-wait default|passive|active]
                              [--foreach] [--clock wall|thread_cpu] [--quick] [--json]

--clock thread_cpu (with --threads 1) times each round in the calling thread's CPU time, as `rehearsal bench
--threads 1` does; each round checks that at least 90% of the process's CPU time was that thread's (the
backward pass and every GEMM run on it), or stops.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def require_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.stderr.write("error: PyTorch is not installed for %s (on Debian: apt-get install python3-torch, "
                         "then run with /usr/bin/python3)\n" % sys.executable)
        sys.exit(2)


# Forward MACs per sample that Rehearsal counts for each model (checked against the built modules).
EXPECTED_MACS = {
    ("seed", "mlp"): 44_700,
    ("wide", "mlp"): 477_600,
    ("seed", "vae"): 203_776,
    ("wide", "vae"): 1_067_200,
}

# MACs per sample of one training step, as Rehearsal's backends count them.
EXPECTED_STEP_MACS = {
    ("seed", "mlp"): 94_900,
    ("wide", "mlp"): 1_119_200,
    ("seed", "vae"): 510_976,
    ("wide", "vae"): 2_888_000,
}

PRESETS = {
    "seed": {"mlp_hidden": [50, 50, 50], "vae_hidden": [128], "latent": 8},
    "wide": {"mlp_hidden": [400, 400], "vae_hidden": [400, 400], "latent": 100},
}

PIXELS = 784
CLASSES = 10


def build_models():
    """Module classes, defined once torch is importable."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    def chain(sizes):
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return layers

    class Mlp(nn.Module):
        def __init__(self, inputs, hidden, outputs):
            super().__init__()
            self.net = nn.Sequential(*chain([inputs] + list(hidden) + [outputs]))

        def forward(self, x):
            return self.net(x)

    class Vae(nn.Module):
        """Encoder D-H..-H ReLU, one Linear H->2Z for mu | logvar, decoder Z-H..-H ReLU -> D logits."""

        def __init__(self, inputs, hidden, latent):
            super().__init__()
            self.latent = latent
            self.encoder = nn.Sequential(*chain([inputs] + list(hidden)), nn.ReLU())
            self.heads = nn.Linear(hidden[-1], 2 * latent)
            self.decoder = nn.Sequential(*chain([latent] + list(reversed(hidden)) + [inputs]))

        def encode(self, x):
            stats = self.heads(self.encoder(x))
            return stats[:, :self.latent], stats[:, self.latent:]

        def decode(self, z):
            return self.decoder(z)

        def forward(self, x, eps):
            mu, logvar = self.encode(x)
            z = mu + torch.exp(0.5 * logvar) * eps
            return self.decode(z), mu, logvar

    def vae_row_losses(logits, target, mu, logvar):
        """Per row: BCE-with-logits summed over pixels plus the Gaussian KL to N(0, I)."""
        rec = F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(dim=1)
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)
        return rec + kl

    return Mlp, Vae, vae_row_losses


def forward_macs(module):
    from torch import nn
    return sum(m.in_features * m.out_features for m in module.modules() if isinstance(m, nn.Linear))


def train_step_macs(module):
    """Forward + weight gradients of every layer + input gradients of all layers but the one reading the input."""
    from torch import nn
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    first = next(m for m in linears if m.in_features == PIXELS)
    return 3 * forward_macs(module) - first.in_features * first.out_features


def measure(preset, model, batch, steps, rounds, lr, seed, foreach=False, clock="wall"):
    """Median-of-rounds timing of one model's training step in this process, on the wall clock or (one thread)
    in this thread's CPU time, as `rehearsal bench --threads 1` times its steps."""
    import torch
    import torch.nn.functional as F
    Mlp, Vae, vae_row_losses = build_models()
    torch.manual_seed(seed)
    p = PRESETS[preset]
    if model == "mlp":
        m = Mlp(PIXELS, p["mlp_hidden"], CLASSES)
    else:
        m = Vae(PIXELS, p["vae_hidden"], p["latent"])
    macs = forward_macs(m)
    if macs != EXPECTED_MACS[(preset, model)]:
        raise SystemExit("internal error: %s %s has %d forward MACs per sample, Rehearsal counts %d"
                         % (preset, model, macs, EXPECTED_MACS[(preset, model)]))
    step_macs = train_step_macs(m)
    if step_macs != EXPECTED_STEP_MACS[(preset, model)]:
        raise SystemExit("internal error: %s %s step has %d MACs per sample, Rehearsal counts %d"
                         % (preset, model, step_macs, EXPECTED_STEP_MACS[(preset, model)]))
    # foreach=None is PyTorch's default (a loop over parameters on CPU); True fuses it into multi-tensor ops.
    opt = torch.optim.Adam(m.parameters(), lr=lr, foreach=True if foreach else None)
    x = torch.rand(batch, PIXELS, dtype=torch.float32)
    labels = torch.arange(batch) % CLASSES  # as StepBench: i % 10

    if model == "mlp":
        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(m(x), labels)
            loss.backward()
            opt.step()
    else:
        latent = p["latent"]

        def step():
            eps = torch.randn(batch, latent)  # fresh noise every step, as Rehearsal's sampleNoise
            opt.zero_grad(set_to_none=True)
            logits, mu, logvar = m(x, eps)
            loss = vae_row_losses(logits, x, mu, logvar).mean()
            loss.backward()
            opt.step()

    for _ in range(steps):  # warm-up: one round
        step()
    now = time.thread_time if clock == "thread_cpu" else time.perf_counter
    per_step = []
    on_this_thread = []
    for _ in range(rounds):
        p0 = time.process_time()
        t = now()
        for _ in range(steps):
            step()
        per_step.append((now() - t) / steps)
        process = time.process_time() - p0
        if clock == "thread_cpu" and process > 0:
            # One thread: the step's work must be this thread's, or its CPU time would miss some of it.
            on_this_thread.append(per_step[-1] * steps / process)
    per_step.sort()
    median = per_step[rounds // 2]
    if on_this_thread and min(on_this_thread) < 0.9:
        raise SystemExit("error: %s %s: only %.0f%% of the process's CPU time was this thread's; the thread's CPU "
                         "time would miss work done elsewhere" % (preset, model, 100 * min(on_this_thread)))
    flops = 2.0 * step_macs * batch
    return {
        "preset": preset,
        "model": model,
        "backend": "pytorch",
        "threads": torch.get_num_threads(),
        "batch": batch,
        "samples_per_s": batch / median,
        "gflops": flops / median / 1e9,
        "median_step_us": median * 1e6,
        "clock": clock,
    }


def steps_for(preset, batch, quick):
    """Steps per round as StepBench: 200 for the seed models, 20 for the wide ones (fewer with --quick)."""
    slow = preset == "wide"
    n = (3 if slow else 10) if quick else (20 if slow else 200)
    # Keep the work per round about the same at larger batches.
    return max(3 if quick else 5, n * 128 // batch) if batch > 128 else n


def worker(args):
    import torch
    torch.set_num_interop_threads(1)  # must come before any parallel work
    torch.set_num_threads(args.worker)
    results = []
    for batch in args.batch:
        for preset in ("seed", "wide"):
            for model in ("mlp", "vae"):
                steps = args.steps or steps_for(preset, batch, args.quick)
                rounds = args.rounds or (3 if args.quick else 7)
                r = measure(preset, model, batch, steps, rounds, args.lr, args.seed, args.foreach, args.clock)
                r["omp_wait"] = args.omp_wait
                r["adam_foreach"] = args.foreach
                results.append(r)
    info = {"torch": torch.__version__, "intra_op_threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(), "openblas_threads": openblas_threads(),
            "parallel_backend": parallel_backend(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset")}
    json.dump({"info": info, "results": results}, sys.stdout)


def openblas_threads():
    """The OpenBLAS pool's size in this process, or None when OpenBLAS is not loaded."""
    import ctypes
    for name in ("libopenblas.so.0", "libopenblasp.so.0", "libopenblas.so"):
        try:
            lib = ctypes.CDLL(name)
            return lib.openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None


def parallel_backend():
    import torch
    for line in torch.__config__.parallel_info().splitlines():
        if line.startswith("ATen parallel backend:"):
            return line.split(":", 1)[1].strip()
    return None


def run_worker(threads, args):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    if args.omp_wait != "default":
        env["OMP_WAIT_POLICY"] = args.omp_wait.upper()
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", str(threads), "--lr", repr(args.lr),
           "--seed", str(args.seed), "--batch"] + [str(b) for b in args.batch]
    if args.quick:
        cmd.append("--quick")
    if args.foreach:
        cmd.append("--foreach")
    cmd += ["--omp-wait", args.omp_wait, "--clock", args.clock]
    if args.steps:
        cmd += ["--steps", str(args.steps)]
    if args.rounds:
        cmd += ["--rounds", str(args.rounds)]
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description="PyTorch training-step throughput of Rehearsal's models.")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                    help="thread counts, each measured in its own process (default: 1 2)")
    ap.add_argument("--batch", type=int, nargs="+", default=[128], help="batch sizes (default: 128)")
    ap.add_argument("--quick", action="store_true", help="fewer and shorter rounds (a smoke test)")
    ap.add_argument("--steps", type=int, default=0, help="steps per round (default: as Rehearsal's bench)")
    ap.add_argument("--rounds", type=int, default=0, help="timed rounds (default: 7, 3 with --quick)")
    ap.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default: 1e-3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--omp-wait", choices=["default", "passive", "active"], default="default",
                    help="OMP_WAIT_POLICY of the workers: what idle OpenMP threads do (default: the environment's, "
                         "i.e. libgomp's spin-then-sleep when unset)")
    ap.add_argument("--foreach", action="store_true",
                    help="Adam(foreach=True): multi-tensor Adam instead of PyTorch's default per-parameter loop")
    ap.add_argument("--clock", choices=["wall", "thread_cpu"], default="wall",
                    help="what rounds are timed on: the wall clock, or (with --threads 1 only) the thread's CPU time, "
                         "as rehearsal bench --threads 1 does, so that other work on the machine does not count")
    ap.add_argument("--json", action="store_true", help="print a JSON list of results")
    ap.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    require_torch()
    for b in args.batch:
        if not 1 <= b <= 65536:
            ap.error("--batch must be between 1 and 65536")
    if args.worker:
        worker(args)
        return
    if any(t < 1 for t in args.threads):
        ap.error("--threads must be at least 1")
    if args.clock == "thread_cpu" and args.threads != [1]:
        ap.error("--clock thread_cpu times one thread: give --threads 1")

    results = []
    infos = {}
    for t in args.threads:  # one after another: never two measurements at once
        r = run_worker(t, args)
        infos[t] = r["info"]
        results.extend(r["results"])

    best = {}
    for r in results:
        key = (r["batch"], r["preset"], r["model"])
        if key not in best or r["samples_per_s"] > best[key]["samples_per_s"]:
            best[key] = r

    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("%-6s %-5s %-8s %7s %5s %14s %9s %12s" % ("preset", "model", "backend", "threads", "batch",
                                                   "samples/s", "GFLOP/s", "step (us)"))
    for r in results:
        print("%-6s %-5s %-8s %7d %5d %14s %9.1f %12s" % (r["preset"], r["model"], r["backend"], r["threads"],
                                                        r["batch"], "{:,.0f}".format(r["samples_per_s"]),
                                                        r["gflops"], "{:,.1f}".format(r["median_step_us"])))
    print()
    print("best thread count per model:")
    for key in sorted(best, key=lambda k: (k[0], k[1] != "seed", k[2])):
        r = best[key]
        print("  %-4s %-3s batch %4d: %d thread(s), %s samples/s, %.1f GFLOP/s" % (
            r["preset"], r["model"], r["batch"], r["threads"], "{:,.0f}".format(r["samples_per_s"]), r["gflops"]))
    i = infos[args.threads[0]]
    print("(torch %s, ATen parallel backend %s, interop threads %s; OpenBLAS pool per worker: %s; "
          "OMP_WAIT_POLICY %s; Adam %s; medians of timed rounds, one process per thread count)" % (
              i["torch"], i["parallel_backend"], i["interop_threads"],
              ", ".join("%s threads -> %s" % (t, infos[t]["openblas_threads"]) for t in args.threads),
              i["omp_wait_policy"], "foreach" if args.foreach else "default (per-parameter loop)"))


if __name__ == "__main__":
    main()
