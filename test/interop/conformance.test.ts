import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSeed, type Emulator, startEmulator } from "../../emulator/index.js";
import { CONFORMANCE, type Node22Run, runNode22 } from "../helpers/node22.js";
import { type RawRun, spawnRaw, waitFor } from "../helpers/spawn.js";

const EXPECTED_FAILURES = fileURLToPath(
  new URL("./conformance-expected-failures.yml", import.meta.url),
);

/** The scenarios that apply to a real server; each must pass with every check a success. */
const APPLICABLE = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO";
  details?: Record<string, unknown>;
}

/** A free TCP port on 127.0.0.1 (the server's allowed origin must name it before it starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * The MCP conformance suite (@modelcontextprotocol/conformance 0.1.16, on Node 22), its active
 * server scenarios against the built bin in remote mode. The suite cannot send a bearer token,
 * so the server runs with `--auth none` on loopback (the only place that is accepted), with its
 * own origin in `--allowed-origins` so that the DNS-rebinding scenario's same-origin request is
 * allowed while its `evil.example.com` one is refused. Scenarios that need the suite's fixture
 * tools, prompts or resources are expected failures (conformance-expected-failures.yml, which
 * says why for each); any other failure, or an expected one that passes, fails the run.
 * Two fixture scenarios pass without proving anything: tools-call-simple-text and
 * tools-call-error accept the error result for an unknown tool (`test_simple_text`,
 * `test_error_handling`); they are not counted among the applicable ones.
 */
describe("MCP conformance suite, server scenarios, over HTTP", () => {
  let emu: Emulator;
  let server: RawRun;
  let out: string;
  let run: Node22Run;

  beforeAll(async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawnRaw({ CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url }, [
      "--transport",
      "http",
      "--port",
      String(port),
      "--auth",
      "none",
      "--allowed-origins",
      base,
    ]);
    await waitFor(server.stderr, (s) => /ready: MCP at \S+\/mcp/.test(s), 10_000);
    out = mkdtempSync(join(tmpdir(), "clerk-admin-mcp-conformance-"));
    run = await runNode22(CONFORMANCE, [
      "server",
      "--url",
      `${base}/mcp`,
      "--expected-failures",
      EXPECTED_FAILURES,
      "--output-dir",
      out,
    ]);
  }, 60_000);
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await emu?.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** The checks a scenario recorded (its results folder is `server-<scenario>-<time>`). */
  function checks(scenario: string): Check[] {
    const dir = readdirSync(out).find((d) => d.startsWith(`server-${scenario}-`));
    if (dir === undefined) throw new Error(`no results for ${scenario}`);
    return JSON.parse(readFileSync(join(out, dir, "checks.json"), "utf8")) as Check[];
  }

  it("fails only the expected scenarios, and every expected one still fails", () => {
    expect(run.stdout).toContain("Baseline check passed: all failures are expected.");
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
  });

  it.each(APPLICABLE)("%s passes, every check a success", (scenario) => {
    const got = checks(scenario);
    expect(got.length).toBeGreaterThan(0);
    expect(got.map((c) => [c.id, c.status])).toEqual(got.map((c) => [c.id, "SUCCESS"]));
  });

  it("dns-rebinding-protection: the foreign Host/Origin got 403, the server's own origin 2xx", () => {
    const byId = new Map(checks("dns-rebinding-protection").map((c) => [c.id, c]));
    expect(byId.get("localhost-host-rebinding-rejected")?.details?.statusCode).toBe(403);
    expect(byId.get("localhost-host-valid-accepted")?.details?.statusCode).toBe(200);
  });

  it("tools-list saw the read tools of an --auth none caller (a reader)", () => {
    const tools = checks("tools-list")[0]?.details?.tools as string[];
    expect(tools).toContain("list_users");
    expect(tools).not.toContain("create_invitation");
  });

  it("the suite's calls reached Clerk for no write", () => {
    expect(emu.writes()).toEqual([]);
  });
});
