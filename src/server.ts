import { createRequire } from "node:module";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type ClerkGateway, createClerkGateway } from "./clerk/client.js";
import type { Config } from "./config.js";
import { createStderrLogger, type Logger } from "./log.js";
import { ALL_TOOLS, registerTools } from "./tools/registry.js";

export interface ServerDeps {
  config: Config;
  /** Defaults to a gateway built from `config`; tests pass one with a short retry policy. */
  clerk?: ClerkGateway;
  log?: Logger;
}

const pkg = createRequire(import.meta.url)("../package.json") as { name: string; version: string };

/** Name and version reported in `initialize`, from package.json. */
export const SERVER_INFO = { name: pkg.name, version: pkg.version };

/**
 * Builds the MCP server. Pure: no I/O happens until a transport connects and a tool runs,
 * and `@clerk/backend` is loaded on the first tool call.
 */
export function createServer(deps: ServerDeps): McpServer {
  const log = deps.log ?? createStderrLogger();
  const clerk = deps.clerk ?? createClerkGateway(deps.config);
  const server = new McpServer(SERVER_INFO, {
    instructions: instructions(deps.config),
  });
  registerTools(server, ALL_TOOLS, { clerk, config: deps.config, log });
  return server;
}

function instructions(config: Config): string {
  return [
    `Administers a Clerk ${config.instance} instance: application and organization invitations.`,
    "IDs starting inv_ are application invitations; orginv_ are organization invitations, which need their organization_id (org_…).",
    "Use list_invitations to find application invitation IDs before acting on them.",
  ].join(" ");
}
