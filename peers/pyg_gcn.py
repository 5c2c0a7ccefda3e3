#!/usr/bin/env python3
"""GCN with PyTorch Geometric's GCNConv, on a `gcnbench export` directory; JSON lines like
`gcnbench train --json`.

GCNConv(cached=True, normalize=False, add_self_loops=False) is fed the exported A_hat as
edge_index (source = column, target = row) plus edge_weight, so the normalization is gcnbench's
byte for byte and PyG only aggregates. Features are dense (GCNConv's Linear needs them dense).
GCNConv adds its bias after aggregation, so configs with bias_before_aggregation (the mlx-gcn
preset) are reported as skipped.

The harness runs this with the interpreter that has torch and torch_geometric. See peers/README.md.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import numpy as np  # noqa: E402
import torch_gcn  # noqa: E402

NAME = "pyg"


class PygGcn(common.Trainer):
    implementation = NAME
    adj = "sparse"
    features = "dense"

    def __init__(self, torch, pyg, problem, config, device):
        from torch_geometric.nn import GCNConv
        import torch.nn.functional as F
        self.torch, self.F, self.dev, self.config = torch, F, device, config
        torch_gcn.describe_torch(self, torch, device)
        self.framework = "torch_geometric"
        self.framework_version = f"{pyg.__version__} (torch {torch.__version__})"
        self.p = float(config["dropout"])
        widths = problem.widths()
        self.convs = [GCNConv(widths[l], widths[l + 1], cached=True, normalize=False, add_self_loops=False,
                              bias=bool(config["bias"])).to(device) for l in range(len(widths) - 1)]
        rows = problem.adj.coo_rows()
        # Message passing flows source -> target: out[i] = sum_j A_hat[i, j] x[j] needs (j, i).
        self.edge_index = torch.from_numpy(np.stack([problem.adj.indices.astype(np.int64), rows])).to(device)
        self.edge_weight = torch.from_numpy(problem.adj.data).to(device)
        self.X = torch.from_numpy(problem.feat.to_dense()).to(device)
        y = torch.from_numpy(problem.labels_for_loss()).to(device)
        self.idx = {s: torch.from_numpy(getattr(problem, s + "_idx")).to(device) for s in ("train", "val", "test")}
        self.y = {s: y[i] for s, i in self.idx.items()}

    def forward(self, training):
        h = self.X
        for l, conv in enumerate(self.convs):
            if training and self.p > 0 and (l > 0 or self.config["input_dropout"]):
                h = self.F.dropout(h, self.p, True)
            h = conv(h, self.edge_index, self.edge_weight)
            if l < len(self.convs) - 1:
                h = self.torch.relu(h)
        return h

    def _loss_acc(self, logits, split):
        y = self.y[split]
        return self.F.cross_entropy(logits, y), (logits.argmax(dim=1) == y).float().mean()

    def reset(self, params, seed):
        torch = self.torch
        torch.manual_seed(seed)
        with torch.no_grad():
            for conv, (w, b) in zip(self.convs, params):
                conv.lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))  # Linear stores out x in
                if b is not None:
                    conv.bias.copy_(torch.from_numpy(b))
        self.opt = torch_gcn.make_adam(torch, [(c.lin.weight, c.bias) for c in self.convs], self.config)

    def train_epoch(self, epoch):
        torch = self.torch
        for conv in self.convs:
            conv.train()
        logits = self.forward(True)
        train_logits = logits[self.idx["train"]]
        loss = self.F.cross_entropy(train_logits, self.y["train"])
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
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
        torch_gcn.synchronize(self.torch, self.dev)

    def evaluate_test(self):
        with self.torch.no_grad():
            loss, acc = self._loss_acc(self.forward(False)[self.idx["test"]], "test")
            return float(loss), float(acc)

    def reset_peak_device_bytes(self):
        if self.dev.type == "cuda":
            self.torch.cuda.reset_peak_memory_stats(self.dev)

    def peak_device_bytes(self):
        return self.torch.cuda.max_memory_allocated(self.dev) if self.dev.type == "cuda" else 0


def main():
    parser = common.make_parser(__doc__.split("\n\n")[0])
    args = common.parse_args(parser)
    torch = torch_gcn.import_torch(NAME)
    try:
        import torch_geometric as pyg
    except ImportError:
        common.skip(NAME, "torch_geometric not installed")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device = torch_gcn.torch_device(torch, args.device, NAME)

    def body():
        problem = common.load_problem(args.problem)
        config = common.effective_config(problem, args)
        if config["bias"] and config["bias_before_aggregation"]:
            common.skip(NAME, "GCNConv cannot add bias before aggregation")
        init = (common.load_parameters(args.init_weights, problem.widths(), bool(config["bias"]))
                if args.init_weights else None)
        trainer = PygGcn(torch, pyg, problem, config, device)
        common.run_peer(trainer, problem, config, args, init)

    common.main_guard(body)


if __name__ == "__main__":
    main()
