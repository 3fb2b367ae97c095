import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/index.js";
import pkg from "../package.json" with { type: "json" };
import { type ClerkGateway, createClerkGateway } from "./clerk/client.js";
import type { Config } from "./config.js";
import { createStderrLogger, type Logger, registerSecret } from "./log.js";
import { type AuditLog, createAuditLog } from "./safety/audit.js";
import type { TokenConfirmation } from "./safety/confirm-token.js";
import type { InFlight } from "./safety/inflight.js";
import { writeMode } from "./safety/mode.js";
import { type Selection, selectTools } from "./safety/selection.js";
import { ALL_TOOLS, registerTools } from "./tools/registry.js";
import type { Actor } from "./tools/types.js";
import { TOOLSET_NAMES } from "./toolsets.js";

export interface ServerDeps {
  config: Config;
  /** Defaults to a gateway built from `config`; tests pass one with a short retry policy. */
  clerk?: ClerkGateway;
  log?: Logger;
  /** Defaults to the file `config.auditLog` names, if any. */
  audit?: AuditLog;
  /** Tracks write calls in flight, for the bin's shutdown to wait on (src/safety/inflight.ts). */
  inflight?: InFlight;
  /** Who the calls are made for (audit lines); the local operator by default. */
  actor?: Actor;
  /** Remote mode: destructive tools confirm with signed tokens (src/safety/confirm-token.ts). */
  tokenConfirmation?: TokenConfirmation;
}

/** Name and version reported in `initialize`, from package.json. */
export const SERVER_INFO = { name: pkg.name, version: pkg.version };

/**
 * Builds the MCP server with the tools the operator selected. Pure: no I/O happens until a
 * transport connects and a tool runs, and `@clerk/backend` is loaded on the first tool call.
 * @throws ConfigError when the tool selection names unknown toolsets or tools, or leaves none.
 */
export function createServer(deps: ServerDeps): McpServer {
  const { config } = deps;
  // Known before anything can fail: every output path redacts this key's encodings too.
  registerSecret(config.secretKey);
  const log = deps.log ?? createStderrLogger();
  const clerk = deps.clerk ?? createClerkGateway(config);
  const audit =
    deps.audit ?? (config.auditLog ? createAuditLog(config.auditLog, config) : undefined);
  const selection = selectTools(ALL_TOOLS, config);
  if (selection.droppedByReadOnly.length > 0) {
    log.info(`read-only: not serving ${selection.droppedByReadOnly.join(", ")}`);
  }
  const server = new McpServer(SERVER_INFO, {
    instructions: instructions(config, selection),
    jsonSchemaValidator: lazyAjv(),
  });
  registerTools(server, selection.tools, {
    clerk,
    config,
    log,
    ...(audit ? { audit } : {}),
    ...(deps.inflight ? { inflight: deps.inflight } : {}),
    ...(deps.actor ? { actor: deps.actor } : {}),
    ...(deps.tokenConfirmation ? { tokenConfirmation: deps.tokenConfirmation } : {}),
  });
  return server;
}

/**
 * The SDK's own ajv validator for elicitation answers, built on first use. The SDK builds one
 * per server otherwise, at start: ajv compiles its meta-schemas and formats then, for a
 * check only an eliciting client ever needs. The build also moves ajv's code out of the
 * start-up bundle (scripts/build.mjs), so it is loaded here, when first needed.
 */
function lazyAjv(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator(schema) {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
}

const MODE_SENTENCE = {
  "read-only": "Mode: read-only; only tools that change nothing are available.",
  "production-writes-blocked":
    "Mode: production writes blocked; write tools are listed but refused until the operator restarts the server with --allow-production-writes. Reads work.",
  "writes-allowed": "Mode: writes allowed.",
} as const;

function instructions(config: Config, selection: Selection): string {
  const names = new Set(selection.tools.map((t) => t.name));
  // The opt-in toolsets (src/toolsets.ts) among them: the model can tell the human what
  // to ask the operator for, instead of guessing that a tool does not exist.
  const off = TOOLSET_NAMES.filter((t) => !selection.toolsets.includes(t));
  return [
    ...(config.emulator
      ? [
          "EMULATOR: this server runs against its built-in Clerk emulator with demo data, not a real Clerk instance; nothing is sent to Clerk. Say so when reporting results.",
        ]
      : []),
    `Administers a Clerk ${config.instance} instance: invitations, users and organizations.`,
    MODE_SENTENCE[writeMode(config)],
    `Enabled toolsets: ${selection.toolsets.join(", ") || "none (single tools only)"}.`,
    ...(off.length > 0
      ? [`Toolsets off: ${off.join(", ")} (the operator can enable them with --toolsets).`]
      : []),
    ...(config.protectedIds.length > 0
      ? [
          `Protected by the operator, so every write to them is refused: ${config.protectedIds.join(", ")}.`,
        ]
      : []),
    "ID prefixes: inv_ application invitation, orginv_ organization invitation (tools also need its organization_id, org_…), user_ user, org_ organization, sess_ session.",
    ...(names.has("list_sign_up_restrictions")
      ? ["alid_/blid_: allowlist/blocklist entry (pass the matching list)."]
      : []),
    ...(names.has("list_waitlist_entries") ? ["wle_: waitlist entry."] : []),
    ...(names.has("list_invitations")
      ? ["Use list_invitations to find application invitation IDs before acting on them."]
      : []),
  ].join(" ");
}
