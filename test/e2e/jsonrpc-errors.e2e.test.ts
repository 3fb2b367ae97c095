import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { assertBuilt, INIT, type RawRun, spawnRaw, waitFor } from "../helpers/spawn.js";

// JSON-RPC 2.0 says every request gets an answer, a malformed one included; a client left
// without one waits forever. Raw lines go to the built bin and the exact answers are checked.

const error = (id: string | number | null, code: number, message: string | RegExp) => ({
  jsonrpc: "2.0",
  id,
  error: { code, message: typeof message === "string" ? message : expect.stringMatching(message) },
});

describe("JSON-RPC errors over stdio (dist/index.js)", () => {
  let emu: Emulator;
  let run: RawRun;
  let seen = 0;

  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
    run = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url });
    run.child.stdin.write(`${JSON.stringify(INIT)}\n`);
    await waitFor(run.stdout, (s) => s.includes('"id":1'));
    run.child.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`,
    );
    seen = lines().length;
  });
  afterAll(async () => {
    run.child.stdin.end();
    await run.exited;
    await emu.close();
  });

  function lines(): unknown[] {
    return run
      .stdout()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
  }

  /** Writes `line` raw and returns the one answer it gets. */
  async function answer(line: string): Promise<unknown> {
    run.child.stdin.write(`${line}\n`);
    await waitFor(run.stdout, () => lines().length > seen);
    const got = lines().slice(seen);
    seen += got.length;
    expect(got).toHaveLength(1);
    return got[0];
  }

  it.each([
    ["not JSON", "not json", error(null, -32700, "Parse error: the line is not valid JSON.")],
    ["truncated JSON", '{"jsonrpc":"2.0","id":2,', error(null, -32700, /^Parse error/)],
    [
      "a wrong jsonrpc version",
      '{"jsonrpc":"1.0","id":3,"method":"tools/list"}',
      error(3, -32600, 'Invalid Request: "jsonrpc" must be "2.0".'),
    ],
    [
      "no method",
      '{"jsonrpc":"2.0","id":"four"}',
      error("four", -32600, 'Invalid Request: "method" is missing.'),
    ],
    [
      "a method that is not a string",
      '{"jsonrpc":"2.0","id":5,"method":7}',
      error(5, -32600, 'Invalid Request: "method" must be a string.'),
    ],
    [
      "an id that is neither string nor integer",
      '{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}',
      error(null, -32600, 'Invalid Request: "id" must be a string or an integer.'),
    ],
    [
      "params that are not an object",
      '{"jsonrpc":"2.0","id":6,"method":"tools/list","params":"all"}',
      error(6, -32600, 'Invalid Request: "params" must be an object.'),
    ],
    [
      "a batch",
      '[{"jsonrpc":"2.0","id":7,"method":"tools/list"}]',
      error(null, -32600, /^Invalid Request: .*batches are not supported/),
    ],
    [
      "a bare number",
      "42",
      error(null, -32600, "Invalid Request: expected a JSON-RPC message object."),
    ],
    [
      "tools/call without a name",
      '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"arguments":{}}}',
      error(
        8,
        -32602,
        "Invalid params for tools/call: params.name: expected string, received undefined.",
      ),
    ],
    [
      "tools/call with arguments that are not an object",
      '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"list_invitations","arguments":"all"}}',
      error(
        9,
        -32602,
        "Invalid params for tools/call: params.arguments: expected record, received string.",
      ),
    ],
  ])("%s gets its answer", async (_label, line, expected) => {
    expect(await answer(line)).toEqual(expected);
  });

  it("an unknown method still gets -32601 from the SDK", async () => {
    expect(await answer('{"jsonrpc":"2.0","id":10,"method":"no/such"}')).toEqual(
      error(10, -32601, "Method not found"),
    );
  });

  it("a known tool with arguments it refuses: a tool error naming the field, nothing sent", async () => {
    emu.clearRequests();
    const got = await answer(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 11,
        method: "tools/call",
        params: { name: "revoke_invitation", arguments: { invitation_id: 5 } },
      }),
    );
    expect(got).toMatchObject({ id: 11, result: { isError: true } });
    expect(JSON.stringify(got)).toMatch(/invitation ID string \(inv_…\) at invitation_id/);
    expect(emu.requests).toEqual([]);
  });

  it("keeps serving: tools/list on the same process answers after all of the above", async () => {
    const got = await answer('{"jsonrpc":"2.0","id":12,"method":"tools/list"}');
    expect(got).toMatchObject({ jsonrpc: "2.0", id: 12, result: { tools: expect.any(Array) } });
    expect(run.child.exitCode).toBeNull();
    expect(run.stderr()).not.toContain(emu.secretKey);
  });
});
