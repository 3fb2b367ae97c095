import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ClerkFailure, ToolError } from "./clerk/errors.js";
import { explainFailure } from "./clerk/failure-text.js";
import { type Logger, redact } from "./log.js";
import type { ToolSuccess } from "./tools/types.js";

/**
 * MCP results: handlers return or throw, and this is where either becomes what the client
 * reads. Error results never carry `structuredContent`: SDK v1 clients reject one that does
 * not match the tool's output schema.
 */

/**
 * A tool's success as an MCP result: `structuredContent`, then the summary and the same JSON as
 * text blocks, for clients that show only text. What Clerk holds (names, metadata) may echo the
 * key: every message is redacted once, as it leaves, by the transport guard
 * (src/transport/guard.ts).
 */
export function successResult(result: ToolSuccess<Record<string, unknown>>): CallToolResult {
  const content: CallToolResult["content"] = [];
  if (result.summary) content.push({ type: "text", text: result.summary });
  content.push({ type: "text", text: JSON.stringify(result.structured) });
  return { structuredContent: result.structured, content };
}

/**
 * An MCP error result: `isError` and one text block, with any secret key redacted from
 * `text`, and no `structuredContent`.
 */
export function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: redact(text) }] };
}

/** Maps anything a handler threw to an error result; unexpected errors go to the log. */
export function toErrorResult(err: unknown, log: Logger, tool: string): CallToolResult {
  if (err instanceof ToolError) return errorResult(err.message);
  if (err instanceof ClerkFailure) {
    if (err.kind === "internal") log.error(`internal failure in ${tool}`, err);
    return errorResult(explainFailure(err));
  }
  log.error(`unexpected error in ${tool}`, err);
  return errorResult(
    `clerk-admin-mcp hit an unexpected internal error in ${tool}; the details are in the server's stderr log.`,
  );
}

/** What every result says when the server runs against its built-in emulator (`--emulator`). */
export const EMULATOR_NOTE =
  "[clerk-admin-mcp emulator: demo data in memory, not a real Clerk instance; nothing was sent to Clerk]";

/**
 * `result` with `EMULATOR_NOTE` as its last text block, so that nobody reading it mistakes the
 * emulator's demo data for their own instance. `structuredContent` is left as it is: it must
 * match the tool's output schema.
 */
export function withEmulatorNote(result: CallToolResult): CallToolResult {
  return { ...result, content: [...result.content, { type: "text", text: EMULATOR_NOTE }] };
}

/**
 * Makes `transport` add `EMULATOR_NOTE` to every `tools/call` result it sends: the handlers'
 * results and also those the SDK makes itself (arguments its schema refuses, an unknown
 * tool), which never reach a handler. Call after the server has connected to it.
 */
export function labelEmulatorResults(transport: Transport): void {
  const calls = new Set<string | number>();
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ("method" in message && message.method === "tools/call" && "id" in message) {
      calls.add(message.id);
    }
    receive?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if ("result" in message && calls.delete(message.id) && Array.isArray(message.result.content)) {
      return send(
        { ...message, result: withEmulatorNote(message.result as CallToolResult) },
        options,
      );
    }
    return send(message, options);
  };
}
