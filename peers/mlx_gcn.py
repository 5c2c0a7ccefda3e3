#!/usr/bin/env python3
"""GCN in MLX, on a `gcnbench export` directory; JSON lines like `gcnbench train --json`.

--variant dense (name "mlx", default): dense features and dense n x n A_hat, as TristanBilot/mlx-GCN
                                      main_mlx.py does (MLX has no sparse matmul).
--variant sparse (name "mlx-sparse"): A_hat and features as COO, products by gather + scatter-add.

Adam is written out with torch.optim.Adam's semantics (mlx.optimizers.Adam differs: no L2 term,
and no bias correction unless asked), so all peers optimize the same way. --regularizer
mlx-gcn-l2norm instead adds weight_decay * sqrt(sum of squares of every parameter) to the loss,
as the MLX-vs-CUDA benchmark's MLX model did (TristanBilot/mlx-GCN main.py since 9c25a23);
train_loss is still reported as the cross-entropy alone.
MLX evaluates lazily: every epoch's parameters and metrics are evaluated (asynchronously when
mx.async_eval exists and the run is not synced per epoch), as mlx-GCN's loop does with mx.eval.

Runs where `mlx` is importable (Apple silicon; Linux with mlx[cuda] or mlx[cpu]); else skipped.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import numpy as np  # noqa: E402


def import_mlx(implementation):
    try:
        import mlx.core as mx
    except ImportError:
        common.skip(implementation, "mlx not installed")
    return mx


def gpu_available(mx):
    if hasattr(mx, "is_available"):
        return bool(mx.is_available(mx.gpu))
    return hasattr(mx, "metal") and mx.metal.is_available()


def _call_first(mx, names, *args):
    """The first of mx.<name> / mx.metal.<name> that exists (MLX moved these out of mx.metal)."""
    for owner in (mx, getattr(mx, "metal", None)):
        for name in names:
            fn = getattr(owner, name, None) if owner is not None else None
            if fn is not None:
                return fn(*args)
    return None


class MlxGcn(common.Trainer):
    def __init__(self, mx, problem, config, device_name):
        self.mx, self.config = mx, config
        self.adj = config["adjacency"]
        self.features = config["features"]
        self.implementation = "mlx" if self.adj == "dense" else "mlx-sparse"
        if config.get("regularizer") == "mlx-gcn-l2norm":
            self.implementation += "-l2norm"
        self.framework = "mlx"
        self.framework_version = getattr(mx, "__version__", "?")
        self.device = device_name
        self.device_name = common.cpu_name() if device_name == "cpu" else f"{device_name} (mlx gpu)"
        self.threads = os.cpu_count() if device_name == "cpu" else None
        self.blas = "accelerate" if sys.platform == "darwin" and device_name == "cpu" else "mlx"
        self.n = problem.num_nodes
        self.p = float(config["dropout"])
        self.l2norm_weight, wd = common.l2norm_regularizer_weight(config)
        layers = len(problem.widths()) - 1
        self.wd = [wd if (l == 0 or not config["weight_decay_first_layer_only"]) else 0.0 for l in range(layers)]

        y = problem.labels_for_loss().astype(np.int32)
        if self.adj == "dense":
            self.A = mx.array(problem.adj.to_dense())
        else:
            self.a_rows = mx.array(problem.adj.coo_rows().astype(np.int32))
            self.a_cols = mx.array(problem.adj.indices)
            self.a_vals = mx.array(problem.adj.data)
        if self.features == "dense":
            self.X = mx.array(problem.feat.to_dense())
        else:
            self.x_rows = mx.array(problem.feat.coo_rows().astype(np.int32))
            self.x_cols = mx.array(problem.feat.indices)
            self.x_vals = mx.array(problem.feat.data)
        self.idx = {s: mx.array(getattr(problem, s + "_idx").astype(np.int32)) for s in ("train", "val", "test")}
        self.y = {s: mx.array(y[getattr(problem, s + "_idx")]) for s in ("train", "val", "test")}
        mx.eval(list(self.idx.values()) + list(self.y.values()))  # upload now, not in the first epoch
        self.async_eval = getattr(mx, "async_eval", None)

    def _scatter_rows(self, rows, msgs):
        return self.mx.zeros((self.n, msgs.shape[1]), dtype=msgs.dtype).at[rows].add(msgs)

    def _dropout(self, x):
        mx = self.mx
        keep = mx.random.bernoulli(1.0 - self.p, x.shape)
        return mx.where(keep, x / (1.0 - self.p), mx.zeros_like(x))

    def forward(self, params, training):
        mx, cfg = self.mx, self.config
        h = None
        for l, layer in enumerate(params):
            drop = training and self.p > 0 and (l > 0 or cfg["input_dropout"])
            w = layer["w"]
            if l == 0 and self.features == "sparse":
                vals = self._dropout(self.x_vals) if drop else self.x_vals
                z = self._scatter_rows(self.x_rows, vals[:, None] * w[self.x_cols])
            else:
                x = self.X if l == 0 else h
                z = (self._dropout(x) if drop else x) @ w
            if "b" in layer and cfg["bias_before_aggregation"]:
                z = z + layer["b"]
            if self.adj == "dense":
                h = self.A @ z
            else:
                h = self._scatter_rows(self.a_rows, self.a_vals[:, None] * z[self.a_cols])
            if "b" in layer and not cfg["bias_before_aggregation"]:
                h = h + layer["b"]
            if l < len(params) - 1:
                h = mx.maximum(h, 0.0)
        return h

    def _loss_acc(self, logits, y):
        mx = self.mx
        logp = logits - mx.logsumexp(logits, axis=1, keepdims=True)
        loss = -mx.mean(mx.take_along_axis(logp, y[:, None], axis=1))
        acc = mx.mean((mx.argmax(logits, axis=1) == y).astype(mx.float32))
        return loss, acc

    def _adam(self, grads):
        """torch.optim.Adam, one step, L2 weight decay per layer."""
        mx, cfg = self.mx, self.config
        lr, b1, b2, eps = (float(cfg[k]) for k in ("lr", "adam_beta1", "adam_beta2", "adam_eps"))
        self.t += 1
        c1 = 1.0 - b1 ** self.t
        c2_sqrt = (1.0 - b2 ** self.t) ** 0.5
        for l, layer in enumerate(self.params):
            for k in layer:
                g = grads[l][k] + self.wd[l] * layer[k] if self.wd[l] else grads[l][k]
                m = b1 * self.m[l][k] + (1.0 - b1) * g
                v = b2 * self.v[l][k] + (1.0 - b2) * g * g
                layer[k] = layer[k] - (lr / c1) * m / (mx.sqrt(v) / c2_sqrt + eps)
                self.m[l][k], self.v[l][k] = m, v

    # -- Trainer --------------------------------------------------------------------------------

    def reset(self, params, seed):
        mx = self.mx
        mx.random.seed(seed)
        self.params = []
        for w, b in params:
            layer = {"w": mx.array(np.asarray(w, dtype=np.float32))}
            if b is not None:
                layer["b"] = mx.array(np.asarray(b, dtype=np.float32))
            self.params.append(layer)
        self.m = [{k: mx.zeros_like(v) for k, v in layer.items()} for layer in self.params]
        self.v = [{k: mx.zeros_like(v) for k, v in layer.items()} for layer in self.params]
        self.t = 0
        mx.eval(self.params, self.m, self.v)

    def train_epoch(self, epoch):
        mx = self.mx

        def loss_fn(params):
            logits = self.forward(params, True)
            loss, _ = self._loss_acc(logits[self.idx["train"]], self.y["train"])
            objective = loss
            if self.l2norm_weight:
                squares = sum(mx.sum(p * p) for layer in params for p in layer.values())
                objective = loss + self.l2norm_weight * mx.sqrt(squares)
            return objective, loss, logits

        (_, loss, logits), grads = mx.value_and_grad(loss_fn)(self.params)
        self._adam(grads)
        _, train_acc = self._loss_acc(logits[self.idx["train"]], self.y["train"])
        val_logits = logits if self.config["val_from_train_forward"] else self.forward(self.params, False)
        val_loss, val_acc = self._loss_acc(val_logits[self.idx["val"]], self.y["val"])
        metrics = mx.stack([loss, train_acc, val_loss, val_acc])
        if self.timing == "dispatch":
            # mlx-GCN's loop: mx.eval(parameters, optimizer state) inside the timing, the
            # validation metrics left lazy until after it.
            mx.eval(self.params, self.m, self.v)
        else:
            # Evaluate now so the lazy graph never spans epochs; asynchronously unless synced.
            (self.async_eval or mx.eval)(self.params, self.m, self.v, metrics)
        return metrics

    def metrics_to_host(self, handles):
        self.mx.eval(handles)
        return [tuple(float(v) for v in m.tolist()) for m in handles]

    def synchronize(self):
        self.mx.eval(self.params)
        if hasattr(self.mx, "synchronize"):
            self.mx.synchronize()

    def evaluate_test(self):
        loss, acc = self._loss_acc(self.forward(self.params, False)[self.idx["test"]], self.y["test"])
        self.mx.eval(loss, acc)
        return float(loss.item()), float(acc.item())

    def reset_peak_device_bytes(self):
        if self.device != "cpu":
            _call_first(self.mx, ("reset_peak_memory",))

    def peak_device_bytes(self):
        if self.device == "cpu":
            return 0
        return int(_call_first(self.mx, ("get_peak_memory",)) or 0)


def main():
    parser = common.make_parser(__doc__.split("\n\n")[0], variants=("dense", "sparse"), regularizers=True)
    args = common.parse_args(parser)
    if args.variant is None:
        args.variant = "dense"  # "mlx" is the dense model (MLX has no sparse matmul), whatever the preset
    name = "mlx-sparse" if (args.adj or args.variant) == "sparse" else "mlx"
    if args.regularizer == "mlx-gcn-l2norm":
        name += "-l2norm"
    mx = import_mlx(name)
    if args.device == "cpu":
        mx.set_default_device(mx.cpu)
    elif not gpu_available(mx):
        common.skip(name, f"{args.device} device not available to mlx")
    else:
        mx.set_default_device(mx.gpu)

    def body():
        problem = common.load_problem(args.problem)
        config = common.effective_config(problem, args)
        init = (common.load_parameters(args.init_weights, problem.widths(), bool(config["bias"]))
                if args.init_weights else None)
        trainer = MlxGcn(mx, problem, config, args.device)
        common.run_peer(trainer, problem, config, args, init)

    common.main_guard(body)


if __name__ == "__main__":
    main()
