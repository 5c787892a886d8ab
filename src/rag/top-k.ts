/** One search hit: a document slot and its score. */
export interface ScoredSlot {
  slot: number;
  score: number;
}

/**
 * Keeps the k highest scores seen so far in a small min-heap, so selecting the top k of n scores
 * costs O(n log k) and no full sort. Ties go to the lower slot (the earlier document).
 */
export class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(Math.max(1, k));
    this.scores = new Float64Array(Math.max(1, k));
  }

  /** The smallest score that can still enter (−∞ until the heap is full). */
  get threshold(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : (this.scores[0] as number);
  }

  /** Offers a candidate; kept when it beats the current k-th best. */
  push(slot: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(slot, score, this.slots[parent] as number, this.scores[parent] as number)) break;
        this.slots[i] = this.slots[parent] as number;
        this.scores[i] = this.scores[parent] as number;
        i = parent;
      }
      this.slots[i] = slot;
      this.scores[i] = score;
      return;
    }
    if (!this.worse(this.slots[0] as number, this.scores[0] as number, slot, score)) return;
    this.siftDown(slot, score);
  }

  /** The kept hits, best first. */
  sorted(): ScoredSlot[] {
    const hits: ScoredSlot[] = [];
    for (let i = 0; i < this.size; i++)
      hits.push({ slot: this.slots[i] as number, score: this.scores[i] as number });
    return hits.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  /** True when (slotA, scoreA) ranks below (slotB, scoreB). */
  private worse(slotA: number, scoreA: number, slotB: number, scoreB: number): boolean {
    return scoreA < scoreB || (scoreA === scoreB && slotA > slotB);
  }

  private siftDown(slot: number, score: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (
        right < n &&
        this.worse(
          this.slots[right] as number,
          this.scores[right] as number,
          this.slots[left] as number,
          this.scores[left] as number,
        )
      ) {
        child = right;
      }
      if (!this.worse(this.slots[child] as number, this.scores[child] as number, slot, score)) break;
      this.slots[i] = this.slots[child] as number;
      this.scores[i] = this.scores[child] as number;
      i = child;
    }
    this.slots[i] = slot;
    this.scores[i] = score;
  }
}
