import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { type InFlight, SHUTDOWN_GRACE_MS } from "../safety/inflight.js";
import { writeMode } from "../safety/mode.js";
import { createHttpHandler, listen } from "./http.js";
import { type RemoteOptions, unmatchableWriters } from "./http-config.js";

/**
 * The bin in remote mode: the handler on Node's `http`, until SIGINT or SIGTERM. Shutting
 * down stops taking connections and waits (up to `SHUTDOWN_GRACE_MS`) for write calls in
 * flight, so each records its audit outcome.
 */
export async function serveHttp(
  config: Config,
  remote: RemoteOptions,
  log: Logger,
  inflight: InFlight,
): Promise<void> {
  const handler = createHttpHandler({ config, remote, log, inflight });
  const { server, url } = await listen(handler, remote.host, remote.port);
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    log.info(`shutting down (${reason})`);
    server.close();
    void inflight
      .drain(SHUTDOWN_GRACE_MS)
      .then((finished) => {
        if (!finished) {
          log.error(
            `${inflight.size} write call(s) still running after ${SHUTDOWN_GRACE_MS / 1000} s, abandoned: their outcome is unknown (the audit log has their intent line)`,
          );
        }
      })
      .finally(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 1_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("unhandledRejection", (reason) => log.error("unhandled rejection", reason));
  const writers = remote.writers.length;
  const unmatchable = unmatchableWriters(remote);
  if (unmatchable.length > 0) {
    log.error(
      `--writers ${unmatchable.join(", ")} can match no caller with --auth ${remote.auth} (${remote.auth === "token" ? "callers are token names" : remote.auth === "clerk" ? "callers are signed-in people: user IDs, emails, org_…:ROLE" : "every caller is local"}): ${unmatchable.length > 1 ? "they grant" : "it grants"} nothing.`,
    );
  }
  log.info(
    `ready: MCP at ${url}/mcp (stateless), auth ${remote.auth}, ${writers === 0 ? "no writers (read-only for everyone)" : `${writers} writer rule${writers > 1 ? "s" : ""}`}, ${config.instance} instance, ${writeMode(config)}, API ${new URL(config.apiUrl).host}${config.auditLog ? ", audit log on" : ""}${config.confirm ? ", confirmation by token" : ", confirmation off"}${remote.confirmSecretGenerated ? " (secret of this process only)" : ""}`,
  );
}
