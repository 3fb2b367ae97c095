import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ClerkGateway } from "../clerk/client.js";
import { toErrorResult } from "../clerk/errors.js";
import type { Config } from "../config.js";
import { type Logger, redact } from "../log.js";
import { invitationTools } from "./invitations.js";
import type { AnyToolDefinition, ToolSuccess } from "./types.js";

/** Every tool the server knows, in the order `tools/list` shows them. */
export const ALL_TOOLS: readonly AnyToolDefinition[] = [...invitationTools];

export interface RegistryDeps {
  clerk: ClerkGateway;
  config: Config;
  log: Logger;
}

/**
 * Registers `tools` on `server`. Input is validated by the SDK against a strict object
 * (unknown keys such as `invitationId` are refused), every handler runs inside the error
 * mapper, and success results carry `structuredContent` plus the same JSON as text.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  deps: RegistryDeps,
): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: z.strictObject(tool.input),
        outputSchema: z.object(tool.output),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args, extra): Promise<CallToolResult> => {
        try {
          const result = await tool.handler(args, { ...deps, signal: extra.signal, extra });
          return successResult(result);
        } catch (err) {
          return toErrorResult(err, deps.log, tool.name);
        }
      },
    );
  }
}

function successResult(result: ToolSuccess<Record<string, unknown>>): CallToolResult {
  const json = JSON.stringify(result.structured);
  const content: CallToolResult["content"] = [];
  if (result.summary) content.push({ type: "text", text: redact(result.summary) });
  content.push({ type: "text", text: json });
  return { structuredContent: result.structured, content };
}
