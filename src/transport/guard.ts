import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { redact } from "../log.js";

/**
 * What every transport does around the SDK, whatever it carries (stdio or HTTP):
 * - every message it sends passes through `redact`, so that nothing the SDK words itself (an
 *   unknown tool's name, an argument it refuses) can carry the secret key out;
 * - a `tools/call` whose arguments have an own `__proto__`, `constructor` or `prototype` key is
 *   answered with a tool error and never reaches the server: the SDK's message parsing turns an
 *   own `__proto__` into the arguments object's prototype, so the tool's strict input check
 *   would never see it, and the call would go ahead as if it had not been sent.
 * Call it after `server.connect(transport)`, which sets the `onmessage` this wraps.
 */
export function guardTransport(transport: Transport): void {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(redacted(message), options);
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const refusal = refuseUnsafeArguments(message);
    if (refusal) {
      void send(refusal).catch(() => undefined);
      return;
    }
    receive?.(message, extra);
  };
}

const UNSAFE_KEYS = ["__proto__", "constructor", "prototype"];

function refuseUnsafeArguments(message: JSONRPCMessage): JSONRPCMessage | undefined {
  if (!("method" in message) || message.method !== "tools/call" || !("id" in message)) {
    return undefined;
  }
  const params = message.params as { name?: unknown; arguments?: unknown } | undefined;
  const args = params?.arguments;
  if (typeof args !== "object" || args === null) return undefined;
  const unsafe = UNSAFE_KEYS.filter((key) => Object.hasOwn(args, key));
  if (unsafe.length === 0) return undefined;
  const tool = typeof params?.name === "string" ? params.name.slice(0, 80) : "the tool";
  return {
    jsonrpc: "2.0",
    id: message.id,
    result: {
      isError: true,
      content: [
        {
          type: "text",
          text: redact(
            `${tool} does not take the argument${unsafe.length > 1 ? "s" : ""} ${unsafe.join(", ")}: no tool does, since it cannot be passed on safely. Nothing was sent to Clerk.`,
          ),
        },
      ],
    },
  };
}

/** The message with every string redacted; the same object when nothing needed it. */
function redacted(message: JSONRPCMessage): JSONRPCMessage {
  const raw = JSON.stringify(message);
  const clean = redact(raw);
  return clean === raw ? message : (JSON.parse(clean) as JSONRPCMessage);
}
