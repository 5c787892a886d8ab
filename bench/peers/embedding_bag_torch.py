#!/usr/bin/env python3
"""Peer for `npm run bench -- finetune`: PyTorch EmbeddingBag(mean) + linear classifier trained with Adam.

Usage: embedding_bag_torch.py TRAIN.jsonl [--threads 2] [--epochs 2] [--batch 64] [--sparse]
--sparse: a sparse embedding gradient and SparseAdam for the table (the lazy Adam expbook's table uses: only
the rows a batch touched move), Adam for the classifier; without it, dense Adam over every table row each step.
TRAIN.jsonl has one object per line with "text" and "label" (any hashable label).
Prints the threadpoolctl line, then one line: examples/s, seconds, final loss. Needs Debian's python3-torch.
Tokenisation: lower-case runs of [a-z0-9'], vocabulary = 20,000 most frequent words,
first 256 in-vocabulary tokens of each text, index 0 = padding.
"""
import argparse
import time

import torch

from peer_common import blas_line, limit_threads, load_ids

p = argparse.ArgumentParser()
p.add_argument("train")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--vocab", type=int, default=20000)
p.add_argument("--dim", type=int, default=100)
p.add_argument("--maxlen", type=int, default=256)
p.add_argument("--sparse", action="store_true")
a = p.parse_args()

torch.manual_seed(1)
_limits = limit_threads(a.threads)
ids, _, y, classes = load_ids(a.train, a.vocab, a.maxlen)
print(blas_line())

emb = torch.nn.EmbeddingBag(a.vocab + 1, a.dim, mode="mean", padding_idx=0, sparse=a.sparse)
lin = torch.nn.Linear(a.dim, classes)
opts = (
    [torch.optim.SparseAdam(list(emb.parameters()), lr=0.005), torch.optim.Adam(lin.parameters(), lr=0.005)]
    if a.sparse
    else [torch.optim.Adam(list(emb.parameters()) + list(lin.parameters()), lr=0.005)]
)
X, Y = torch.from_numpy(ids), torch.from_numpy(y)
t0 = time.time()
for _ in range(a.epochs):
    for i in range(0, len(X), a.batch):
        loss = torch.nn.functional.cross_entropy(lin(emb(X[i : i + a.batch])), Y[i : i + a.batch])
        for opt in opts:
            opt.zero_grad()
        loss.backward()
        for opt in opts:
            opt.step()
dt = time.time() - t0
n = a.epochs * len(X)
print(f"torch-embedding-bag threads={a.threads} sparse={a.sparse} examples_per_s={n / dt:.0f} seconds={dt:.2f} loss={loss.item():.4f}")
