"""Peer for `npm run bench -- rag`: faiss IndexFlatIP (exact inner product) on one thread.

Reads float32 documents and queries (row-major, already L2-normalised) written by rag.bench.ts,
times top-k search one query at a time and as one batch, and prints JSON with the figures and the
batched hits so the caller can check agreement.
"""
import json
import sys
import time

import faiss
import numpy as np

from peer_common import blas_line


def main() -> None:
    docs_path, queries_path, dim, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    faiss.omp_set_num_threads(1)
    docs = np.fromfile(docs_path, dtype=np.float32).reshape(-1, dim)
    queries = np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim)
    start = time.perf_counter()
    index = faiss.IndexFlatIP(dim)
    index.add(docs)
    build = time.perf_counter() - start
    index.search(queries[:1], k)
    start = time.perf_counter()
    for i in range(len(queries)):
        index.search(queries[i : i + 1], k)
    single = time.perf_counter() - start
    start = time.perf_counter()
    scores, ids = index.search(queries, k)
    batched = time.perf_counter() - start
    print(
        json.dumps(
            {
                "faiss": faiss.__version__,
                "build_s": build,
                "single_qps": len(queries) / single,
                "batched_qps": len(queries) / batched,
                "ids": ids.tolist(),
                "scores": scores.tolist(),
                "blas": blas_line(),
            }
        )
    )


if __name__ == "__main__":
    main()
