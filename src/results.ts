import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { redact } from "./log.js";
import type { ToolSuccess } from "./tools/types.js";

/**
 * A tool's success as an MCP result: `structuredContent`, then the summary (redacted) and the
 * same JSON as text blocks, for clients that show only text.
 */
export function successResult(result: ToolSuccess<Record<string, unknown>>): CallToolResult {
  const json = JSON.stringify(result.structured);
  const content: CallToolResult["content"] = [];
  if (result.summary) content.push({ type: "text", text: redact(result.summary) });
  content.push({ type: "text", text: json });
  return { structuredContent: result.structured, content };
}
