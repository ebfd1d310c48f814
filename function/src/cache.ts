import type { Memory } from './context.ts';

/**
 * A map that keeps its most recently written entries only, oldest first out: a warm container may
 * live for hours, and what it remembers must not grow with every chat it has seen.
 */
export class BoundedCache<K, V> implements Memory<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    // Re-inserted, so that a key written again counts as the newest.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
