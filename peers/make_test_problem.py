#!/usr/bin/env python3
"""Writes a small valid `gcnbench export` directory (random planted-partition graph), numpy only,
for trying the peers without a gcnbench binary:

    python3 peers/make_test_problem.py --out /tmp/p --nodes 2708 --features 1433 --classes 7

Same files as src/model/problem_files.cpp: problem.json and CSR .npy arrays of A_hat (normalized, with
self loops) and the features (row-normalized when --preset kipf).
"""

import argparse
import json
import os
import shutil

import numpy as np

PRESETS = {
    "kipf": dict(preset="kipf", layers=2, hidden=16, dropout=0.5, input_dropout=True, bias=True,
                 bias_before_aggregation=False, lr=0.01, weight_decay=5e-4, weight_decay_first_layer_only=True,
                 adam_beta1=0.9, adam_beta2=0.999, adam_eps=1e-8, epochs=200, row_normalize_features=True,
                 adjacency="sparse", features="sparse", val_from_train_forward=False),
}
PRESETS["mlx-gcn"] = dict(PRESETS["kipf"], preset="mlx-gcn", input_dropout=False, bias_before_aggregation=True,
                          weight_decay=5e-3, weight_decay_first_layer_only=False, epochs=50,
                          row_normalize_features=False, adjacency="dense", features="dense",
                          val_from_train_forward=True)


def make_problem(nodes, features, classes, degree, density, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, nodes).astype(np.int32)
    # Edges: 80% inside the class, so the GCN has something to learn.
    m = int(nodes * degree / 2)
    src = rng.integers(0, nodes, m)
    same = rng.random(m) < 0.8
    by_class = [np.flatnonzero(labels == c) for c in range(classes)]
    dst = rng.integers(0, nodes, m)
    for c in range(classes):
        pick = same & (labels[src] == c)
        if by_class[c].size:
            dst[pick] = rng.choice(by_class[c], pick.sum())
    keep = src != dst
    a = np.zeros((0,), dtype=np.int64)
    pairs = np.unique(np.concatenate([src[keep] * nodes + dst[keep], dst[keep] * nodes + src[keep], a]))
    pairs = np.union1d(pairs, np.arange(nodes, dtype=np.int64) * (nodes + 1))  # + I
    rows, cols = pairs // nodes, pairs % nodes
    deg = np.bincount(rows, minlength=nodes).astype(np.float64)
    adj_data = (1.0 / np.sqrt(deg[rows] * deg[cols])).astype(np.float32)
    adj_indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=nodes))]).astype(np.int64)

    # Binary features, denser on a class-specific block of columns.
    prob = np.full((nodes, features), density * 0.5)
    block = max(1, features // classes)
    for c in range(classes):
        prob[labels == c, c * block:(c + 1) * block] = min(1.0, density * 3)
    dense = (rng.random((nodes, features)) < prob).astype(np.float32)
    split = np.zeros(nodes, dtype=np.uint8)
    order = rng.permutation(nodes)
    n_train, n_val = max(classes, nodes // 20), nodes // 10
    split[order[:n_train]] = 1
    split[order[n_train:n_train + n_val]] = 2
    split[order[n_train + n_val:n_train + n_val + nodes // 4]] = 3
    return adj_indptr, cols.astype(np.int32), adj_data, dense, labels, split


def dense_to_csr(dense):
    rows, cols = np.nonzero(dense)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=dense.shape[0]))]).astype(np.int64)
    return indptr, cols.astype(np.int32), dense[rows, cols].astype(np.float32)


def write_problem(out, name, preset, nodes, features, classes, degree, density, seed):
    config = dict(PRESETS[preset])
    adj_indptr, adj_indices, adj_data, feat, labels, split = make_problem(nodes, features, classes, degree,
                                                                         density, seed)
    if config["row_normalize_features"]:
        sums = feat.sum(axis=1, keepdims=True)
        feat = np.divide(feat, sums, out=np.zeros_like(feat), where=sums > 0).astype(np.float32)
    feat_indptr, feat_indices, feat_data = dense_to_csr(feat)
    meta = {"format": "gcnbench-problem-1", "dataset": name, "num_nodes": nodes, "num_features": features,
            "num_classes": classes, "num_train": int((split == 1).sum()), "num_val": int((split == 2).sum()),
            "num_test": int((split == 3).sum()), "config": config}
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "problem.json"), "w") as f:
        json.dump(meta, f, indent=2)
    arrays = {"adj_indptr": adj_indptr, "adj_indices": adj_indices, "adj_data": adj_data,
              "feat_indptr": feat_indptr, "feat_indices": feat_indices, "feat_data": feat_data,
              "labels": labels, "split": split}
    for key, array in arrays.items():
        np.save(os.path.join(tmp, key + ".npy"), array)
    if os.path.isdir(out):
        if not os.path.exists(os.path.join(out, "problem.json")):
            raise SystemExit(f"{out}: exists and is not a gcnbench export; not replacing it")
        shutil.rmtree(out)
    os.rename(tmp, out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--preset", choices=sorted(PRESETS), default="kipf")
    p.add_argument("--nodes", type=int, default=200)
    p.add_argument("--features", type=int, default=50)
    p.add_argument("--classes", type=int, default=4)
    p.add_argument("--degree", type=float, default=4.0, help="mean undirected degree")
    p.add_argument("--density", type=float, default=0.05, help="mean fraction of nonzero features")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    name = f"random-n{a.nodes}-f{a.features}-c{a.classes}-s{a.seed}"
    write_problem(a.out, name, a.preset, a.nodes, a.features, a.classes, a.degree, a.density, a.seed)


if __name__ == "__main__":
    main()
