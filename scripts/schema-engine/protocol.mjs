// Shapes the native schema engine uses on stderr and in JSON-RPC errors, which the Prisma CLI
// parses (log lines: `{ level, target, fields: { message, error_code? } }`; RPC error data:
// `{ is_panic, message, error_code?, meta? }`).

/**
 * One JSON log line like the native engine writes to stderr.
 * @param {'INFO'|'WARN'|'ERROR'} level
 * @param {string} message
 * @param {Record<string, unknown>} [fields]
 */
export function logLine(level, message, fields = {}) {
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...fields },
    target: 'schema_engine::logger',
  });
}

/**
 * Normalizes whatever the wasm engine rejected with into the native RPC error `data`.
 * @param {unknown} error
 * @param {string} panicMessage last message recorded by the wasm panic hook
 */
export function engineErrorData(error, panicMessage = '') {
  if (error instanceof WebAssembly.RuntimeError) {
    return { is_panic: true, message: panicMessage || error.message, backtrace: error.stack };
  }
  if (error && typeof error === 'object') {
    const e = /** @type {Record<string, any>} */ (error);
    // The engine's user-facing errors arrive as objects (or Errors) carrying these fields;
    // some builds put them in a JSON string in `message`.
    let payload = e;
    if (typeof e.message === 'string' && e.message.startsWith('{')) {
      try {
        payload = { ...JSON.parse(e.message) };
      } catch {
        /* not JSON */
      }
    }
    const message = payload.message ?? String(error);
    // The wasm build throws `Error { name: 'SchemaConnectorError', code: 'P3005' }`.
    const errorCode =
      payload.error_code ?? (typeof payload.code === 'string' && /^P\d{4}$/.test(payload.code) ? payload.code : undefined);
    return {
      is_panic: Boolean(payload.is_panic) || payload.name === 'RuntimeError',
      message,
      ...(errorCode ? { error_code: errorCode } : {}),
      ...(payload.meta ? { meta: payload.meta } : {}),
    };
  }
  return { is_panic: false, message: String(error) };
}
