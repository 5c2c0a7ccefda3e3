"""What the op peers (ops_torch.py, ops_jax.py) share: the command line of `gcnbench op-run`,
the inputs of an op case drawn from its seed, and the timing protocol of src/bench/op_timing.hpp
(a first execution timed alone; samples of K back-to-back executions, K chosen so a sample takes
about a millisecond; three warm-up samples), printing the same "run" and "summary" lines.

A peer supplies `prepare(case) -> Prepared`: `run()` issues one execution and returns its
result, `finish(result)` waits until that result exists (a synchronize, block_until_ready), and
the descriptive fields of the summary. Needs only numpy and the standard library.
"""

import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import numpy as np  # noqa: E402

TARGET_SAMPLE_MS = 1.0
WARMUP_SAMPLES = 3
MAX_EXECUTIONS_PER_SAMPLE = 100000

SUPPORTED_OPS = ("spmm", "gemm", "gemm_at_b", "gemm_a_bt", "bias_relu_dropout", "relu_dropout_backward",
                 "bias_backward", "softmax_cross_entropy", "adam_update", "copy",
                 "gather", "scatter_sum", "softmax", "linear")


class Case:
    """One op case's shapes and inputs (numpy, float32 in [-1, 1); labels uniform over the n
    classes; one row in three in each of train, val and test, as src/bench/op_inputs.cpp draws
    them. The values differ from gcnbench's own draw: only their shapes and ranges matter for
    timing)."""

    def __init__(self, args):
        self.op, self.m, self.k, self.n, self.seed = args.op, args.m, args.k, args.n, args.seed
        self.adj = common.load_adjacency(args.graph) if args.graph else None
        if self.adj is not None:
            self.m = self.adj.shape[0]
        self.rng = np.random.default_rng(args.seed)

    def values(self, *shape):
        return self.rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)

    def labels(self):
        return self.rng.integers(0, self.n, size=self.m).astype(np.int64)

    def split_rows(self):
        rows = np.arange(self.m, dtype=np.int64)
        return rows[rows % 3 == 0], rows[rows % 3 == 1]

    def need_graph(self):
        if self.adj is None:
            common.fail(f"op {self.op} needs --graph")
        return self.adj


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--op", required=True)
    p.add_argument("--m", type=int, default=0)
    p.add_argument("--k", type=int, default=0)
    p.add_argument("--n", type=int, default=0)
    p.add_argument("--graph", metavar="DIR", help="a `gcnbench export` whose adjacency the op runs on")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--samples", type=int, default=15)
    p.add_argument("--device", choices=("cpu", "cuda", "mps"), default="cpu")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args()
    if min(args.m, args.k, args.n, args.seed) < 0 or args.samples < 1 or args.threads < 0:
        common.fail("sizes, seed and threads must be non-negative, samples positive")
    return args


def executions_per_sample(ms):
    if not ms > 0:
        return MAX_EXECUTIONS_PER_SAMPLE
    return int(min(max(math.ceil(TARGET_SAMPLE_MS / ms), 1), MAX_EXECUTIONS_PER_SAMPLE))


def time_executions(prepared, k):
    """Milliseconds for k back-to-back executions, the last one finished. Every result is kept
    until then, so that no lazy framework can skip an execution whose result was dropped."""
    results = []
    start = time.perf_counter()
    for _ in range(k):
        results.append(prepared.run())
    prepared.finish(results)
    return (time.perf_counter() - start) * 1e3


def time_op(prepared, samples):
    first = time_executions(prepared, 1)
    k = executions_per_sample(first)
    fastest = first
    for _ in range(WARMUP_SAMPLES):
        fastest = min(fastest, time_executions(prepared, k) / k)
    k = executions_per_sample(fastest)
    timed = [time_executions(prepared, k) / k for _ in range(samples)]
    return first, k, timed


def run(implementation, description, prepare):
    """The whole peer: parse, prepare the case, time it, print the two lines."""
    args = parse_args(description)
    if args.op not in SUPPORTED_OPS:
        common.skip(implementation, f"{implementation} has no form of op {args.op}")
    try:
        case = Case(args)
    except common.PeerError as e:
        common.fail(str(e))
    prepared = prepare(case, args)
    first, k, samples = time_op(prepared, args.samples)
    common.emit({"event": "run", "seed": args.seed, "first_ms": first, "executions_per_sample": k,
                 "samples_ms": samples, "flops_done": 0})
    common.emit({"event": "summary", "implementation": implementation, "op": args.op,
                 "framework": prepared.framework, "framework_version": prepared.framework_version,
                 "device_name": prepared.device_name, "threads": prepared.threads})
