#!/usr/bin/env python3
"""GCN in plain PyTorch, on a `gcnbench export` directory; JSON lines like `gcnbench train --json`.

--variant dense:  the MLX-vs-CUDA benchmark's PyTorch model (TristanBilot/mlx-GCN main_torch.py):
                  dense features, H W with torch.mm, then torch.mm with the dense n x n A_hat.
                  With the mlx-gcn preset this is that model exactly.
--variant sparse: A_hat and the features as torch sparse tensors, torch.sparse.mm for A_hat Z
                  and X W (Kipf's pygcn style); dropout on sparse features drops stored values.
--compile:        the model's forward through torch.compile (torch >= 2; its backward through
                  AOTAutograd); the implementation is then torch-<variant>-compile. The first
                  training and test calls compile, and are timed apart as compile_ms.

The harness runs this with the interpreter that has torch (`#!/usr/bin/env python3` is only a
default). Works with torch 1.13 and 2.x, numpy 1.24 and 2.x. See peers/README.md.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def import_torch(implementation):
    try:
        import torch
    except ImportError:
        common.skip(implementation, "torch not installed")
    return torch


def torch_device(torch, name, implementation):
    """The torch.device for --device, or a skipped line when it is absent."""
    if name == "cuda" and not torch.cuda.is_available():
        common.skip(implementation, "cuda device not available")
    if name == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            common.skip(implementation, "mps device not available")
    return torch.device(name)


def describe_torch(trainer, torch, device):
    """Fills the summary's framework/device/threads/blas fields of a torch-based trainer."""
    trainer.framework = "torch"
    trainer.framework_version = torch.__version__
    trainer.device = device.type
    trainer.threads = torch.get_num_threads()
    if device.type == "cuda":
        trainer.device_name = torch.cuda.get_device_name(device)
        trainer.blas = "cublas"
    elif device.type == "mps":
        trainer.device_name = "Apple GPU (mps)"
        trainer.blas = "mps"
    else:
        trainer.device_name = common.cpu_name()
        torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS library is mapped
        info = torch.__config__.show()
        blas_info = next((part.split("=", 1)[1] for part in info.replace(",", " ").split()
                          if part.startswith("BLAS_INFO=")), None)
        lib = common.loaded_blas_library()
        # Debian's torch says BLAS_INFO=generic and links whatever libblas.so.3 points at.
        trainer.blas = f"{blas_info} ({lib})" if blas_info and lib else (lib or blas_info or "unknown")


