import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { redact } from "./log.js";
import type { ToolSuccess } from "./tools/types.js";

/**
 * A tool's success as an MCP result: `structuredContent`, then the summary and the same JSON as
 * text blocks, for clients that show only text. Both pass through `redact`: what Clerk holds
 * (names, metadata) may echo the key too, and redaction keeps the JSON valid.
 */
export function successResult(result: ToolSuccess<Record<string, unknown>>): CallToolResult {
  const raw = JSON.stringify(result.structured);
  const json = redact(raw);
  const structured =
    json === raw ? result.structured : (JSON.parse(json) as typeof result.structured);
  const content: CallToolResult["content"] = [];
  if (result.summary) content.push({ type: "text", text: redact(result.summary) });
  content.push({ type: "text", text: json });
  return { structuredContent: structured, content };
}
