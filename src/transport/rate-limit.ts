/**
 * Tool calls per minute per actor, per instance (the MCP spec asks servers to rate-limit tool
 * calls): a token bucket per actor holding `perMinute` calls and refilled continuously, so a
 * burst up to the limit passes and a steady stream at the limit never waits. One actor's
 * bucket never touches another's.
 */
export interface RateLimiter {
  /**
   * Takes `calls` from `actor`'s bucket.
   * @returns 0 when allowed, else the whole seconds to wait before that many are available
   *   (nothing is taken then).
   */
  take(actor: string, calls: number): number;
}

/** Buckets kept before full ones are dropped (a full bucket is the same as none). */
const MAX_BUCKETS = 10_000;

/**
 * @param perMinute calls per minute per actor; 0 allows everything.
 * @param now milliseconds, monotonic; tests move it.
 */
export function createRateLimiter(
  perMinute: number,
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<string, { level: number; at: number }>();
  const perMs = perMinute / 60_000;
  const refill = (bucket: { level: number; at: number }, t: number) => {
    bucket.level = Math.min(perMinute, bucket.level + (t - bucket.at) * perMs);
    bucket.at = t;
  };
  return {
    take(actor, calls) {
      if (perMinute === 0 || calls === 0) return 0;
      const t = now();
      if (buckets.size >= MAX_BUCKETS) {
        for (const [key, b] of buckets) {
          refill(b, t);
          if (b.level >= perMinute) buckets.delete(key);
        }
      }
      let bucket = buckets.get(actor);
      if (!bucket) {
        bucket = { level: perMinute, at: t };
        buckets.set(actor, bucket);
      }
      refill(bucket, t);
      if (bucket.level >= calls) {
        bucket.level -= calls;
        return 0;
      }
      return Math.max(1, Math.ceil((calls - bucket.level) / perMs / 1000));
    },
  };
}
