// Seeded randomness. Every simulated thing draws from a generator seeded by the run's seed and the
// thing's own id, so what an id means never depends on what was generated before it (see generator.ts).

/** 32-bit FNV-1a of a string: turns labels into seeds. */
function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** mulberry32: tiny, fast, good enough for a simulation; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Rng {
  private readonly next: () => number

  /** A generator for `seed` and a chain of labels, e.g. `new Rng(42, 'hazard', id)`. */
  constructor(seed: number, ...labels: (string | number)[]) {
    this.next = mulberry32(hash32(`${seed >>> 0}|${labels.join('|')}`))
  }

  float(): number {
    return this.next()
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]
  }

  /** One of `items`, each as likely as its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0)
    if (!(total > 0)) throw new Error('weighted pick with no positive weight')
    let r = this.next() * total
    for (const [item, w] of items) {
      r -= w
      if (r < 0) return item
    }
    return items[items.length - 1][0]
  }

  /** `x` rounded up or down at random so that on average it is `x` (3.3: 4 three times in ten, else 3). */
  round(x: number): number {
    const floor = Math.floor(x)
    return floor + (this.chance(x - floor) ? 1 : 0)
  }

  /** A Poisson count with mean `mean` (how many hazards one inspection finds). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean)
    let k = 0
    for (let p = this.next(); p > limit; p *= this.next()) k++
    return k
  }
}
