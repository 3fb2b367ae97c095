import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { assertBuilt, spawnRaw, waitFor } from "../helpers/spawn.js";

/**
 * The same refusals as test/tools/metadata-guard.test.ts, but from raw JSON-RPC lines over
 * stdio: JSON.parse of the line makes `__proto__` an own key, which is what a client sends.
 */

const USER = "user_ada0000001";
const ORG = "org_acme000001";

describe("metadata from raw JSON-RPC (dist/index.js over stdio)", () => {
  let emu: Emulator;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator({
      seed: {
        users: [{ id: USER, email_address: "ada@example.com" }],
        organizations: [{ id: ORG, name: "Acme", slug: "acme" }],
      },
    });
  });
  afterAll(() => emu.close());

  it("refuses __proto__ at the top and nested, and deep nesting, naming the path; sends nothing", async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`;
    const calls = [
      `{"name":"update_user_metadata","arguments":{"user_id":"${USER}","public_metadata":{"__proto__":{"admin":true},"plan":"pro"}}}`,
      `{"name":"update_organization_metadata","arguments":{"organization_id":"${ORG}","private_metadata":{"x":{"__proto__":{"admin":true}}}}}`,
      `{"name":"create_invitation","arguments":{"email_address":"n@example.com","public_metadata":{"__proto__":{"admin":true}}}}`,
      `{"name":"create_organization_invitation","arguments":{"organization_id":"${ORG}","email_address":"n@example.com","role":"org:member","private_metadata":{"constructor":{"prototype":{}}}}}`,
      `{"name":"update_user_metadata","arguments":{"user_id":"${USER}","unsafe_metadata":${deep}}}`,
    ];
    const run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url });
    run.child.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } })}\n`,
    );
    await waitFor(run.stdout, (s) => s.includes('"id":1'));
    run.child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    emu.clearRequests();
    calls.forEach((params, i) => {
      run.child.stdin.write(
        `{"jsonrpc":"2.0","id":${i + 10},"method":"tools/call","params":${params}}\n`,
      );
    });
    await waitFor(run.stdout, (s) => s.includes(`"id":${calls.length + 9}`));
    run.child.stdin.end();
    await run.exited;
    const answers = new Map(
      run
        .stdout()
        .split("\n")
        .filter(Boolean)
        .map(
          (line) =>
            JSON.parse(line) as {
              id: number;
              result?: { isError?: boolean; content: Array<{ text: string }> };
            },
        )
        .map((m) => [m.id, m.result]),
    );
    const text = (id: number) =>
      answers
        .get(id)
        ?.content.map((c) => c.text)
        .join(" ") ?? "";
    for (let id = 10; id < 10 + calls.length; id++) expect(answers.get(id)?.isError).toBe(true);
    expect(text(10)).toMatch(/refused.* at public_metadata\.__proto__/s);
    expect(text(11)).toMatch(/refused.* at private_metadata\.x\.__proto__/s);
    expect(text(12)).toMatch(/refused.* at public_metadata\.__proto__/s);
    expect(text(13)).toMatch(/refused.* at private_metadata\.constructor/s);
    expect(text(14)).toMatch(/deeper than 32 levels/);
    expect(text(14)).not.toMatch(/Could not reach/);
    expect(emu.requests).toEqual([]);
  });
});
