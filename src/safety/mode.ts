import type { Config } from "../config.js";

/**
 * What the server may change. `read-only` wins over everything; an `sk_live_` key blocks
 * writes unless the operator opted in with `--allow-production-writes`.
 */
export type WriteMode = "read-only" | "production-writes-blocked" | "writes-allowed";

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
