"""What every peer shares: loading a `gcnbench export` directory, the command line, initial
parameters, the timed training driver and the JSON lines that gcnbench itself prints.

A peer supplies a Trainer (see `Trainer` below) for its framework; `run_peer` does the rest, so
warm-up, seeds, timing and statistics are written once for all peers, as gcnbench's own loop is.
Needs only numpy (1.24 or 2.x) and the standard library.
"""

import argparse
import json
import math
import os
import platform
import resource
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:  # an interpreter without numpy cannot run any peer: report it as skipped
    print(json.dumps({"event": "skipped", "implementation": os.path.basename(sys.argv[0]).replace("_gcn.py", ""),
                      "reason": "numpy not installed"}), flush=True)
    sys.exit(3)

EXIT_ERROR = 2    # bad problem directory, bad arguments: message on stderr
EXIT_SKIPPED = 3  # framework or device not available: one "skipped" line on stdout

SPLIT_NONE, SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST = 0, 1, 2, 3

CONFIG_FIELDS = (
    "preset", "layers", "hidden", "dropout", "input_dropout", "bias", "bias_before_aggregation", "lr",
    "weight_decay", "weight_decay_first_layer_only", "adam_beta1", "adam_beta2", "adam_eps", "epochs",
    "row_normalize_features", "adjacency", "features", "val_from_train_forward",
)


class PeerError(Exception):
    """An input problem the user can fix; reported on stderr with exit status 2."""


def emit(obj):
    print(json.dumps(_finite_or_null(obj)), flush=True)


def _finite_or_null(obj):
    # JSON has no NaN/Infinity (a split with no nodes gives NaN loss): write null instead.
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite_or_null(v) for v in obj]
    return obj


def skip(implementation, reason):
    """Framework or device missing: the harness lists the peer as skipped."""
    emit({"event": "skipped", "implementation": implementation, "reason": reason})
    sys.exit(EXIT_SKIPPED)


def fail(message):
    print("error: " + message, file=sys.stderr, flush=True)
    sys.exit(EXIT_ERROR)


# --------------------------------------------------------------------------------------------
# The exported problem


class Csr:
    def __init__(self, indptr, indices, data, shape):
        self.indptr, self.indices, self.data, self.shape = indptr, indices, data, shape

    @property
    def nnz(self):
        return int(self.indices.shape[0])

    def coo_rows(self):
        """Row index of every stored entry (int64), for COO / segment_sum formulations."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))

    def to_dense(self):
        dense = np.zeros(self.shape, dtype=np.float32)
        dense[self.coo_rows(), self.indices] = self.data
        return dense


class Problem:
    """The arrays of an export directory, plus the split indices every peer needs."""

    def __init__(self, meta, adj, feat, labels, split):
        self.meta = meta
        self.config = dict(meta["config"])
        self.dataset = meta["dataset"]
        self.num_nodes = int(meta["num_nodes"])
        self.num_features = int(meta["num_features"])
        self.num_classes = int(meta["num_classes"])
        self.adj, self.feat, self.labels, self.split = adj, feat, labels, split
        self.train_idx = np.flatnonzero(split == SPLIT_TRAIN).astype(np.int64)
        self.val_idx = np.flatnonzero(split == SPLIT_VAL).astype(np.int64)
        self.test_idx = np.flatnonzero(split == SPLIT_TEST).astype(np.int64)

    def widths(self):
        layers, hidden = int(self.config["layers"]), int(self.config["hidden"])
        return [self.num_features] + [hidden] * (layers - 1) + [self.num_classes]

    def labels_for_loss(self):
        """Labels with -1 (no label) replaced by 0; only train/val/test nodes are ever indexed,
        and those are all labelled, but frameworks' gathers must not see a negative index."""
        return np.where(self.labels < 0, 0, self.labels).astype(np.int64)


def _load_npy(directory, name, dtype, length=None):
    path = os.path.join(directory, name)
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise PeerError(f"{path}: {e}")
    if array.dtype != np.dtype(dtype) or array.ndim != 1:
        raise PeerError(f"{path}: expected a 1-D {np.dtype(dtype)} array, found {array.ndim}-D {array.dtype}")
    if length is not None and array.shape[0] != length:
        raise PeerError(f"{path}: {array.shape[0]} entries, expected {length}")
    return array


