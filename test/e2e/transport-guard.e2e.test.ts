import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { assertBuilt, INIT, type RawRun, spawnRaw, waitFor } from "../helpers/spawn.js";

// What the transport guard (src/transport/guard.ts) adds around the SDK, seen from a client
// writing raw lines to the built bin: the key never comes back in what the SDK words itself,
// and an own `__proto__` argument is refused instead of silently dropped.

describe("the transport guard over stdio (dist/index.js)", () => {
  const key = "sk_test_GuardCheck0123456789abcdefXYZ";
  let emu: Emulator;
  let run: RawRun;
  let seen = 0;

  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator({
      secretKey: key,
      seed: { users: [{ id: "user_ada0000001", email_address: "ada@example.com" }] },
    });
    run = spawnRaw({ CLERK_SECRET_KEY: key, CLERK_API_URL: emu.url });
    run.child.stdin.write(`${JSON.stringify(INIT)}\n`);
    await waitFor(run.stdout, (s) => s.includes('"id":1'));
    run.child.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`,
    );
    seen = run.stdout().split("\n").filter(Boolean).length;
  });
  afterAll(async () => {
    run.child.stdin.end();
    await run.exited;
    await emu.close();
  });

  /** Writes `line` raw and returns the raw answer line. */
  async function answer(line: string): Promise<string> {
    run.child.stdin.write(`${line}\n`);
    await waitFor(run.stdout, (s) => s.split("\n").filter(Boolean).length > seen);
    const got = run.stdout().split("\n").filter(Boolean).slice(seen);
    seen += got.length;
    expect(got).toHaveLength(1);
    return got[0] as string;
  }

  const encodings = () => {
    const bytes = Buffer.from(key);
    return [key, bytes.toString("base64"), bytes.toString("hex"), key.slice("sk_test_".length)];
  };

  it("an unknown tool named with the key: the SDK's error does not carry it", async () => {
    const line = await answer(
      JSON.stringify({ jsonrpc: "2.0", id: 10, method: "tools/call", params: { name: key } }),
    );
    expect(JSON.parse(line)).toMatchObject({ id: 10 });
    for (const form of encodings()) expect(line).not.toContain(form);
    expect(line).toMatch(/Tool (sk_test_…|\[redacted\]) not found/);
  });

  it("an argument named with the key: the refusal does not carry it", async () => {
    const line = await answer(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 11,
        method: "tools/call",
        params: { name: "get_user", arguments: { user_id: "user_ada0000001", [key]: 1 } },
      }),
    );
    expect(line).toMatch(/does not take the argument/);
    for (const form of encodings()) expect(line).not.toContain(form);
  });

  it.each(["__proto__", "constructor", "prototype"])(
    "an own %s argument is refused, and nothing is sent to Clerk",
    async (name) => {
      emu.clearRequests();
      // Written by hand: JSON.stringify would not write an own __proto__ key from an object.
      const line = await answer(
        `{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"ban_user","arguments":{"user_id":"user_ada0000001","${name}":{"x":1}}}}`,
      );
      const msg = JSON.parse(line) as { result: { isError: boolean; content: [{ text: string }] } };
      expect(msg.result.isError).toBe(true);
      expect(msg.result.content[0].text).toBe(
        `ban_user does not take the argument ${name}: no tool does, since it cannot be passed on safely. Nothing was sent to Clerk.`,
      );
      expect(emu.requests).toEqual([]);
      expect(emu.getUser("user_ada0000001")?.banned).toBe(false);
    },
  );
});
