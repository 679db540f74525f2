// Keeping a claim fresh while work runs: a sync job's lease, a matter's lease and a create-started mark are
// each renewed on a timer until the work ends, however it ends, so finished work never renews again (nor
// keeps an instance's event loop alive). A failed renewal is ignored: the next beat tries again, and a
// lease left to lapse is what lets another worker take over from one that died.

export async function withHeartbeat<T>(everyMs: number, beat: () => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    beat().catch(() => undefined);
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** A lease is renewed every third of its length (two renewals may fail before it lapses), at most once a second. */
export const leaseRenewalMs = (leaseMs: number): number => Math.max(1_000, Math.floor(leaseMs / 3));
