#!/usr/bin/env python3
"""Peer for the 1-D CNN of `npm run bench -- finetune`: the same shapes as expbook's `model: cnn`.

Embedding(vocab + 1, 100, trainable) -> Conv1d(100, 64, width 3, "same" padding) -> max over each text's
valid positions (a batch is cut to its longest text, as expbook does) -> + bias, ReLU -> Linear(64, classes),
cross-entropy, Adam (lr 0.005), batch 64.

Usage: conv1d_torch.py TRAIN.jsonl [--threads 2] [--epochs 1] [--limit 1024] [--sparse]
--sparse: a sparse embedding gradient and SparseAdam for the table (expbook's lazy Adam), Adam for the rest.
Prints the threadpoolctl line, then one line with examples/s. Needs Debian's python3-torch.
"""
import argparse
import time

import torch

from peer_common import blas_line, limit_threads, load_ids

p = argparse.ArgumentParser()
p.add_argument("train")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--vocab", type=int, default=20000)
p.add_argument("--dim", type=int, default=100)
p.add_argument("--maxlen", type=int, default=256)
p.add_argument("--filters", type=int, default=64)
p.add_argument("--width", type=int, default=3)
p.add_argument("--limit", type=int, default=1024)
p.add_argument("--sparse", action="store_true")
a = p.parse_args()

torch.manual_seed(1)
_limits = limit_threads(a.threads)
ids, lengths, y, classes = load_ids(a.train, a.vocab, a.maxlen, a.limit)
print(blas_line())


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(a.vocab + 1, a.dim, padding_idx=0, sparse=a.sparse)
        # The bias is added after the max (it commutes with it), as in expbook.
        self.conv = torch.nn.Conv1d(a.dim, a.filters, a.width, padding=(a.width - 1) // 2, bias=False)
        self.bias = torch.nn.Parameter(torch.zeros(a.filters))
        self.out = torch.nn.Linear(a.filters, classes)

    def forward(self, x, valid):
        h = self.conv(self.emb(x).transpose(1, 2))  # batch x filters x length
        positions = torch.arange(h.shape[2]).unsqueeze(0)
        mask = positions >= valid.clamp(min=1).unsqueeze(1)
        h = h.masked_fill(mask.unsqueeze(1), float("-inf")).amax(dim=2)
        return self.out(torch.relu(h + self.bias))


model = Cnn()
dense = [p for name, p in model.named_parameters() if a.sparse is False or not name.startswith("emb.")]
opts = [torch.optim.Adam(dense, lr=0.005)]
if a.sparse:
    opts.append(torch.optim.SparseAdam(list(model.emb.parameters()), lr=0.005))
X, L, Y = torch.from_numpy(ids), torch.from_numpy(lengths), torch.from_numpy(y)
t0 = time.time()
for _ in range(a.epochs):
    for i in range(0, len(X), a.batch):
        valid = L[i : i + a.batch]
        length = max(1, int(valid.max()))
        loss = torch.nn.functional.cross_entropy(model(X[i : i + a.batch, :length], valid), Y[i : i + a.batch])
        for opt in opts:
            opt.zero_grad()
        loss.backward()
        for opt in opts:
            opt.step()
dt = time.time() - t0
n = a.epochs * len(X)
print(f"torch-conv1d threads={a.threads} sparse={a.sparse} examples_per_s={n / dt:.0f} seconds={dt:.2f} loss={loss.item():.4f}")
