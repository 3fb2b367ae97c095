import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { afterEach } from "vitest";
import { type Emulator, type SeedData, startEmulator } from "../../emulator/index.js";
import { createClerkGateway, DEFAULT_RETRY, type RetryPolicy } from "../../src/clerk/client.js";
import { type Config, DEFAULT_CONTROLS } from "../../src/config.js";
import { type Logger, silentLogger } from "../../src/log.js";
import { createServer } from "../../src/server.js";
import { TOOLSET_NAMES } from "../../src/toolsets.js";
import { guardTransport } from "../../src/transport/guard.js";

/**
 * An in-process MCP session: a real `Client` over `InMemoryTransport`, the real server and
 * `@clerk/backend`, and the emulator over real HTTP on 127.0.0.1.
 */
export interface Harness {
  emu: Emulator;
  client: Client;
  config: Config;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  seed?: SeedData;
  config?: Partial<Config>;
  retry?: Partial<RetryPolicy>;
  capabilities?: ClientCapabilities;
  log?: Logger;
  /** The emulator's key, and so the server's; an `sk_live_` key makes a production instance. */
  secretKey?: string;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const emu = await startEmulator({
    ...(opts.seed ? { seed: opts.seed } : {}),
    ...(opts.secretKey ? { secretKey: opts.secretKey } : {}),
  });
  const config: Config = {
    secretKey: emu.secretKey,
    instance: emu.secretKey.startsWith("sk_live_") ? "production" : "development",
    apiUrl: emu.url,
    timeoutMs: 2_000,
    ...DEFAULT_CONTROLS,
    // Every toolset, opt-in ones included, so that every tool can be called; a test of the
    // default selection passes `toolsets: undefined`.
    toolsets: [...TOOLSET_NAMES],
    ...opts.config,
  };
  // Short backoffs keep retry tests fast; the policy's shape is the production one.
  const clerk = createClerkGateway(config, {
    ...DEFAULT_RETRY,
    baseDelayMs: 5,
    settleDelaysMs: [0, 20, 40],
    ...opts.retry,
  });
  const server = createServer({ config, clerk, log: opts.log ?? silentLogger });
  const client = new Client(
    { name: "test-client", version: "1.0.0" },
    { capabilities: opts.capabilities ?? {} },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  // As the bin does over stdio and HTTP: the guard redacts what leaves and refuses unsafe keys.
  guardTransport(serverSide);
  return {
    emu,
    client,
    config,
    call: (name, args = {}) =>
      client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    async close() {
      await client.close();
      await server.close();
      await emu.close();
    },
  };
}

/** The text of every text block of a result, joined. */
export function textOf(result: CallToolResult): string {
  return result.content
    .map((c) => (c.type === "text" ? c.text : ""))
    .filter(Boolean)
    .join("\n");
}

/** The JSON text block of a success result, parsed. */
export function jsonBlock(result: CallToolResult): unknown {
  const last = result.content.at(-1);
  if (last?.type !== "text") throw new Error("no text block");
  return JSON.parse(last.text);
}

/**
 * One harness per test, closed after it, for suites whose tests each need their own settings:
 * `const harness = useHarness({ seed })` at the top, then `await harness({ config })` in a test
 * (its options over the defaults). A second call in one test closes the first harness.
 */
export function useHarness(
  defaults: HarnessOptions = {},
): (opts?: HarnessOptions) => Promise<Harness> {
  let current: Harness | undefined;
  const close = async () => {
    await current?.close();
    current = undefined;
  };
  afterEach(close);
  return async (opts = {}) => {
    await close();
    current = await startHarness({ ...defaults, ...opts });
    return current;
  };
}
