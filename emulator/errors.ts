import { traceId } from "./ids.js";

export interface ClerkErrorItem {
  code: string;
  message: string;
  long_message: string;
  meta: Record<string, unknown>;
}

/** Thrown by route handlers; turned into a Clerk error response by the server. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: ClerkErrorItem[];

  constructor(
    status: number,
    code: string,
    message: string,
    longMessage: string,
    meta: Record<string, unknown> = {},
  ) {
    super(longMessage);
    this.status = status;
    this.errors = [{ code, message, long_message: longMessage, meta }];
  }
}

export function errorBody(errors: ClerkErrorItem[]): {
  errors: ClerkErrorItem[];
  clerk_trace_id: string;
} {
  return { errors, clerk_trace_id: traceId() };
}

export const notFound = (longMessage = "The requested resource was not found."): ApiError =>
  new ApiError(404, "resource_not_found", "not found", longMessage);

export const paramMissing = (param: string): ApiError =>
  new ApiError(
    422,
    "form_param_missing",
    `${param} must be included`,
    `${param} must be included`,
    {
      param_name: param,
    },
  );

export const paramInvalid = (param: string, longMessage?: string): ApiError =>
  new ApiError(
    422,
    "form_param_value_invalid",
    "is invalid",
    longMessage ?? `${param} is invalid`,
    { param_name: param },
  );

export const paramFormatInvalid = (param: string, longMessage?: string): ApiError =>
  new ApiError(
    422,
    "form_param_format_invalid",
    "is invalid",
    longMessage ?? `${param} must be a valid email address.`,
    { param_name: param },
  );

/** Generic Clerk error body for a bare status (used by faults without a body). */
export function defaultErrorFor(status: number): ClerkErrorItem {
  const table: Record<number, [string, string, string]> = {
    400: ["bad_request", "Bad request", "Bad request"],
    401: [
      "authentication_invalid",
      "Invalid authentication",
      "Unable to authenticate the request, you need to supply an active session",
    ],
    403: [
      "authorization_invalid",
      "Unauthorized request",
      "You are not authorized to perform this request",
    ],
    404: ["resource_not_found", "not found", "The requested resource was not found."],
    409: ["conflict", "Conflict", "The request conflicts with the current state."],
    422: ["form_param_value_invalid", "is invalid", "A request parameter is invalid."],
    429: ["too_many_requests", "Too many requests", "Too many requests, please retry later."],
    503: ["service_unavailable", "Service unavailable", "The service is temporarily unavailable."],
  };
  const [code, message, longMessage] =
    table[status] ??
    (status >= 500
      ? [
          "internal_clerk_error",
          "Oops, an unexpected error occurred",
          "There was an internal error on our servers. We've been notified and are working on fixing it.",
        ]
      : ["bad_request", "Bad request", "Bad request"]);
  return { code, message, long_message: longMessage, meta: {} };
}
