import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { useAuditFile } from "../helpers/audit-file.js";
import { assertBuilt, INIT, type RawRun, spawnRaw, waitFor } from "../helpers/spawn.js";

// A shutdown lets a write in flight finish and record its outcome: the server used to exit
// 500 ms after stdin closed or a signal came, whatever was running, and the audit log was left
// with an intent line and no outcome for a write Clerk did apply.

/** Clerk's answer to the write comes this late: well past the old 500 ms, well within the grace. */
const DELAY_MS = 1_500;

describe("shutdown with a write in flight (dist/index.js)", () => {
  let emu: Emulator;
  const audit = useAuditFile("clerk-shutdown-");
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  async function start(): Promise<RawRun> {
    const run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url }, [
      "--audit-log",
      audit.path(),
    ]);
    const send = (msg: object) => run.child.stdin.write(`${JSON.stringify(msg)}\n`);
    send(INIT);
    await waitFor(run.stdout, (s) => s.includes('"id":1'));
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return run;
  }

  /** Starts revoke_invitation (id 2) and resolves once Clerk (the emulator) has the request. */
  async function revokeInFlight(run: RawRun): Promise<string> {
    const inv = emu.addInvitation({ email_address: "late@example.com" });
    emu.inject({ method: "POST", path: `/v1/invitations/${inv.id}/revoke`, delayMs: DELAY_MS });
    run.child.stdin.write(
      `${JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "revoke_invitation", arguments: { invitation_id: inv.id } },
      })}\n`,
    );
    await waitFor(
      () => JSON.stringify(emu.writes()),
      (s) => s.includes("/revoke"),
    );
    return inv.id;
  }

  it.each([
    ["stdin closes", (run: RawRun) => run.child.stdin.end()],
    ["SIGTERM", (run: RawRun) => run.child.kill("SIGTERM")],
    ["SIGINT", (run: RawRun) => run.child.kill("SIGINT")],
  ])(
    "%s: the write finishes, is answered and audited, then the process exits",
    async (_how, stop) => {
      const run = await start();
      const id = await revokeInFlight(run);
      const stoppedAt = Date.now();
      stop(run);
      const { code } = await run.exited;
      expect(code).toBe(0);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(DELAY_MS - 300);

      expect(emu.getInvitation(id)?.status).toBe("revoked");
      const lines = audit.lines().filter((l) => l.tool === "revoke_invitation");
      expect(lines.map((l) => [l.stage, l.outcome])).toEqual([
        ["intent", undefined],
        ["outcome", "succeeded"],
      ]);
      expect(lines[0]?.call_id).toBe(lines[1]?.call_id);
      const answer = run
        .stdout()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id?: unknown; result?: { isError?: boolean } })
        .find((m) => m.id === 2);
      expect(answer?.result?.isError).toBeFalsy();
      expect(run.stderr()).toMatch(/waiting up to 5 s for 1 write call in flight/);
    },
  );

  it.each([
    ["stdin closes", (run: RawRun) => run.child.stdin.end()],
    ["SIGTERM", (run: RawRun) => run.child.kill("SIGTERM")],
  ])("%s with nothing in flight: exits at once", async (_how, stop) => {
    const run = await start();
    const stoppedAt = Date.now();
    stop(run);
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(400);
    expect(run.stderr()).toMatch(/shutting down/);
    expect(run.stderr()).not.toMatch(/waiting/);
  });
});
