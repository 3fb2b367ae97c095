#!/usr/bin/env node
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ConfigError, loadConfig } from "./config.js";
import { createStderrLogger } from "./log.js";
import { createServer } from "./server.js";

// The bin: config, server, stdio. stdout is the JSON-RPC channel; everything else is stderr.
const log = createStderrLogger();

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`clerk-admin-mcp: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const server = createServer({ config, log });
  const transport = new StdioServerTransport();

  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    log.info(`shutting down (${reason})`);
    void server.close().finally(() => process.exit(0));
    // Never hang on a request in flight.
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.stdin.on("end", () => shutdown("stdin closed"));
  process.stdin.on("close", () => shutdown("stdin closed"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("unhandledRejection", (reason) => log.error("unhandled rejection", reason));

  await server.connect(transport);
  log.info(`ready: ${config.instance} instance, API ${new URL(config.apiUrl).host}`);
}

main().catch((err: unknown) => {
  log.error("fatal", err);
  process.exit(1);
});
