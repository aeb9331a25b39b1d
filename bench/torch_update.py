#!/usr/bin/env python3
"""One DQN update step and greedy inference in PyTorch, single-threaded: the yardstick for liveq's
network engine (bench/network.ts) and agent (bench/dqn.ts).

The step is the same as bench/network.ts: sample a batch with a uniform index per row from a random
replay held in preallocated tensors, target network forward on next states, max over next actions,
y = r + gamma * (1 - done) * max, online forward, Q at the taken actions, Huber (SmoothL1, beta 1)
or MSE loss, backward, Adam, hard target sync every --sync updates.

Prints exactly one JSON line on stdout:
  {"torch_updates_per_s": ..., "torch_updates_per_cpu_s": ..., "infer_b1_us": ..., "infer_b256_us": ..., ...}
(updates per second of wall-clock time and of process CPU time; mean latencies of forward + argmax)
Run with the system Python that has torch (Debian python3-torch): /usr/bin/python3 bench/torch_update.py
"""
import argparse
import json
import os
import statistics
import sys
import time

# Single-threaded for real: torch.set_num_threads(1) does not stop OpenBLAS's (pthread) or OpenMP's
# own thread pools, which would spin on the other core. Set before torch loads them.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class QNet(nn.Module):
    def __init__(self, state, hidden, actions, head):
        super().__init__()
        layers = []
        width = state
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        self.trunk = nn.Sequential(*layers)
        self.dueling = head == "dueling"
        if self.dueling:
            self.value = nn.Linear(width, 1)
            self.adv = nn.Linear(width, actions)
        else:
            self.out = nn.Linear(width, actions)

    def forward(self, x):
        h = self.trunk(x)
        if self.dueling:
            a = self.adv(h)
            return self.value(h) + a - a.mean(dim=1, keepdim=True)
        return self.out(h)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--state", type=int, default=64, help="input (state) size")
    p.add_argument("--hidden", type=str, default="128,64", help="hidden widths, comma-separated")
    p.add_argument("--actions", type=int, default=100)
    p.add_argument("--head", choices=["linear", "dueling"], default="linear")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--loss", choices=["huber", "mse"], default="huber")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--sync", type=int, default=100, help="hard target sync every N updates")
    p.add_argument("--clip", type=float, default=0.0, help="max gradient norm (0: no clipping)")
    p.add_argument("--replay", type=int, default=10000, help="transitions in the random replay")
    p.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    p.add_argument("--rounds", type=int, default=1, help="measurements; medians are reported")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--adam", choices=["auto", "single", "foreach"], default="auto",
                   help="torch.optim.Adam implementation; auto picks the faster one on this machine")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    try:
        a.hidden = [int(h) for h in a.hidden.split(",") if h.strip() != ""]
    except ValueError:
        p.error(f"--hidden must be comma-separated integers, got {a.hidden!r}")
    for name in ("state", "actions", "batch", "sync", "replay", "rounds", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be >= 1")
    if any(h < 1 for h in a.hidden):
        p.error("--hidden widths must be >= 1")
    return a


def make_update(args, online, target, opt, replay):
    S, A, R, S2, D = replay
    n = S.shape[0]
    loss_fn = F.smooth_l1_loss if args.loss == "huber" else F.mse_loss
    gamma = args.gamma
    state = {"t": 0}

    def update():
        idx = torch.randint(n, (args.batch,))
        s, a, r, s2, d = S[idx], A[idx], R[idx], S2[idx], D[idx]
        with torch.no_grad():
            y = r + gamma * (1.0 - d) * target(s2).max(dim=1).values
        q = online(s).gather(1, a.unsqueeze(1)).squeeze(1)
        loss = loss_fn(q, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(online.parameters(), args.clip)
        opt.step()
        state["t"] += 1
        if state["t"] % args.sync == 0:
            target.load_state_dict(online.state_dict())

    return update


def rate(fn, seconds):
    """Calls per second of fn over about `seconds` (after a short warm-up), by the wall clock and
    by this process's CPU time: (wall, cpu)."""
    for _ in range(20):
        fn()
    count = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    deadline = start + seconds
    while True:
        for _ in range(10):
            fn()
        count += 10
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start), count / max(1e-9, time.process_time() - cpu_start)


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    online = QNet(args.state, args.hidden, args.actions, args.head)
    target = QNet(args.state, args.hidden, args.actions, args.head)
    target.load_state_dict(online.state_dict())
    replay = (
        torch.randn(args.replay, args.state),
        torch.randint(args.actions, (args.replay,)),
        torch.randn(args.replay),
        torch.randn(args.replay, args.state),
        (torch.rand(args.replay) < 0.05).float(),
    )

    def build(foreach):
        return torch.optim.Adam(online.parameters(), lr=args.lr, foreach=foreach)

    choice = args.adam
    if choice == "auto":
        # Pick the faster Adam implementation here, so the comparison is against torch at its best.
        # Alternating short windows, best CPU-time rate of each (robust on a busy machine).
        candidates = {name: make_update(args, online, target, build(foreach), replay)
                      for name, foreach in (("single", False), ("foreach", True))}
        rates = {name: 0.0 for name in candidates}
        for _ in range(4):
            for name, fn in candidates.items():
                rates[name] = max(rates[name], rate(fn, min(0.25, args.seconds))[1])
        choice = max(rates, key=rates.get)
    opt = build(choice == "foreach")
    update = make_update(args, online, target, opt, replay)

    x1 = torch.randn(1, args.state)
    x256 = torch.randn(256, args.state)

    def infer1():
        with torch.inference_mode():
            online(x1).argmax(dim=1)

    def infer256():
        with torch.inference_mode():
            online(x256).argmax(dim=1)

    ups, ups_cpu, b1, b256 = [], [], [], []
    for _ in range(args.rounds):
        wall, cpu = rate(update, args.seconds)
        ups.append(wall)
        ups_cpu.append(cpu)
        b1.append(1e6 / rate(infer1, args.seconds / 4)[0])
        b256.append(1e6 / rate(infer256, args.seconds / 4)[0])
    print(json.dumps({
        "torch_updates_per_s": statistics.median(ups),
        "torch_updates_per_cpu_s": statistics.median(ups_cpu),
        "infer_b1_us": statistics.median(b1),
        "infer_b256_us": statistics.median(b256),
        "rounds": args.rounds,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "adam": choice,
        "blas": "see update-alternatives --display libblas.so.3-x86_64-linux-gnu",
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