def _load_csr(directory, prefix, rows, cols):
    indptr = _load_npy(directory, prefix + "_indptr.npy", np.int64, rows + 1)
    nnz = int(indptr[-1])
    indices = _load_npy(directory, prefix + "_indices.npy", np.int32, nnz)
    data = _load_npy(directory, prefix + "_data.npy", np.float32, nnz)
    if indptr[0] != 0 or np.any(np.diff(indptr) < 0):
        raise PeerError(f"{directory}: {prefix}_indptr.npy is not a valid row-offset array")
    if nnz and (indices.min() < 0 or indices.max() >= cols):
        raise PeerError(f"{directory}: {prefix}_indices.npy has a column outside 0..{cols - 1}")
    return Csr(indptr, indices, data, (rows, cols))


def load_adjacency(directory):
    """The normalized adjacency alone (`gcnbench ops`' peers need nothing else)."""
    meta_path = os.path.join(directory, "problem.json")
    try:
        with open(meta_path) as f:
            n = int(json.load(f)["num_nodes"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise PeerError(f"{meta_path}: {e}")
    return _load_csr(directory, "adj", n, n)


def load_problem(directory):
    meta_path = os.path.join(directory, "problem.json")
    try:
        with open(meta_path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        raise PeerError(f"{meta_path}: {e}")
    if meta.get("format") != "gcnbench-problem-1":
        raise PeerError(f"{meta_path}: format {meta.get('format')!r}, expected 'gcnbench-problem-1'")
    missing = [k for k in ("dataset", "num_nodes", "num_features", "num_classes", "config") if k not in meta]
    missing += [f"config.{k}" for k in CONFIG_FIELDS if k not in meta.get("config", {})]
    if missing:
        raise PeerError(f"{meta_path}: missing {', '.join(missing)}")
    n, f = int(meta["num_nodes"]), int(meta["num_features"])
    adj = _load_csr(directory, "adj", n, n)
    feat = _load_csr(directory, "feat", n, f)
    labels = _load_npy(directory, "labels.npy", np.int32, n)
    split = _load_npy(directory, "split.npy", np.uint8, n)
    if np.any(labels[split != SPLIT_NONE] < 0) or np.any(labels >= int(meta["num_classes"])):
        raise PeerError(f"{directory}: labels.npy has a split node without a label or a label out of range")
    if not np.any(split == SPLIT_TRAIN):
        raise PeerError(f"{directory}: split.npy has no training node")
    return Problem(meta, adj, feat, labels, split)


# --------------------------------------------------------------------------------------------
# Command line


def parse_seeds(text):
    """'0-4' -> [0..4], '3' -> [3], '0,4,7' -> [0, 4, 7]; ranges and lists combine ('0-2,9')."""
    seeds = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise argparse.ArgumentTypeError(f"empty seed in {text!r}")
        lo, sep, hi = part.partition("-")
        try:
            if sep:
                a, b = int(lo), int(hi)
                if b < a:
                    raise argparse.ArgumentTypeError(f"seed range {part!r} runs backwards")
                seeds.extend(range(a, b + 1))
            else:
                seeds.append(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad seed spec {text!r} (examples: 0-4, 3, 0,4,7)")
    if any(s < 0 for s in seeds):
        raise argparse.ArgumentTypeError("seeds must be non-negative")
    return seeds


REGULARIZERS = ("torch-l2", "mlx-gcn-l2norm")


def make_parser(description, variants=None, regularizers=False):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--problem", required=True, metavar="DIR", help="directory written by `gcnbench export`")
    p.add_argument("--device", choices=("cpu", "cuda", "mps"), default="cpu")
    p.add_argument("--seeds", type=parse_seeds, default=[0], metavar="SPEC", help="0-4, 3 or 0,4,7 (default 0)")
    p.add_argument("--warmup", type=int, default=0, metavar="W",
                   help="epochs trained from a throwaway init before the first run, not reported")
    p.add_argument("--epochs", type=int, default=None, metavar="E", help="override the exported config")
    p.add_argument("--sync-every-epoch", action="store_true",
                   help="read the metrics back and time every epoch; default: read them once per run")
    p.add_argument("--timing", choices=("per-epoch", "per-run", "dispatch"), default=None,
                   help="per-epoch (= --sync-every-epoch), per-run (the default), or dispatch: each epoch's host "
                        "issue time, the metrics read back after the clock stops (the MLX-vs-CUDA benchmark's "
                        "timing)")
    p.add_argument("--init-weights", metavar="FILE", default=None,
                   help="gcnbench-parameters-1 JSON: every run starts from these parameters")
    p.add_argument("--dropout", type=float, default=None, metavar="P", help="override the exported config")
    p.add_argument("--threads", type=int, default=None, metavar="N", help="CPU threads of the framework")
    p.add_argument("--adj", choices=("dense", "sparse"), default=None, help="override the adjacency format")
    p.add_argument("--json", action="store_true", default=True, help="JSON lines output (the only output)")
    if variants:
        p.add_argument("--variant", choices=variants, default=None,
                       help="adjacency and feature format (default: the exported config's)")
    if regularizers:
        p.add_argument("--regularizer", choices=REGULARIZERS, default="torch-l2",
                       help="torch-l2: weight_decay * p added to the gradient (torch.optim.Adam; the default); "
                            "mlx-gcn-l2norm: weight_decay * sqrt(sum of squares of every parameter) added to the "
                            "loss, as the MLX-vs-CUDA benchmark's MLX model did (its main.py since 9c25a23)")
    return p


def parse_args(parser, argv=None):
    """Parses and checks the arguments; usage errors exit with status 2 (argparse's own)."""
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be non-negative")
    if args.dropout is not None and not 0.0 <= args.dropout < 1.0:
        parser.error("--dropout must be in [0, 1)")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.sync_every_epoch:
        if args.timing not in (None, "per-epoch"):
            parser.error(f"--sync-every-epoch is --timing per-epoch; it contradicts --timing {args.timing}")
        args.timing = "per-epoch"
    if args.timing is None:
        args.timing = "per-run"
    args.sync_every_epoch = args.timing == "per-epoch"
    return args


def effective_config(problem, args):
    """The exported config with the command-line overrides applied."""
    config = dict(problem.config)
    if args.epochs is not None:
        config["epochs"] = args.epochs
    if args.dropout is not None:
        config["dropout"] = args.dropout
    config["regularizer"] = getattr(args, "regularizer", "torch-l2")
    variant = getattr(args, "variant", None)
    if variant is not None:
        config["adjacency"] = config["features"] = variant
    if args.adj is not None:
        config["adjacency"] = args.adj
    return config


# --------------------------------------------------------------------------------------------
# Parameters: lists of (weight in x out float32, bias out float32 or None)


def glorot_parameters(widths, bias, seed):
    """U(-a, a), a = sqrt(6 / (fan_in + fan_out)) as torch.nn.init.xavier_uniform_; zero bias.
    Drawn with numpy from the seed, so all peers start a given seed from the same weights
    (gcnbench's own Philox draws differ; `verify` passes --init-weights to compare exactly)."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        a = math.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-a, a, size=(fan_in, fan_out)).astype(np.float32)
        params.append((w, np.zeros(fan_out, dtype=np.float32) if bias else None))
    return params


def l2norm_regularizer_weight(config):
    """The weight of the mlx-gcn-l2norm term (0 under torch-l2), and the weight decay Adam adds
    to the gradient instead (0 under mlx-gcn-l2norm): exactly one of the two is used."""
    wd = float(config["weight_decay"])
    if config.get("regularizer", "torch-l2") == "mlx-gcn-l2norm":
        if config["weight_decay_first_layer_only"]:
            raise PeerError("--regularizer mlx-gcn-l2norm covers every parameter; the config decays layer 0 only "
                            "(use --weight-decay-all-layers, as the mlx-gcn preset does)")
        return wd, 0.0
    return 0.0, wd


def load_parameters(path, widths, bias):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise PeerError(f"{path}: {e}")
    if doc.get("format") != "gcnbench-parameters-1":
        raise PeerError(f"{path}: format {doc.get('format')!r}, expected 'gcnbench-parameters-1'")
    layers = doc.get("layers", [])
    if len(layers) != len(widths) - 1:
        raise PeerError(f"{path}: {len(layers)} layers, the model has {len(widths) - 1}")
    params = []
    for l, layer in enumerate(layers):
        rows, cols = int(layer["rows"]), int(layer["cols"])
        if (rows, cols) != (widths[l], widths[l + 1]):
            raise PeerError(f"{path}: layer {l} is {rows} x {cols}, the model needs {widths[l]} x {widths[l + 1]}")
        w = np.asarray(layer["weight"], dtype=np.float32)
        if w.size != rows * cols:
            raise PeerError(f"{path}: layer {l} weight has {w.size} values, expected {rows * cols}")
        b = np.asarray(layer.get("bias", []), dtype=np.float32)
        if bias and b.size != cols:
            raise PeerError(f"{path}: layer {l} bias has {b.size} values, expected {cols}")
        if not bias and b.size != 0:
            raise PeerError(f"{path}: layer {l} has a bias but the config has bias off")
        params.append((w.reshape(rows, cols), b if bias else None))
    return params


# --------------------------------------------------------------------------------------------
# The training driver


class Trainer:
    """What a peer implements. Metrics are framework arrays of [train_loss, train_acc, val_loss,
    val_acc] left on the device until `metrics_to_host`, so an unsynced run never waits."""

    implementation = "?"   # "torch-dense"...
    framework = "?"
    framework_version = "?"
    device = "cpu"
    device_name = "?"
    threads = None
    blas = None
    adj = "dense"          # what this trainer really uses, for the summary
    features = "dense"
    timing = "per-run"     # set by run_peer: "dispatch" asks train_epoch to evaluate as mlx-GCN did
    # A trainer that compiles on its first calls (torch.compile, mx.compile) sets compiles; run_peer
    # then makes one untimed call of each compiled function first and reports its time as
    # compile_ms. One that compiles ahead of time (JAX's lowered jit) sets compile_ms itself.
    compiles = False
    compile_ms = None

    def reset(self, params, seed):
        """Load parameters (list of (W, b or None) numpy arrays), zero the Adam state, seed dropout."""
        raise NotImplementedError

    def train_epoch(self, epoch):
        """One epoch: forward with dropout, loss, backward, Adam step, val metrics; returns the
        metrics handle without synchronizing."""
        raise NotImplementedError

    def metrics_to_host(self, handles):
        """List of handles -> list of 4-tuples of Python floats (synchronizes)."""
        raise NotImplementedError

    def synchronize(self):
        pass

    def evaluate_test(self):
        """Eval-mode forward: (test_loss, test_acc) as floats."""
        raise NotImplementedError

    def reset_peak_device_bytes(self):
        pass

    def peak_device_bytes(self):
        return 0  # CPU runs: no separate device memory


def peak_host_bytes():
    # Linux: VmHWM, the peak of this program's own address space. ru_maxrss also keeps the peak
    # of the address space before exec, i.e. of the process this one was forked from (gcnbench
    # bench), which would put a floor under every peer's figure.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)  # bytes on macOS, KiB on Linux


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def loaded_blas_library():
    """The BLAS shared library mapped into this process (Linux), e.g. 'libopenblas.so.0'."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return None
    for key in ("mkl_rt", "libmkl", "openblas", "blis", "libblas", "accelerate"):
        for p in sorted(paths):
            if key in os.path.basename(p).lower():
                return os.path.basename(p)
    return None


def _stats(values):
    # Sample standard deviation (ddof=1) for both accuracy over seeds and epoch time over
    # samples; 0 when there is one value (as gcnbench's bench/stats does).
    mean = statistics.fmean(values) if values else float("nan")
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    median = statistics.median(values) if values else float("nan")
    return mean, std, median


def run_peer(trainer, problem, config, args, init_params=None):
    """Warm-up, one run per seed, JSON lines on stdout. Returns the list of run results."""
    epochs = int(config["epochs"])
    widths = problem.widths()
    bias = bool(config["bias"])
    timing = args.timing
    per_epoch = timing in ("per-epoch", "dispatch")  # each epoch timed alone
    trainer.timing = timing

    def initial(seed):
        return init_params if init_params is not None else glorot_parameters(widths, bias, seed)

    if trainer.compiles:
        # The first epoch and test pass compile (training graph, its backward, evaluation graph):
        # timed apart, as compile_ms, and never part of an epoch time.
        compile_seed = args.seeds[0] ^ 0xC0FFEE
        trainer.reset(glorot_parameters(widths, bias, compile_seed), compile_seed)
        trainer.synchronize()
        t0 = time.perf_counter()
        trainer.metrics_to_host([trainer.train_epoch(0)])
        trainer.evaluate_test()
        trainer.synchronize()
        trainer.compile_ms = (time.perf_counter() - t0) * 1e3

    if args.warmup > 0:
        # Throwaway parameters; also compiles (jit) and warms caches before anything is timed.
        warm_seed = args.seeds[0] ^ 0x5EEDF00D
        trainer.reset(glorot_parameters(widths, bias, warm_seed), warm_seed)
        handles = [trainer.train_epoch(e) for e in range(args.warmup)]
        trainer.metrics_to_host(handles)
        trainer.evaluate_test()

    runs = []
    for seed in args.seeds:
        trainer.reset(initial(seed), seed)
        trainer.reset_peak_device_bytes()
        trainer.synchronize()
        epoch_ms = []
        metrics = []
        run_start = time.perf_counter()
        if timing == "per-epoch":
            for e in range(epochs):
                t0 = time.perf_counter()
                handle = trainer.train_epoch(e)
                metrics.extend(trainer.metrics_to_host([handle]))
                trainer.synchronize()
                epoch_ms.append((time.perf_counter() - t0) * 1e3)
        elif timing == "dispatch":
            # As TristanBilot/mlx-GCN timed it: the clock stops once the epoch is issued; the
            # read-back that waits for the device (its early-stopping comparison) comes after.
            for e in range(epochs):
                t0 = time.perf_counter()
                handle = trainer.train_epoch(e)
                epoch_ms.append((time.perf_counter() - t0) * 1e3)
                metrics.extend(trainer.metrics_to_host([handle]))
                trainer.synchronize()
        else:
            handles = [trainer.train_epoch(e) for e in range(epochs)]
            metrics = trainer.metrics_to_host(handles)  # the one read-back, inside the timing
            trainer.synchronize()
        total_ms = (time.perf_counter() - run_start) * 1e3

        for e, (train_loss, train_acc, val_loss, val_acc) in enumerate(metrics):
            if not math.isfinite(train_loss):
                raise PeerError(f"training diverged: train loss {train_loss} at epoch {e} of seed {seed}")
            emit({"event": "epoch", "seed": seed, "epoch": e, "train_loss": train_loss, "train_acc": train_acc,
                  "val_loss": val_loss, "val_acc": val_acc, "epoch_ms": epoch_ms[e] if per_epoch else None})
        test_loss, test_acc = trainer.evaluate_test()
        run = {"event": "run", "seed": seed, "epochs": epochs, "total_ms": total_ms,
               "epoch_ms_mean": total_ms / epochs, "epoch_ms": epoch_ms, "test_loss": test_loss,
               "test_acc": test_acc, "peak_host_bytes": peak_host_bytes(),
               "peak_device_bytes": int(trainer.peak_device_bytes())}
        emit(run)
        runs.append(run)

    # Per-epoch samples when each epoch was timed alone, otherwise one sample (run mean) per run.
    samples = [ms for r in runs for ms in r["epoch_ms"]] if per_epoch else [r["epoch_ms_mean"] for r in runs]
    acc_mean, acc_std, _ = _stats([r["test_acc"] for r in runs])
    loss_mean, _, _ = _stats([r["test_loss"] for r in runs])
    ms_mean, ms_std, ms_median = _stats(samples)
    emit({"event": "summary", "implementation": trainer.implementation, "backend": trainer.implementation,
          "framework": trainer.framework, "framework_version": trainer.framework_version,
          "device": trainer.device, "device_name": trainer.device_name, "threads": trainer.threads,
          "blas": trainer.blas, "python": sys.executable, "python_version": platform.python_version(),
          "dataset": problem.dataset, "adj": trainer.adj,
          "features": trainer.features, "preset": config["preset"], "epochs": epochs, "layers": int(config["layers"]),
          "timing": timing, "compile_ms": trainer.compile_ms,
          "config": {k: config[k] for k in CONFIG_FIELDS + ("regularizer",)},
          "seeds": list(args.seeds),
          "test_acc_mean": acc_mean, "test_acc_std": acc_std, "test_loss_mean": loss_mean,
          "epoch_ms_mean": ms_mean, "epoch_ms_std": ms_std, "epoch_ms_median": ms_median})
    return runs


def main_guard(body):
    """Runs a peer's main: PeerError -> message on stderr, exit 2."""
    try:
        body()
    except PeerError as e:
        fail(str(e))
    except KeyboardInterrupt:
        sys.exit(130)
