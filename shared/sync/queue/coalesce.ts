// One run of `work` at a time per instance; calls that arrive meanwhile ask for one more run after it,
// instead of starting their own. The webhook receiver uses it so that a burst of deliveries costs one
// insert each, and their processing runs as one drain in the background.
export function coalesced(work: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          // A failed run (even one whose work throws before returning its promise) ends only itself:
          // the callers waiting on it are not rejected, and a run asked for meanwhile still happens.
          await Promise.resolve().then(work).catch(() => undefined);
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}
