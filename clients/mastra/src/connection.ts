/** Where Runstream is and how to talk to it. */
export interface RunstreamOptions {
  /** Base URL of `runstream serve`, e.g. `http://localhost:8080`. */
  url: string;
  /** Bearer token, when Runstream runs with `http.auth.token`. */
  token?: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

/** The one place that builds Runstream URLs and request headers. */
export class RunstreamConnection {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  private readonly token: string | undefined;

  constructor(options: RunstreamOptions) {
    if (typeof options?.url !== 'string' || !/^https?:\/\//.test(options.url)) {
      throw new TypeError(`Runstream: url must be an http(s) URL, was '${String(options?.url)}'`);
    }
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.token = options.token;
    const fetchFn = options.fetch ?? globalThis.fetch;
    this.fetch = (input, init) => fetchFn(input, init);
  }

  /** `{base}/v1/runs/{runId}{suffix}`. */
  runUrl(runId: string, suffix = ''): string {
    return `${this.baseUrl}/v1/runs/${encodeURIComponent(runId)}${suffix}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { ...extra, Authorization: `Bearer ${this.token}` } : { ...extra };
  }

  toString(): string {
    return `RunstreamConnection(${this.baseUrl}, token=${this.token ? '****' : 'none'})`;
  }
}
