/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON of many shapes; tests assert on them field by field */
/** A small HTTP client for tests: JSON in and out, status and headers kept. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  contentType: string;
}

export interface ReplyCheck {
  check(method: string, path: string, status: number, contentType: string, body: unknown): void;
}

export class Client {
  constructor(
    readonly base: string,
    readonly token: string | null,
    readonly extraHeaders: Record<string, string> = {},
    /** Every reply is checked against the OpenAPI document when given. */
    readonly checker: ReplyCheck | null = null,
  ) {}

  as(token: string | null, extraHeaders: Record<string, string> = {}): Client {
    return new Client(this.base, token, extraHeaders, this.checker);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const init: RequestInit = {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && !(body instanceof Uint8Array)
          ? { 'content-type': 'application/json' }
          : {}),
        ...this.extraHeaders,
        ...headers,
      },
    };
    if (body !== undefined) init.body = body instanceof Uint8Array ? body : JSON.stringify(body);
    const res = await fetch(`${this.base}${path}`, init);
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    const parsed = contentType.includes('json') && text ? JSON.parse(text) : text;
    this.checker?.check(method, path, res.status, contentType, parsed);
    return { status: res.status, headers: res.headers, body: parsed as T, contentType };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}
