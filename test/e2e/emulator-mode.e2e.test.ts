import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { connect, expectSeededEmulator } from "../helpers/emulator-mode.js";
import { assertBuilt, BIN } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("--emulator", () => {
  beforeAll(assertBuilt);

  it("serves the demo instance with no key, and says it is the emulator everywhere", async () => {
    const { client, stderr } = await connect(process.execPath, [BIN, "--emulator"]);
    try {
      await expectSeededEmulator(client, stderr);
    } finally {
      await client.close();
    }
  });

  it("is also turned on by CLERK_MCP_EMULATOR, and ignores a real key set beside it", async () => {
    const { client, stderr } = await connect(process.execPath, [BIN], {
      CLERK_MCP_EMULATOR: "true",
      CLERK_SECRET_KEY: "sk_live_realKeyMustNotBeUsed0000",
    });
    try {
      await expectSeededEmulator(client, stderr);
    } finally {
      await client.close();
    }
  });

  it("keeps the emulator out of the start-up bundle (its own file, loaded only in this mode)", () => {
    const server = readFileSync(join(ROOT, "dist/server.cjs"), "utf8");
    expect(server).toContain('require("./emulator.cjs")');
    expect(server).not.toContain("__emulator/requests");
    expect(server).not.toContain("ada@example.com");
    const chunk = readFileSync(join(ROOT, "dist/emulator.cjs"), "utf8");
    expect(chunk).toContain("__emulator/requests");
    expect(chunk).toContain("ada@example.com");
  });
});
