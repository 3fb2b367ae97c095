#!/usr/bin/env node
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type Config, ConfigError, infoRequest, loadConfig, USAGE } from "./config.js";
import { createStderrLogger } from "./log.js";
import { probeAuditLog } from "./safety/audit.js";
import { writeMode } from "./safety/mode.js";
import { createServer, SERVER_INFO } from "./server.js";
import { JsonRpcStdioTransport } from "./transport/stdio.js";

// The bin: config, server, stdio. stdout is the JSON-RPC channel; everything else is stderr.
const log = createStderrLogger();

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Asked for on a terminal, never by an MCP client. Still stderr: stdout carries JSON-RPC only,
  // whatever the arguments, so a client misconfigured with --help gets no stray text there.
  const info = infoRequest(argv);
  if (info) {
    process.stderr.write(info === "help" ? USAGE : `${SERVER_INFO.version}\n`);
    return;
  }

  let config: Config;
  let server: McpServer;
  try {
    config = loadConfig(process.env, argv);
    server = createServer({ config, log });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`clerk-admin-mcp: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (config.auditLog) {
    // Fail at start, where the operator sees it, not on the first write.
    try {
      await probeAuditLog(config.auditLog);
    } catch (err) {
      const reason = err instanceof Error && "code" in err ? String(err.code) : "unknown error";
      process.stderr.write(
        `clerk-admin-mcp: --audit-log (CLERK_MCP_AUDIT_LOG) cannot be appended to (${reason}): expected a writable file path whose folder exists.\n`,
      );
      process.exit(1);
    }
  }

  const transport = new JsonRpcStdioTransport();

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
  log.info(
    `ready: ${config.instance} instance, ${writeMode(config)}, API ${new URL(config.apiUrl).host}${config.auditLog ? ", audit log on" : ""}${config.confirm ? "" : ", confirmation off"}`,
  );
}

main().catch((err: unknown) => {
  log.error("fatal", err);
  process.exit(1);
});
