import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedCache } from '../../function/src/cache.ts';

describe('the bounded cache', () => {
  test('keeps only its most recently written entries, oldest out first', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [undefined, 2, 3]);
    assert.equal(cache.size, 2);
  });

  test('counts an entry written again as the newest', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    cache.set('c', 3);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [10, undefined, 3]);
  });

  test('forgets a deleted entry', () => {
    const cache = new BoundedCache<number, string>(5);
    cache.set(1, 'file-id');
    cache.delete(1);
    assert.equal(cache.get(1), undefined);
    assert.equal(cache.size, 0);
  });
});
