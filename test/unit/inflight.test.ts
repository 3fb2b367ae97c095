import { describe, expect, it } from "vitest";
import { createInFlight } from "../../src/safety/inflight.js";

describe("in-flight tracker", () => {
  it("drains at once when nothing is in flight", async () => {
    const inflight = createInFlight();
    const started = Date.now();
    await expect(inflight.drain(10_000)).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("waits for tracked work, settled or failed, and hands it back unchanged", async () => {
    const inflight = createInFlight();
    let finish: (v: string) => void = () => {};
    const ok = inflight.track(new Promise<string>((r) => (finish = r)));
    const failed = inflight.track(Promise.reject(new Error("no")));
    await expect(failed).rejects.toThrow("no");
    expect(inflight.size).toBe(1);
    const drained = inflight.drain(10_000);
    setTimeout(() => finish("done"), 20);
    await expect(drained).resolves.toBe(true);
    await expect(ok).resolves.toBe("done");
    expect(inflight.size).toBe(0);
  });

  it("gives up after the grace period with work still running", async () => {
    const inflight = createInFlight();
    inflight.track(new Promise(() => {}));
    const started = Date.now();
    await expect(inflight.drain(50)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(inflight.size).toBe(1);
  });
});
