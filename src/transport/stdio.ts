import process from "node:process";
import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from "@modelcontextprotocol/sdk/shared/stdio.js";
import {
  ClientRequestSchema,
  ErrorCode,
  isJSONRPCRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type JSONRPCRequest,
} from "@modelcontextprotocol/sdk/types.js";

// The SDK's stdio transport (1.32.2) hands a line that is not JSON, or not a JSON-RPC message,
// to `onerror` and answers nothing, so the client waits for a reply that never comes; and a
// request whose params do not fit its method's schema is answered -32603 with zod's issue list
// as the message. This reader answers both as JSON-RPC 2.0 says, and passes every valid message
// on unchanged; writing (`send`) and closing are the SDK's.

/** Every request method the SDK knows, with the schema its Protocol parses the request with. */
type RequestSchema = (typeof ClientRequestSchema.options)[number];
const REQUEST_SCHEMAS = new Map<string, RequestSchema>(
  ClientRequestSchema.options.map((s) => [s.shape.method.value, s]),
);

/** A JSON-RPC error response; `id` is null when the request's own cannot be told. */
interface ErrorResponse {
  jsonrpc: "2.0";
  id: string | number | null;
  error: { code: number; message: string };
}

/**
 * StdioServerTransport, reading newline-delimited JSON-RPC, that answers every line it cannot
 * pass on: -32700 (not JSON, id null), -32600 (JSON but not a JSON-RPC 2.0 message; the
 * request's id when it is a string or an integer, else null) and -32602 (a known method with
 * params its schema refuses, with a one-line message naming the field). Blank lines are
 * skipped. A line longer than the SDK's buffer limit (10 MB) closes the transport, as the SDK's
 * reader does.
 */
export class JsonRpcStdioTransport extends StdioServerTransport {
  readonly #out: Writable;
  #pending: Buffer | undefined;

  constructor(stdin: Readable = process.stdin, stdout: Writable = process.stdout) {
    super(stdin, stdout);
    this.#out = stdout;
    // `start()` listens with `_ondata`: replacing it replaces the SDK's reader, nothing else.
    this._ondata = (chunk: Buffer) => this.#receive(chunk);
  }

  override async close(): Promise<void> {
    this.#pending = undefined;
    await super.close();
  }

  #receive(chunk: Buffer): void {
    let buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    for (let end = buffer.indexOf(0x0a); end !== -1; end = buffer.indexOf(0x0a)) {
      const line = buffer.toString("utf8", 0, end).replace(/\r$/, "");
      buffer = buffer.subarray(end + 1);
      this.#line(line);
    }
    this.#pending = buffer.length > 0 ? buffer : undefined;
    if (buffer.length > STDIO_DEFAULT_MAX_BUFFER_SIZE) {
      this.onerror?.(
        new Error(`a stdin line exceeded ${STDIO_DEFAULT_MAX_BUFFER_SIZE} bytes; closing`),
      );
      this.close().catch(() => {});
    }
  }

  #line(line: string): void {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.#reply(null, ErrorCode.ParseError, "Parse error: the line is not valid JSON.");
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      this.#reply(requestId(value), ErrorCode.InvalidRequest, `Invalid Request: ${why(value)}.`);
      return;
    }
    const message: JSONRPCMessage = parsed.data;
    if (isJSONRPCRequest(message)) {
      const problem = paramsProblem(message);
      if (problem) {
        this.#reply(message.id, ErrorCode.InvalidParams, problem);
        return;
      }
    }
    this.onmessage?.(message);
  }

  #reply(id: ErrorResponse["id"], code: number, message: string): void {
    const response: ErrorResponse = { jsonrpc: "2.0", id, error: { code, message } };
    this.#out.write(`${JSON.stringify(response)}\n`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The id of something meant as a request, when it is one JSON-RPC allows here; else null. */
function requestId(value: unknown): string | number | null {
  if (!isRecord(value) || "result" in value || "error" in value) return null;
  const { id } = value;
  return typeof id === "string" || Number.isSafeInteger(id) ? (id as string | number) : null;
}

const MEMBERS = new Set(["jsonrpc", "id", "method", "params", "result", "error"]);

/** What makes `value` no JSON-RPC 2.0 message, in a few words. */
function why(value: unknown): string {
  if (Array.isArray(value))
    return "expected one JSON-RPC message object (batches are not supported)";
  if (!isRecord(value)) return "expected a JSON-RPC message object";
  if (value.jsonrpc !== "2.0") return '"jsonrpc" must be "2.0"';
  const unknown = Object.keys(value).filter((k) => !MEMBERS.has(k));
  if (unknown.length > 0) return `unexpected member ${unknown.join(", ")}`;
  if ("result" in value || "error" in value) return "malformed response";
  if (!("method" in value)) return '"method" is missing';
  if (typeof value.method !== "string") return '"method" must be a string';
  if ("id" in value && requestId(value) === null) return '"id" must be a string or an integer';
  return '"params" must be an object';
}

/**
 * The -32602 message for a request of a known method whose params its schema refuses (the
 * Protocol would parse it with the same schema and answer -32603 with the raw issue list);
 * undefined when the params fit or the method is not one the SDK knows (-32601 follows).
 */
function paramsProblem(request: JSONRPCRequest): string | undefined {
  const schema = REQUEST_SCHEMAS.get(request.method);
  const result = schema?.safeParse(request);
  if (!result || result.success) return undefined;
  const issues = result.error.issues.slice(0, 3).map((issue) => {
    const text = issue.message.replace(/^Invalid input: /, "");
    return issue.path.length > 0 ? `${issue.path.join(".")}: ${text}` : text;
  });
  return `Invalid params for ${request.method}: ${issues.join("; ")}.`;
}
