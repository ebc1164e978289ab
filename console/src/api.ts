// Every call to the server goes through here: credentials by path, JSON in and out, and
// one error type built from the server's error body
// {"error": {"code", "message", "request_id", "details"?}}.
import { getCredential } from './credentials';

export const FRAMEWORKS = ['semantic-kernel', 'langchain', 'langgraph'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const FRAMEWORK_LABELS: Record<Framework, string> = {
  'semantic-kernel': 'Semantic Kernel',
  langchain: 'LangChain',
  langgraph: 'LangGraph',
};

export interface ErrorDetail {
  field?: string;
  message?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string;
  readonly details: ErrorDetail[] | undefined;

  constructor(status: number, code: string, message: string, requestId = '', details?: ErrorDetail[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }
}

/** The error an error body describes; `status` falls back to the body's own "status". */
export function errorFromBody(status: number, body: unknown, fallbackRequestId = ''): ApiError {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const error = (record.error && typeof record.error === 'object' ? record.error : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const requestId = text(error.request_id) || text(record.request_id) || fallbackRequestId;
  const effectiveStatus = status || (typeof record.status === 'number' ? record.status : 0);
  const details = Array.isArray(error.details) ? (error.details as ErrorDetail[]) : undefined;
  let message = text(error.message) || text(record.message) || `request failed with status ${effectiveStatus}`;
  if (details && details.length > 0) {
    const parts = details
      .map((detail) => [detail.field, detail.message].filter(Boolean).join(': '))
      .filter(Boolean);
    if (parts.length > 0) message += ` (${parts.join('; ')})`;
  }
  return new ApiError(effectiveStatus, text(error.code) || 'HTTP_ERROR', message, requestId, details);
}

function isAdminPath(path: string): boolean {
  return path.startsWith('/admin/') || path.startsWith('/internal/');
}

function authHeaders(path: string): Record<string, string> {
  const credential = getCredential(isAdminPath(path) ? 'adminToken' : 'apiKey');
  return credential ? { Authorization: `Bearer ${credential}` } : {};
}

function requestIdOf(response: Response): string {
  return response.headers.get('X-Request-Id') ?? response.headers.get('X-Request-ID') ?? '';
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { error: { message: text.slice(0, 300) || response.statusText } };
  }
  return errorFromBody(response.status, body, requestIdOf(response));
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  form?: FormData;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(path), ...options.headers };
  let body: BodyInit | undefined;
  if (options.form) {
    body = options.form; // the browser writes the multipart boundary itself
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(withQuery(path, options.query), {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'NETWORK_ERROR', 'the server could not be reached');
  }
}

/** A JSON call; resolves to the parsed body (undefined for 204), rejects with ApiError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'BAD_RESPONSE', 'the server answered something that is not JSON', requestIdOf(response));
  }
}

export interface StreamHandlers {
  /** The text so far, called once per network chunk that brought deltas. */
  onText: (textSoFar: string) => void;
}

/**
 * POSTs with "stream": true and reads the server-sent events: `delta` pieces, then `result`
 * (the turn, resolved) or `error` (rejected), then `data: [DONE]`. An answer that is not an
 * event stream (an error before the stream, or a server without streaming) is read as JSON.
 */
export async function apiStream<T>(path: string, body: Record<string, unknown>, handlers: StreamHandlers, signal?: AbortSignal): Promise<T> {
  const response = await send(path, {
    method: 'POST',
    body: { ...body, stream: true },
    signal,
    headers: { Accept: 'text/event-stream, application/json' },
  });
  if (!response.ok) throw await failure(response);
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('text/event-stream') || !response.body) {
    // A server that does not stream answers the whole turn as JSON.
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', 'the server answered something that is not JSON', requestIdOf(response));
    }
  }

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  let result: { value: T } | undefined;
  let failed: ApiError | undefined;
  let done = false;

  const handleEvent = (block: string): boolean => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue; // a comment (keep-alive)
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return false;
    const payload = data.join('\n');
    if (payload === '[DONE]') return true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return false; // not ours to understand; skip it
    }
    if (event === 'delta') {
      const piece = (parsed as { delta?: unknown }).delta;
      if (typeof piece === 'string') text += piece;
    } else if (event === 'result') {
      result = { value: parsed as T };
    } else if (event === 'error') {
      failed = errorFromBody(0, parsed);
    }
    return false;
  };

  let shown = '';
  const show = () => {
    if (text !== shown) {
      shown = text;
      handlers.onText(text);
    }
  };
  try {
    while (!done) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
        throw new ApiError(0, 'STREAM_INTERRUPTED', 'the connection closed before the answer was complete');
      }
      buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      const separator = /\r?\n\r?\n/;
      let boundary: RegExpExecArray | null;
      while (!done && (boundary = separator.exec(buffer))) {
        const block = buffer.slice(0, boundary.index);
        buffer = buffer.slice(boundary.index + boundary[0].length);
        // The pieces that came before the final answer are shown before it replaces them.
        if (/^event:\s*(result|error)\s*$/m.test(block)) show();
        done = handleEvent(block);
      }
      if (!result && !failed) show();
      if (chunk.done) {
        if (!done && buffer.trim()) handleEvent(buffer);
        break;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  if (failed) throw failed;
  if (result) return result.value;
  throw new ApiError(0, 'STREAM_INCOMPLETE', 'the answer stream ended before its result');
}
