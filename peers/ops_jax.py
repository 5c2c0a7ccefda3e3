#!/usr/bin/env python3
"""The ops of `gcnbench ops` in JAX, each a jitted function as a JAX user writes it: gather and
jax.ops.segment_sum for spmm (as peers/jax_gcn.py's sparse variant), jnp.matmul for the products,
jax.grad for the loss's gradient, Adam's update written out (optax is not assumed installed).
Every result is forced with block_until_ready inside the timed region. Prints the "run" and
"summary" lines of `gcnbench op-run` (peers/ops_common.py has the timing)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import ops_common  # noqa: E402
from jax_gcn import import_jax, jax_device  # noqa: E402


class Prepared:
    def __init__(self, jax, device, run):
        self.jax, self.run = jax, run
        self.framework, self.framework_version = "jax", jax.__version__
        cpu = device.platform == "cpu"
        self.device_name = common.cpu_name() if cpu else getattr(device, "device_kind", str(device))
        self.threads = os.cpu_count() if cpu else None

    def finish(self, results):
        self.jax.block_until_ready(results)


def prepare(case, args):
    jax, jnp = import_jax("jax", args.threads)
    dev = jax_device(jax, args.device, "jax")
    m, k, n, op = case.m, case.k, case.n, case.op

    def t(array):
        return jax.device_put(array, dev)

    jit = jax.jit
    if op == "spmm":
        adj = case.need_graph()
        rows, cols, vals, b = t(adj.coo_rows().astype("int32")), t(adj.indices), t(adj.data), t(case.values(m, n))
        f = jit(lambda rows, cols, vals, b: jax.ops.segment_sum(vals[:, None] * b[cols], rows, num_segments=m,
                                                                indices_are_sorted=True))
        run = lambda: f(rows, cols, vals, b)  # noqa: E731
    elif op in ("gemm", "gemm_at_b", "gemm_a_bt"):
        shapes = {"gemm": ((m, k), (k, n)), "gemm_at_b": ((m, k), (m, n)), "gemm_a_bt": ((m, n), (k, n))}[op]
        a, b = t(case.values(*shapes[0])), t(case.values(*shapes[1]))
        product = {"gemm": lambda a, b: a @ b, "gemm_at_b": lambda a, b: a.T @ b, "gemm_a_bt": lambda a, b: a @ b.T}[op]
        f = jit(product)
        run = lambda: f(a, b)  # noqa: E731
    elif op == "bias_relu_dropout":
        a, bias, key = t(case.values(m, n)), t(case.values(n)), jax.random.PRNGKey(case.seed)

        @jit
        def f(a, bias, key):
            keep = jax.random.bernoulli(key, 0.5, a.shape)
            return jnp.where(keep, jax.nn.relu(a + bias) * 2.0, 0.0)
        run = lambda: f(a, bias, key)  # noqa: E731
    elif op == "relu_dropout_backward":
        a, b = t(case.values(m, n)), t(case.values(m, n))
        f = jit(lambda a, b: jnp.where(a > 0, b * 2.0, 0.0))
        run = lambda: f(a, b)  # noqa: E731
    elif op == "bias_backward":
        a = t(case.values(m, n))
        f = jit(lambda a: a.sum(0))
        run = lambda: f(a)  # noqa: E731
    elif op == "softmax_cross_entropy":
        logits, labels = t(case.values(m, n)), t(case.labels().astype("int32"))
        train, val = (t(rows) for rows in case.split_rows())

        def loss_of(logits, labels, rows):
            picked = jax.nn.log_softmax(logits[rows])
            return -jnp.mean(jnp.take_along_axis(picked, labels[rows][:, None], axis=1))

        f = jit(lambda logits, labels, train, val: (jax.grad(loss_of)(logits, labels, train),
                                                    loss_of(logits, labels, val)))
        run = lambda: f(logits, labels, train, val)  # noqa: E731
    elif op == "adam_update":
        param, grad = t(case.values(m)), t(case.values(m))
        moments = [t(case.values(m) * 0), t(case.values(m) * 0)]

        @jit
        def f(p, g, m1, m2):
            g = g + 5e-3 * p
            m1 = 0.9 * m1 + 0.1 * g
            m2 = 0.999 * m2 + 0.001 * g * g
            return p - 0.01 * (m1 / 0.1) / (jnp.sqrt(m2 / 0.001) + 1e-8), m1, m2
        run = lambda: f(param, grad, *moments)  # noqa: E731
    elif op == "copy":
        # A jitted identity may return its input unchanged; negation reads and writes every
        # element once, as a copy does.
        src = t(case.values(m))
        f = jit(lambda x: -x)
        run = lambda: f(src)  # noqa: E731
    elif op == "gather":
        adj = case.need_graph()
        x, index = t(case.values(m, n)), t(adj.indices)
        f = jit(lambda x, index: jnp.take(x, index, axis=0))
        run = lambda: f(x, index)  # noqa: E731
    elif op == "scatter_sum":
        adj = case.need_graph()
        src, rows = t(case.values(adj.nnz, n)), t(adj.coo_rows().astype("int32"))
        f = jit(lambda s, rows: jax.ops.segment_sum(s, rows, num_segments=m, indices_are_sorted=True))
        run = lambda: f(src, rows)  # noqa: E731
    elif op == "softmax":
        a = t(case.values(m, n))
        f = jit(lambda a: jax.nn.softmax(a, axis=1))
        run = lambda: f(a)  # noqa: E731
    elif op == "linear":
        x, w, bias = t(case.values(m, k)), t(case.values(n, k)), t(case.values(n))
        f = jit(lambda x, w, bias: x @ w.T + bias)
        run = lambda: f(x, w, bias)  # noqa: E731
    else:
        common.skip("jax", f"jax has no form of op {op}")
    return Prepared(jax, dev, run)


if __name__ == "__main__":
    ops_common.run("jax", __doc__.split("\n\n")[0], prepare)
