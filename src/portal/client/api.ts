/**
 * The portal's HTTP client for the REST API (same origin, `Authorization: Bearer <token>`).
 * Errors arrive as RFC 9457 problem+json; `ApiProblem` carries their `detail` to the page.
 */

/** An API error as problem+json describes it. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

/** The server could not be reached at all (no HTTP answer). */
export class NetworkFailure extends Error {}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A client bound to the token the customer signed in with. */
export interface Api {
  request<T>(method: Method, path: string, body?: unknown): Promise<T>;
  /** Fetches a document (PDF) with the token and hands it to the browser as a download named `fileName`. */
  download(path: string, fileName: string): Promise<void>;
}

export function createApi(token: string): Api {
  async function send(method: Method, path: string, body: unknown, accept: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new NetworkFailure(error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  return {
    async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
      const response = await send(method, path, body, 'application/json');
      const text = await response.text();
      return (text ? JSON.parse(text) : null) as T;
    },
    async download(path, fileName) {
      const response = await send('GET', path, undefined, 'application/pdf');
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      // The browser has taken the blob once the click is handled; free it a little later.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
  };
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as Partial<Record<'code' | 'title' | 'detail', unknown>>;
    const title = typeof problem.title === 'string' ? problem.title : response.statusText;
    const detail = typeof problem.detail === 'string' ? problem.detail : title;
    return new ApiProblem(response.status, typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`, title, detail);
  } catch {
    // Not problem+json (a proxy's error page, say): the status line is all there is.
    return new ApiProblem(response.status, `HTTP_${response.status}`, response.statusText, `${response.status} ${response.statusText}`.trim());
  }
}
