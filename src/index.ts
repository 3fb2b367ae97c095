#!/usr/bin/env node
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type Config, ConfigError, infoRequest, loadConfig, USAGE } from "./config.js";
import { createStderrLogger } from "./log.js";
import { labelEmulatorResults } from "./results.js";
import { probeAuditLog } from "./safety/audit.js";
import { createInFlight, SHUTDOWN_GRACE_MS } from "./safety/inflight.js";
import { writeMode } from "./safety/mode.js";
import { createServer, SERVER_INFO } from "./server.js";
import { guardTransport } from "./transport/guard.js";
import { loadRemoteOptions, REMOTE_USAGE, type RemoteOptions } from "./transport/http-config.js";
import { JsonRpcStdioTransport } from "./transport/stdio.js";

// The bin: config, server, stdio. stdout is the JSON-RPC channel; everything else is stderr.
const log = createStderrLogger();
// Whatever a dependency prints (Clerk's SDK prints its telemetry notice through the console)
// goes to stderr: stdout carries JSON-RPC only, in either transport.
process.env.CLERK_TELEMETRY_DISABLED ??= "1";
for (const method of ["log", "info", "debug", "dir", "group", "groupCollapsed", "table"] as const) {
  // biome-ignore lint/suspicious/noConsole: the point is to move console output off stdout
  console[method] = console.error;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Asked for on a terminal, never by an MCP client. Still stderr: stdout carries JSON-RPC only,
  // whatever the arguments, so a client misconfigured with --help gets no stray text there.
  if (argv[0] === "init") {
    // A command for a terminal, not the server: loaded only when asked for (dist/init.cjs).
    const { runInit } = await import("./init.js");
    process.exitCode = await runInit(argv.slice(1), {
      env: process.env,
      platform: process.platform,
      stdin: process.stdin,
      out: process.stderr,
    });
    return;
  }
  const info = infoRequest(argv);
  if (info) {
    process.stderr.write(info === "help" ? USAGE + REMOTE_USAGE : `${SERVER_INFO.version}\n`);
    return;
  }

  let config: Config;
  let server: McpServer;
  let remote: RemoteOptions;
  const inflight = createInFlight();
  let emulator: { requestLogUrl: string } | undefined;
  try {
    const split = loadRemoteOptions(process.env, argv);
    remote = split.remote;
    config = loadConfig(process.env, split.rest);
    if (config.emulator) {
      const { startBuiltInEmulator } = await import("./emulator-mode.js");
      const started = await startBuiltInEmulator();
      emulator = started;
      config = { ...config, apiUrl: started.apiUrl };
    }
    server = createServer({ config, log, inflight });
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

  if (remote.transport === "http") {
    // Loaded only in remote mode: stdio's start-up path never parses the HTTP layer.
    const { serveHttp } = await import("./transport/http-main.js");
    try {
      await serveHttp(config, remote, log, inflight);
    } catch (err) {
      if (!(err instanceof ConfigError) && !(err instanceof Error && "code" in err)) throw err;
      process.stderr.write(`clerk-admin-mcp: ${err.message}\n`);
      process.exit(1);
    }
    return;
  }

  const transport = new JsonRpcStdioTransport();

  let closing = false;
  // A write in flight finishes and records its audit outcome before the process exits: closing
  // the server first would abort it mid-call and leave only the intent line.
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    // No new calls start once shutting down; the client has closed or is being stopped.
    process.stdin.pause();
    const pending = inflight.size;
    log.info(
      `shutting down (${reason})${pending > 0 ? `; waiting up to ${SHUTDOWN_GRACE_MS / 1000} s for ${pending} write call${pending > 1 ? "s" : ""} in flight` : ""}`,
    );
    void inflight
      .drain(SHUTDOWN_GRACE_MS)
      .then(async (finished) => {
        if (!finished) {
          log.error(
            `${inflight.size} write call(s) still running after ${SHUTDOWN_GRACE_MS / 1000} s, abandoned: their outcome is unknown (the audit log has their intent line)`,
          );
        }
        // The SDK sends a finished call's answer a few promise steps later, and closing aborts
        // every request not yet answered: one turn of the event loop lets those answers out.
        await new Promise((resolve) => setImmediate(resolve));
        await server.close();
      })
      .finally(() => process.exit(0));
    // Never hang on a close that does not finish.
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 1_000).unref();
  };
  process.stdin.on("end", () => shutdown("stdin closed"));
  process.stdin.on("close", () => shutdown("stdin closed"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // A client gone before its answer: the answer is lost, and the audit line was written first.
  process.stdout.on("error", (err) => log.error("stdout", err));
  process.on("unhandledRejection", (reason) => log.error("unhandled rejection", reason));

  await server.connect(transport);
  guardTransport(transport);
  if (emulator) labelEmulatorResults(transport);
  const where = emulator
    ? `EMULATOR (built-in, demo data in memory; not a real Clerk instance, nothing is sent to Clerk; request log ${emulator.requestLogUrl})`
    : `${config.instance} instance, API ${new URL(config.apiUrl).host}`;
  log.info(
    `ready: ${where}, ${writeMode(config)}${config.auditLog ? ", audit log on" : ""}${config.confirm ? "" : ", confirmation off"}`,
  );
}

main().catch((err: unknown) => {
  log.error("fatal", err);
  process.exit(1);
});
