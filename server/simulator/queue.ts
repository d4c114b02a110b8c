// A min-heap by time: the simulator's tracks wait here for their next step, earliest first.
// Ties go to the one queued first, so the order never depends on anything but what was queued.

interface Entry<T> {
  at: number
  order: number
  item: T
}

export class TimeQueue<T> {
  private readonly heap: Entry<T>[] = []
  private queued = 0

  get size(): number {
    return this.heap.length
  }

  push(at: number, item: T): void {
    this.heap.push({ at, order: this.queued++, item })
    this.up(this.heap.length - 1)
  }

  /** The earliest time queued, or undefined when empty. */
  peekAt(): number | undefined {
    return this.heap[0]?.at
  }

  pop(): T | undefined {
    const top = this.heap[0]
    const last = this.heap.pop()
    if (top === undefined || last === undefined) return undefined
    if (this.heap.length) {
      this.heap[0] = last
      this.down(0)
    }
    return top.item
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order)
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(this.heap[i], this.heap[parent])) return
      ;[this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]]
      i = parent
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let best = i
      if (l < this.heap.length && this.before(this.heap[l], this.heap[best])) best = l
      if (r < this.heap.length && this.before(this.heap[r], this.heap[best])) best = r
      if (best === i) return
      ;[this.heap[i], this.heap[best]] = [this.heap[best], this.heap[i]]
      i = best
    }
  }
}
