import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/index.js";
import { assertBuilt, BIN, connectStdio } from "../helpers/spawn.js";

/**
 * dist/ is self-contained: the package ships no runtime dependencies, so `npx clerk-admin-mcp`
 * installs one small package. This copies dist/ to a folder with no node_modules anywhere
 * above it and uses every lazily loaded part: @clerk/backend (a tool call) and ajv (an
 * elicitation answer).
 */
describe("dist/ runs without node_modules", () => {
  let emu: Emulator;
  let dir: string;
  beforeAll(async () => {
    assertBuilt();
    emu = await startEmulator();
    dir = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-standalone-"));
    cpSync(dirname(BIN), join(dir, "dist"), { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "clerk-admin-mcp", version: "0.0.0-test", type: "module" }),
    );
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers tools/list, calls Clerk, and checks an elicitation answer", async () => {
    const inv = emu.addInvitation({ email_address: "standalone@example.com" });
    const { client } = await connectStdio(emu, {
      name: "standalone",
      bin: join(dir, "dist", "index.js"),
      cwd: dir,
      answer: { action: "accept", content: { confirm: true } },
    });
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      const result = (await client.callTool({
        name: "revoke_invitation",
        arguments: { invitation_id: inv.id },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: inv.id, status: "revoked" });
    } finally {
      await client.close();
    }
  });
});
