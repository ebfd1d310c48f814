/**
 * Work started ahead of the moment it is known to be needed: reads that run while the update's
 * claim is on the network, so they cost no round trip of their own.
 */

/**
 * Marks `work` as handled, so that a rejection nobody ends up awaiting (the claim was not ours) does
 * not crash the process as an unhandled rejection; whoever does await it still gets the error.
 */
export function ahead<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}
