/**
 * How long a shutdown (stdin closed, SIGINT, SIGTERM) waits, in milliseconds, for write calls
 * in flight to finish and record their audit outcome line. A Clerk call answers in well under
 * a second; one still running after this is abandoned, and its intent line remains.
 */
export const SHUTDOWN_GRACE_MS = 5_000;

/** The write calls running now, so that a shutdown can let them finish. */
export interface InFlight {
  /** Counts `work` as in flight until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  /** How many tracked calls have not settled yet. */
  readonly size: number;
  /**
   * Resolves true as soon as nothing is in flight (at once when nothing is), or false after
   * `graceMs` milliseconds with calls still running. Calls tracked meanwhile are waited for
   * too, within the same deadline.
   */
  drain(graceMs: number): Promise<boolean>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<unknown>>();
  let settled: (() => void) | undefined;
  return {
    track(work) {
      running.add(work);
      const done = () => {
        running.delete(work);
        if (running.size === 0) settled?.();
      };
      work.then(done, done);
      return work;
    },
    get size() {
      return running.size;
    },
    drain(graceMs) {
      if (running.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), graceMs);
        settled = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
  };
}
