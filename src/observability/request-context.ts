/**
 * What a request's log lines, metrics and spans know about it: its request id (an incoming
 * `X-Request-Id`, else a new UUID, echoed in the response), its route template, and the contract
 * it concerns.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUuid } from '../http/uuid';
import type { ContractLogFields } from './log-fields';
import { contractLogFields } from './log-fields';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming id is kept when it is short and harmless in a header and a log line. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** A request as Express leaves it after routing (fields this module reads and sets). */
export type RoutedRequest = IncomingMessage & {
  id?: unknown;
  method?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  [RESOLVED_CONTRACT]?: string;
};

/** The contract a handler's answer named (a created contract, an invoice's or payment's contract). */
const RESOLVED_CONTRACT = Symbol('resolvedContract');

/** Express middleware: sets `req.id` and the `X-Request-Id` response header. */
export function requestIdMiddleware(req: RoutedRequest, res: ServerResponse, next: () => void): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}

/** The request id {@link requestIdMiddleware} gave the request. */
export function requestIdOf(req: RoutedRequest): string {
  return typeof req.id === 'string' ? req.id : randomUUID();
}

/** The route template (`/v1/contracts/:id`) once routed; `unmatched` for 404s, so labels stay few. */
export function routeOf(req: RoutedRequest): string {
  const template = req.route?.path;
  return typeof template === 'string' ? `${req.baseUrl ?? ''}${template}` : 'unmatched';
}

/** Routes whose `:id` is a contract id. */
const CONTRACT_ROUTE = /^\/v1\/contracts\/:id(\/|$)/;

/**
 * The contract a request concerns: `:id` under /v1/contracts, a `:contractId` path or
 * `contractId` query parameter, or what its answer named ({@link rememberContractOfAnswer}).
 * Only UUIDs count (anything else is a 404 and would only put junk into the logs).
 */
export function contractOfRequest(req: RoutedRequest): string | undefined {
  const candidates = [
    req[RESOLVED_CONTRACT],
    CONTRACT_ROUTE.test(routeOf(req)) ? req.params?.id : undefined,
    req.params?.contractId,
    req.query?.contractId,
  ];
  return candidates.find((value): value is string => typeof value === 'string' && isUuid(value));
}

/** The log fields of the request's contract, if any. */
export function contractFieldsOfRequest(req: RoutedRequest): ContractLogFields | Record<string, never> {
  const contractId = contractOfRequest(req);
  return contractId ? contractLogFields(contractId) : {};
}

/** `POST /v1/contracts` answers with the new contract's `id`; other answers may name a `contractId`. */
export function rememberContractOfAnswer(req: RoutedRequest, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as { id?: unknown; contractId?: unknown };
  const named = req.method === 'POST' && routeOf(req) === '/v1/contracts' ? fields.id : fields.contractId;
  if (typeof named !== 'string' || !isUuid(named)) return undefined;
  req[RESOLVED_CONTRACT] = named;
  return named;
}
