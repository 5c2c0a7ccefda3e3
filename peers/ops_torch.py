#!/usr/bin/env python3
"""The ops of `gcnbench ops` in PyTorch, each as a PyTorch user writes it: torch.sparse.mm on a
CSR tensor for spmm, torch.mm for the products, autograd for the loss's gradient, torch.optim.Adam
for the update, index_select and index_add_ for the sequel's gather and scatter-sum. Prints the
"run" and "summary" lines of `gcnbench op-run` (peers/ops_common.py has the timing)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import ops_common  # noqa: E402
from torch_gcn import describe_torch, import_torch, synchronize, torch_device  # noqa: E402


class Prepared:
    def __init__(self, torch, device, run):
        self.torch, self.dev, self.run = torch, device, run
        describe_torch(self, torch, device)

    def finish(self, results):
        synchronize(self.torch, self.dev)


def prepare(case, args):
    torch = import_torch("torch")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dev = torch_device(torch, args.device, "torch")
    F = torch.nn.functional
    m, k, n, op = case.m, case.k, case.n, case.op

    def t(array):
        return torch.from_numpy(array).to(dev)

    if op == "spmm":
        adj = case.need_graph()
        a = torch.sparse_csr_tensor(t(adj.indptr), t(adj.indices.astype("int64")), t(adj.data), size=adj.shape)
        b = t(case.values(m, n))
        run = lambda: torch.sparse.mm(a, b)  # noqa: E731
    elif op == "gemm":
        a, b = t(case.values(m, k)), t(case.values(k, n))
        run = lambda: torch.mm(a, b)  # noqa: E731
    elif op == "gemm_at_b":
        a, b = t(case.values(m, k)), t(case.values(m, n))
        run = lambda: torch.mm(a.t(), b)  # noqa: E731
    elif op == "gemm_a_bt":
        a, b = t(case.values(m, n)), t(case.values(k, n))
        run = lambda: torch.mm(a, b.t())  # noqa: E731
    elif op == "bias_relu_dropout":
        a, bias = t(case.values(m, n)), t(case.values(n))
        run = lambda: F.dropout(F.relu(a + bias), 0.5, training=True)  # noqa: E731
    elif op == "relu_dropout_backward":
        # What autograd computes through ReLU and dropout: the kept elements' gradient, scaled.
        a, b = t(case.values(m, n)), t(case.values(m, n))
        zero = torch.zeros((), device=dev)
        run = lambda: torch.where(a > 0, b * 2.0, zero)  # noqa: E731
    elif op == "bias_backward":
        a = t(case.values(m, n))
        run = lambda: a.sum(0)  # noqa: E731
    elif op == "softmax_cross_entropy":
        logits = t(case.values(m, n)).requires_grad_(True)
        labels = t(case.labels())
        train, val = (t(rows) for rows in case.split_rows())

        def run():
            loss = F.cross_entropy(logits[train], labels[train])
            (grad,) = torch.autograd.grad(loss, logits)
            with torch.no_grad():
                val_loss = F.cross_entropy(logits[val], labels[val])
            return grad, val_loss
    elif op == "adam_update":
        param = torch.nn.Parameter(t(case.values(m)))
        param.grad = t(case.values(m))
        optimizer = torch.optim.Adam([param], lr=0.01, weight_decay=5e-3)

        def run():
            optimizer.step()
            return param
    elif op == "copy":
        src, dst = t(case.values(m)), torch.empty(m, device=dev)
        run = lambda: dst.copy_(src)  # noqa: E731
    elif op == "gather":
        adj = case.need_graph()
        x, index = t(case.values(m, n)), t(adj.indices.astype("int64"))
        run = lambda: torch.index_select(x, 0, index)  # noqa: E731
    elif op == "scatter_sum":
        adj = case.need_graph()
        src, rows = t(case.values(adj.nnz, n)), t(adj.coo_rows())
        run = lambda: torch.zeros(m, n, device=dev).index_add_(0, rows, src)  # noqa: E731
    elif op == "softmax":
        a = t(case.values(m, n))
        run = lambda: torch.softmax(a, dim=1)  # noqa: E731
    elif op == "linear":
        x, w, bias = t(case.values(m, k)), t(case.values(n, k)), t(case.values(n))
        run = lambda: F.linear(x, w, bias)  # noqa: E731
    else:
        common.skip("torch", f"torch has no form of op {op}")
    return Prepared(torch, dev, run)


if __name__ == "__main__":
    ops_common.run("torch", __doc__.split("\n\n")[0], prepare)
