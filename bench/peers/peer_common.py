"""Shared by the PyTorch peers of `npm run bench -- finetune`: the tokenisation and vocabulary of the
expbook benchmark model, and a line naming the BLAS kernel threadpoolctl sees (Debian's
python3-threadpoolctl), so a run says which OpenBLAS code path it measured.
"""
import json
import re
from collections import Counter

import numpy as np


def load_ids(path, vocab, maxlen, limit=0):
    """Token ids (index 0 = padding) of the first `maxlen` in-vocabulary tokens, labels and label count.

    Tokenisation: lower-case runs of [a-z0-9']; vocabulary = the `vocab` most frequent words.
    """
    rows = [json.loads(line) for line in open(path) if line.strip()]
    if limit > 0:
        rows = rows[:limit]
    toks = [re.findall(r"[a-z0-9']+", r["text"].lower()) for r in rows]
    labels = sorted({str(r["label"]) for r in rows})
    y = np.array([labels.index(str(r["label"])) for r in rows])
    freq = Counter(w for t in toks for w in t)
    index = {w: i + 1 for i, (w, _) in enumerate(freq.most_common(vocab))}
    ids = np.zeros((len(rows), maxlen), dtype=np.int64)
    lengths = np.zeros(len(rows), dtype=np.int64)
    for i, t in enumerate(toks):
        k = [index[w] for w in t if w in index][:maxlen]
        ids[i, : len(k)] = k
        lengths[i] = len(k)
    return ids, lengths, y, len(labels)


def limit_threads(threads):
    """Caps PyTorch's intra-op threads and every BLAS/OpenMP pool threadpoolctl finds at `threads`."""
    import torch

    torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=threads)


def blas_line():
    """One line: the BLAS libraries threadpoolctl finds, with kernel (architecture) and thread count."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl: not installed (apt-get install python3-threadpoolctl)"
    parts = []
    for info in threadpool_info():
        kernel = f" kernel={info['architecture']}" if info.get("architecture") else ""
        parts.append(f"{info.get('internal_api')} {info.get('version')}{kernel} threads={info.get('num_threads')}")
    return "threadpoolctl: " + ("; ".join(parts) if parts else "no BLAS found")
