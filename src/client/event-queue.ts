/**
 * The client's FIFO of serialized events (one NDJSON line each). Events leave only from the head —
 * delivered, given up, or pushed out by overflow — so the sequence number of the head says which
 * events are settled: every event with a smaller number. `flush()` waits on that.
 */
export class EventQueue {
  #items: string[] = [];
  #head = 0;
  /** Sequence number of the event at the head (= of the next one recorded, when empty). */
  #headSeq = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  get headSeq(): number {
    return this.#headSeq;
  }

  /** Sequence number the next pushed event gets. */
  get tailSeq(): number {
    return this.#headSeq + this.length;
  }

  push(line: string): void {
    this.#items.push(line);
  }

  /** The first `n` events (fewer if fewer are held), without removing them. */
  peek(n: number): string[] {
    return this.#items.slice(this.#head, this.#head + Math.min(n, this.length));
  }

  /** Removes up to `n` events from the head; returns how many were removed. */
  shift(n: number): number {
    const k = Math.min(n, this.length);
    this.#items.fill('', this.#head, this.#head + k); // let the strings go now, not at compaction
    this.#head += k;
    this.#headSeq += k;
    // Compact now and then, so shifting stays O(1) amortised and memory follows the queue.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return k;
  }
}
