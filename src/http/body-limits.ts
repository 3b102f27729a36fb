/** Largest JSON request body (API.md conventions; docs/security.md). */
export const JSON_BODY_LIMIT = '256kb';
/** Media types parsed as JSON (raw bytes kept for webhook signatures): JSON, and JSON:API (Pingen's webhooks). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/vnd.api+json'];
/** Largest XML or zip upload: a camt.053 bank statement of 10,000 entries is a few MB. */
export const UPLOAD_BODY_LIMIT = '25mb';
/** Media types read as raw bytes up to UPLOAD_BODY_LIMIT (camt.053 as XML, often zipped). */
export const UPLOAD_MEDIA_TYPES = ['application/xml', 'text/xml', 'application/zip'];
