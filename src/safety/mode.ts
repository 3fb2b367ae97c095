import type { Config } from "../config.js";

/**
 * What the server may change. `read-only` wins over everything; an `sk_live_` key blocks
 * writes unless the operator opted in with `--allow-production-writes`.
 */
export type WriteMode = "read-only" | "production-writes-blocked" | "writes-allowed";

/**
 * The write mode `config` puts the server in: `read-only` when `--read-only` is set (write
 * tools are not registered at all), else `production-writes-blocked` for an `sk_live_` key
 * without `--allow-production-writes` (write tools are listed, and the registry refuses their
 * calls unless the tool's `readsOnly` says the call changes nothing), else `writes-allowed`.
 * Pure; also named in the server's instructions.
 */
export function writeMode(
  config: Pick<Config, "readOnly" | "instance" | "allowProductionWrites">,
): WriteMode {
  if (config.readOnly) return "read-only";
  if (config.instance === "production" && !config.allowProductionWrites) {
    return "production-writes-blocked";
  }
  return "writes-allowed";
}

/** The refusal a write gets on a production instance without the opt-in. */
export function productionRefusal(tool: string): string {
  return `Refused: ${tool} changes data, and this server is connected to a production Clerk instance (sk_live_ key) with production writes turned off. Nothing was sent to Clerk. Read tools still work. To allow writes, the operator restarts the server with --allow-production-writes (or CLERK_MCP_ALLOW_PRODUCTION_WRITES=true); an assistant cannot turn this on.`;
}