def synchronize(torch, device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps" and hasattr(torch, "mps") and hasattr(torch.mps, "synchronize"):
        torch.mps.synchronize()


def adam_groups(params, config):
    """torch.optim.Adam parameter groups: L2 weight decay on every parameter, or only on layer 0's
    weight and bias (Kipf) when weight_decay_first_layer_only; none under mlx-gcn-l2norm, whose
    term is in the loss instead."""
    _, wd = common.l2norm_regularizer_weight(config)
    if not config["weight_decay_first_layer_only"]:
        return [{"params": [p for layer in params for p in layer if p is not None], "weight_decay": wd}]
    groups = []
    for l, layer in enumerate(params):
        groups.append({"params": [p for p in layer if p is not None], "weight_decay": wd if l == 0 else 0.0})
    return groups


def make_adam(torch, params, config):
    return torch.optim.Adam(adam_groups(params, config), lr=float(config["lr"]),
                            betas=(float(config["adam_beta1"]), float(config["adam_beta2"])),
                            eps=float(config["adam_eps"]))


class TorchGcn(common.Trainer):
    def __init__(self, torch, problem, config, device, sparse_format, spmm, compile_model=False):
        import torch.nn.functional as F
        self.torch, self.F, self.dev, self.config = torch, F, device, config  # self.device: the summary's "cpu"/"cuda"
        self.adj = config["adjacency"]
        self.features = config["features"]
        self.implementation = "torch-" + self.adj
        if config["regularizer"] == "mlx-gcn-l2norm":
            self.implementation += "-l2norm"
        describe_torch(self, torch, device)
        # The graph is built over the parameters passed in, so a new seed's parameters (same
        # shapes) reuse it instead of recompiling inside a timed run.
        self._forward = self._forward_params
        if compile_model:
            self.implementation += "-compile"
            self.compiles = True
            self._forward = torch.compile(self._forward_params)
        self.sparse_format = sparse_format
        self.spmm_mode = spmm
        self.layers = int(config["layers"])
        self.p = float(config["dropout"])
        self.l2norm_weight, _ = common.l2norm_regularizer_weight(config)

        # Upload once; never timed.
        self.A = self._matrix(problem.adj, self.adj == "sparse")
        self.A_t = self.X_t = None
        if self.adj == "sparse" and spmm == "transpose":
            self.A_t = self._matrix(_transpose(problem.adj)[0], True)
        self.X = self._matrix(problem.feat, self.features == "sparse")
        if self.features == "sparse":
            self.X_values = self.X.values()
            if spmm == "transpose":
                feat_t, order = _transpose(problem.feat)
                self.X_t = self._matrix(feat_t, True)
                self.X_t_order = torch.from_numpy(order).to(device)  # X^T's values are X's, permuted
        y = torch.from_numpy(problem.labels_for_loss()).to(device)
        idx = {name: torch.from_numpy(getattr(problem, name + "_idx")).to(device) for name in ("train", "val", "test")}
        self.y = {name: y[i] for name, i in idx.items()}
        self.idx = idx
        self.params = None
        self.opt = None

    # -- data -----------------------------------------------------------------------------------

    def _matrix(self, csr, sparse):
        torch = self.torch
        if not sparse:
            return torch.from_numpy(csr.to_dense()).to(self.dev)
        if self.sparse_format == "csr":
            return torch.sparse_csr_tensor(torch.from_numpy(csr.indptr), torch.from_numpy(csr.indices.astype("int64")),
                                           torch.from_numpy(csr.data), size=csr.shape).to(self.dev)
        import numpy as np
        indices = torch.from_numpy(np.stack([csr.coo_rows(), csr.indices.astype(np.int64)]))
        # CSR order is COO's coalesced order: mark it so, and sparse.mm never re-sorts.
        t = torch.sparse_coo_tensor(indices, torch.from_numpy(csr.data), size=csr.shape)._coalesced_(True)
        return t.to(self.dev)

    def _with_values(self, like, values):
        """The sparse matrix `like` with other stored values (for dropout on sparse features)."""
        torch = self.torch
        if self.sparse_format == "csr":
            return torch.sparse_csr_tensor(like.crow_indices(), like.col_indices(), values, size=like.shape)
        return torch.sparse_coo_tensor(like.indices(), values, size=like.shape)._coalesced_(True)

    def _spmm(self, a, a_t, dense):
        if a_t is None:
            return self.torch.sparse.mm(a, dense)   # torch's own backward (transposes a each time)
        return _SpmmPretransposed.apply(a, a_t, dense)

    # -- model ----------------------------------------------------------------------------------

    def forward(self, training):
        return self._forward(self.params, training)

    def _forward_params(self, params, training):
        torch, F, cfg = self.torch, self.F, self.config
        h = None
        for l, (w, b) in enumerate(params):
            drop = training and self.p > 0 and (l > 0 or cfg["input_dropout"])
            if l == 0 and self.features == "sparse":
                x, x_t = self.X, self.X_t
                if drop:  # inverted dropout on the stored values; zeros stay zero either way
                    values = F.dropout(self.X_values, self.p, True)
                    x = self._with_values(self.X, values)
                    if x_t is not None:
                        x_t = self._with_values(self.X_t, values[self.X_t_order])
                z = self._spmm(x, x_t, w)
            else:
                x = self.X if l == 0 else h
                z = torch.mm(F.dropout(x, self.p, True) if drop else x, w)
            if b is not None and cfg["bias_before_aggregation"]:
                z = z + b
            h = torch.mm(self.A, z) if self.adj == "dense" else self._spmm(self.A, self.A_t, z)
            if b is not None and not cfg["bias_before_aggregation"]:
                h = h + b
            if l < self.layers - 1:
                h = torch.relu(h)
        return h

    def _loss_acc(self, logits, split):
        y = self.y[split]
        return self.F.cross_entropy(logits, y), (logits.argmax(dim=1) == y).float().mean()

    # -- Trainer --------------------------------------------------------------------------------

    def reset(self, params, seed):
        torch = self.torch
        torch.manual_seed(seed)  # dropout masks; also seeds every CUDA device
        self.params = [(torch.nn.Parameter(torch.from_numpy(w.copy()).to(self.dev)),
                        None if b is None else torch.nn.Parameter(torch.from_numpy(b.copy()).to(self.dev)))
                       for w, b in params]
        self.opt = make_adam(torch, self.params, self.config)

    def train_epoch(self, epoch):
        torch = self.torch
        logits = self.forward(True)
        train_logits = logits[self.idx["train"]]
        loss = self.F.cross_entropy(train_logits, self.y["train"])
        objective = loss
        if self.l2norm_weight:
            # mlx-gcn-l2norm: the loss gains weight_decay * ||all parameters||_2 (train_loss stays
            # the cross-entropy, as in every other row).
            squares = sum((p * p).sum() for layer in self.params for p in layer if p is not None)
            objective = loss + self.l2norm_weight * torch.sqrt(squares)
        self.opt.zero_grad(set_to_none=True)
        objective.backward()
        self.opt.step()
        with torch.no_grad():
            train_acc = (train_logits.argmax(dim=1) == self.y["train"]).float().mean()
            val_source = logits if self.config["val_from_train_forward"] else self.forward(False)
            val_loss, val_acc = self._loss_acc(val_source[self.idx["val"]], "val")
            return torch.stack([loss.detach(), train_acc, val_loss, val_acc])

    def metrics_to_host(self, handles):
        if not handles:
            return []
        return [tuple(float(v) for v in row) for row in self.torch.stack(handles).cpu().tolist()]

    def synchronize(self):
        synchronize(self.torch, self.dev)

    def evaluate_test(self):
        with self.torch.no_grad():
            loss, acc = self._loss_acc(self.forward(False)[self.idx["test"]], "test")
            return float(loss), float(acc)

    def reset_peak_device_bytes(self):
        if self.dev.type == "cuda":
            self.torch.cuda.reset_peak_memory_stats(self.dev)

    def peak_device_bytes(self):
        if self.dev.type == "cuda":
            return self.torch.cuda.max_memory_allocated(self.dev)
        return 0


def _transpose(csr):
    import numpy as np
    rows = csr.coo_rows()
    order = np.lexsort((rows, csr.indices))  # by column, then row: the transpose in CSR order
    indptr = np.zeros(csr.shape[1] + 1, dtype=np.int64)
    np.cumsum(np.bincount(csr.indices, minlength=csr.shape[1]), out=indptr[1:])
    t = common.Csr(indptr, rows[order].astype(np.int32), csr.data[order], (csr.shape[1], csr.shape[0]))
    return t, order.astype(np.int64)


def _make_spmm_function(torch):
    class SpmmPretransposed(torch.autograd.Function):
        """a @ dense whose backward uses a precomputed a^T instead of transposing a every call."""

        @staticmethod
        def forward(ctx, a, a_t, dense):
            ctx.a_t = a_t
            return torch.sparse.mm(a, dense)

        @staticmethod
        def backward(ctx, grad):
            return None, None, torch.sparse.mm(ctx.a_t, grad)

    return SpmmPretransposed


_SpmmPretransposed = None


def main():
    parser = common.make_parser(__doc__.split("\n\n")[0], variants=("dense", "sparse"), regularizers=True)
    parser.add_argument("--sparse-format", choices=("coo", "csr"), default="coo",
                        help="torch sparse layout for --variant sparse (csr needs torch >= 2 on most builds)")
    parser.add_argument("--spmm", choices=("autograd", "transpose"), default="autograd",
                        help="backward of sparse products: torch's own, or a precomputed transpose")
    parser.add_argument("--compile", action="store_true", help="the forward through torch.compile (torch >= 2)")
    args = common.parse_args(parser)
    name = "torch-" + (args.adj or args.variant or "dense") + ("-l2norm" if args.regularizer == "mlx-gcn-l2norm" else "")
    name += "-compile" if args.compile else ""
    torch = import_torch(name)
    if args.compile and not hasattr(torch, "compile"):
        common.skip(name, f"torch.compile needs torch >= 2.0; {sys.executable} has torch {torch.__version__}")
    global _SpmmPretransposed
    _SpmmPretransposed = _make_spmm_function(torch)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device = torch_device(torch, args.device, name)

    def body():
        problem = common.load_problem(args.problem)
        config = common.effective_config(problem, args)
        widths = problem.widths()
        init = common.load_parameters(args.init_weights, widths, bool(config["bias"])) if args.init_weights else None
        trainer = TorchGcn(torch, problem, config, device, args.sparse_format, args.spmm, args.compile)
        common.run_peer(trainer, problem, config, args, init)

    common.main_guard(body)


if __name__ == "__main__":
    main()
