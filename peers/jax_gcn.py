#!/usr/bin/env python3
"""GCN in JAX, on a `gcnbench export` directory; JSON lines like `gcnbench train --json`.

The whole epoch (forward with dropout, gradient, Adam update, validation metrics) is one jitted
function, compiled ahead of time before any run so compilation is never timed. Adam is written
out with torch.optim.Adam's semantics (L2 weight decay added to the gradient, bias-corrected
step, eps added after the square root's bias correction); no optax.

--variant dense:  dense features, dense n x n A_hat, jnp matmuls.
--variant sparse: A_hat and the features as COO (CSR rows expanded), products by gather +
                  jax.ops.segment_sum; dropout on sparse features drops stored values.

The harness runs this with the interpreter that has jax. See peers/README.md.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import numpy as np  # noqa: E402


def import_jax(implementation, threads):
    if threads == 1:
        # XLA's CPU thread pool is fixed at start-up; one thread is the only count we can force.
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        common.skip(implementation, "jax not installed")
    return jax, jnp


def jax_device(jax, name, implementation):
    if name == "mps":
        common.skip(implementation, "mps device not supported by jax")
    platforms = ("cpu",) if name == "cpu" else ("cuda", "gpu")
    for platform in platforms:
        try:
            devices = jax.devices(platform)
        except Exception:  # RuntimeError (unknown or uninitialised backend), ValueError in some versions
            continue
        if devices:
            return devices[0]
    common.skip(implementation, f"{name} device not available")


class JaxGcn(common.Trainer):
    def __init__(self, jax, jnp, problem, config, device):
        self.jax, self.jnp, self.dev, self.config = jax, jnp, device, config
        self.adj = config["adjacency"]
        self.features = config["features"]
        self.implementation = "jax-" + self.adj
        self.framework = "jax"
        self.framework_version = jax.__version__
        self.device = "cpu" if device.platform == "cpu" else "cuda"
        self.device_name = common.cpu_name() if device.platform == "cpu" else getattr(device, "device_kind", str(device))
        self.threads = os.cpu_count() if device.platform == "cpu" else None
        self.blas = "xla-cpu (eigen)" if device.platform == "cpu" else "cublas (xla)"
        self.widths = problem.widths()
        self.bias = bool(config["bias"])
        self.n = problem.num_nodes

        y = problem.labels_for_loss().astype(np.int32)
        data = {}
        if self.adj == "dense":
            data["A"] = problem.adj.to_dense()
        else:
            data["a_rows"] = problem.adj.coo_rows().astype(np.int32)
            data["a_cols"] = problem.adj.indices
            data["a_vals"] = problem.adj.data
        if self.features == "dense":
            data["X"] = problem.feat.to_dense()
        else:
            data["x_rows"] = problem.feat.coo_rows().astype(np.int32)
            data["x_cols"] = problem.feat.indices
            data["x_vals"] = problem.feat.data
        for split in ("train", "val", "test"):
            idx = getattr(problem, split + "_idx").astype(np.int32)
            data[split + "_idx"] = idx
            data[split + "_y"] = y[idx]
        self.data = jax.device_put(data, device)  # uploaded once, never timed

        wd = float(config["weight_decay"])
        first_only = bool(config["weight_decay_first_layer_only"])
        self.wd = [wd if (l == 0 or not first_only) else 0.0 for l in range(len(self.widths) - 1)]
        self._compile()

    # -- model ----------------------------------------------------------------------------------

    def _aggregate(self, data, z):
        jax, jnp = self.jax, self.jnp
        if self.adj == "dense":
            return jnp.matmul(data["A"], z)
        msgs = data["a_vals"][:, None] * z[data["a_cols"]]
        return jax.ops.segment_sum(msgs, data["a_rows"], num_segments=self.n, indices_are_sorted=True)

    def _dropout(self, key, x, p):
        keep = self.jax.random.bernoulli(key, 1.0 - p, x.shape)
        return self.jnp.where(keep, x / (1.0 - p), 0.0)

    def forward(self, params, data, key, training):
        jax, jnp, cfg = self.jax, self.jnp, self.config
        p = float(cfg["dropout"])
        h = None
        for l, layer in enumerate(params):
            drop = training and p > 0 and (l > 0 or cfg["input_dropout"])
            if drop:
                key, sub = jax.random.split(key)
            w = layer["w"]
            if l == 0 and self.features == "sparse":
                vals = self._dropout(sub, data["x_vals"], p) if drop else data["x_vals"]
                z = jax.ops.segment_sum(vals[:, None] * w[data["x_cols"]], data["x_rows"], num_segments=self.n,
                                        indices_are_sorted=True)
            else:
                x = data["X"] if l == 0 else h
                z = jnp.matmul(self._dropout(sub, x, p) if drop else x, w)
            if "b" in layer and cfg["bias_before_aggregation"]:
                z = z + layer["b"]
            h = self._aggregate(data, z)
            if "b" in layer and not cfg["bias_before_aggregation"]:
                h = h + layer["b"]
            if l < len(params) - 1:
                h = jax.nn.relu(h)
        return h

    def _loss_acc(self, logits, y):
        jnp = self.jnp
        logp = self.jax.nn.log_softmax(logits, axis=1)
        loss = -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))
        acc = jnp.mean((jnp.argmax(logits, axis=1) == y).astype(jnp.float32))
        return loss, acc

    def _adam(self, params, grads, state):
        """torch.optim.Adam, one step, L2 weight decay per layer."""
        jnp, cfg = self.jnp, self.config
        lr, b1, b2, eps = (float(cfg[k]) for k in ("lr", "adam_beta1", "adam_beta2", "adam_eps"))
        t = state["t"] + 1
        tf = t.astype(jnp.float32)
        c1 = 1.0 - b1 ** tf
        c2_sqrt = jnp.sqrt(1.0 - b2 ** tf)
        new_params, new_m, new_v = [], [], []
        for l, layer in enumerate(params):
            pl, ml, vl = {}, {}, {}
            for k, p in layer.items():
                g = grads[l][k] + self.wd[l] * p if self.wd[l] else grads[l][k]
                m = b1 * state["m"][l][k] + (1.0 - b1) * g
                v = b2 * state["v"][l][k] + (1.0 - b2) * g * g
                pl[k] = p - (lr / c1) * m / (jnp.sqrt(v) / c2_sqrt + eps)
                ml[k], vl[k] = m, v
            new_params.append(pl)
            new_m.append(ml)
            new_v.append(vl)
        return new_params, {"m": new_m, "v": new_v, "t": t}

    def _step(self, params, state, data, key, epoch):
        jax, jnp = self.jax, self.jnp
        key = jax.random.fold_in(key, epoch)

        def loss_fn(ps):
            logits = self.forward(ps, data, key, True)
            loss, _ = self._loss_acc(logits[data["train_idx"]], data["train_y"])
            return loss, logits

        (loss, logits), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        params, state = self._adam(params, grads, state)
        _, train_acc = self._loss_acc(logits[data["train_idx"]], data["train_y"])
        val_logits = logits if self.config["val_from_train_forward"] else self.forward(params, data, None, False)
        val_loss, val_acc = self._loss_acc(val_logits[data["val_idx"]], data["val_y"])
        return params, state, jnp.stack([loss, train_acc, val_loss, val_acc])

    def _test(self, params, data):
        return self._loss_acc(self.forward(params, data, None, False)[data["test_idx"]], data["test_y"])

    def _compile(self):
        """Ahead-of-time compilation for the exact argument shapes, outside every timed region."""
        jax = self.jax
        t0 = time.perf_counter()
        params, state = self._initial_state(common.glorot_parameters(self.widths, self.bias, 0))
        key = jax.device_put(jax.random.PRNGKey(0), self.dev)
        epoch = np.int32(0)
        donate = () if self.dev.platform == "cpu" else (0, 1)  # CPU ignores donation, with a warning
        self.step = jax.jit(self._step, donate_argnums=donate).lower(params, state, self.data, key, epoch).compile()
        self.test = jax.jit(self._test).lower(params, self.data).compile()
        self.compile_ms = (time.perf_counter() - t0) * 1e3

    def _initial_state(self, host_params):
        jnp = self.jnp
        params = []
        for w, b in host_params:
            layer = {"w": np.asarray(w, dtype=np.float32)}
            if b is not None:
                layer["b"] = np.asarray(b, dtype=np.float32)
            params.append(layer)
        zeros = [{k: np.zeros_like(v) for k, v in layer.items()} for layer in params]
        state = {"m": zeros, "v": [{k: np.zeros_like(v) for k, v in layer.items()} for layer in params],
                 "t": np.int32(0)}
        params, state = self.jax.device_put((params, state), self.dev)
        return params, state

    # -- Trainer --------------------------------------------------------------------------------

    def reset(self, params, seed):
        self.params, self.state = self._initial_state(params)
        self.key = self.jax.device_put(self.jax.random.PRNGKey(seed), self.dev)

    def train_epoch(self, epoch):
        self.params, self.state, metrics = self.step(self.params, self.state, self.data, self.key, np.int32(epoch))
        return metrics

    def metrics_to_host(self, handles):
        return [tuple(float(v) for v in m) for m in self.jax.device_get(handles)]

    def synchronize(self):
        for leaf in self.jax.tree_util.tree_leaves(self.params):
            leaf.block_until_ready()

    def evaluate_test(self):
        loss, acc = self.test(self.params, self.data)
        return float(loss), float(acc)

    def peak_device_bytes(self):
        # XLA cannot reset its peak counter: this is the process's peak so far (CPU: 0).
        stats = self.dev.memory_stats() if hasattr(self.dev, "memory_stats") else None
        return int(stats.get("peak_bytes_in_use", 0)) if stats else 0


def main():
    parser = common.make_parser(__doc__.split("\n\n")[0], variants=("dense", "sparse"))
    args = common.parse_args(parser)
    name = "jax-" + (args.adj or args.variant or "dense")
    jax, jnp = import_jax(name, args.threads)
    device = jax_device(jax, args.device, name)

    def body():
        problem = common.load_problem(args.problem)
        config = common.effective_config(problem, args)
        init = (common.load_parameters(args.init_weights, problem.widths(), bool(config["bias"]))
                if args.init_weights else None)
        with jax.default_device(device):
            trainer = JaxGcn(jax, jnp, problem, config, device)
            common.run_peer(trainer, problem, config, args, init)

    common.main_guard(body)


if __name__ == "__main__":
    main()
