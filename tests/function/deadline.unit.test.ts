import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { Deadline } from '../../function/src/deadline.ts';

describe('the deadline', () => {
  const now = 1_000_000;
  const clock = () => now;

  test('ends 29 s after API Gateway received the request', () => {
    assert.equal(Deadline.forRequest(now - 4_000, 60_000, clock).endsAt, now + 25_000);
  });

  test('ends earlier when Lambda has less time left', () => {
    assert.equal(Deadline.forRequest(now, 10_000, clock).endsAt, now + 10_000);
  });

  test('counts from now when the request time is missing or in the future', () => {
    assert.equal(Deadline.forRequest(undefined, undefined, clock).endsAt, now + 29_000);
    assert.equal(Deadline.forRequest(now + 5_000, undefined, clock).endsAt, now + 29_000);
  });

  test('keeps a reserve and never reports negative time', () => {
    const deadline = new Deadline(now + 3_000, clock);
    assert.equal(deadline.remainingMs(1_000), 2_000);
    assert.equal(deadline.remainingMs(5_000), 0);
  });

  test('gives an already aborted signal once the reserve is reached', () => {
    assert.equal(new Deadline(now + 1_000, clock).signal(2_000).aborted, true);
    assert.equal(new Deadline(Date.now() + 60_000).signal(1_000).aborted, false);
  });

  test("a signal aborts with AbortSignal.timeout's reason when its time comes, and never once the deadline is released", async () => {
    const deadline = new Deadline(Date.now() + 60_000);
    const soon = deadline.signalAt(Date.now() + 20);
    const released = deadline.signalAt(Date.now() + 40);
    await sleep(30);
    assert.equal(soon.aborted, true);
    assert.equal((soon.reason as DOMException).name, 'TimeoutError');
    deadline.release();
    await sleep(40);
    assert.equal(released.aborted, false, 'released before its time: its timer is gone');
    assert.equal(deadline.signalAt(Date.now() - 1).aborted, true, 'a time already past aborts at once');
  });
});
