/**
 * The heartbeat timeout of the contract workflow's slow activities (src/temporal/heartbeat.ts
 * sends the heartbeats). Pure: the workflow imports it.
 */

/** How often the worker heartbeats a running activity. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** Six intervals: a busy event loop is no death; a dead worker is noticed after 30 s. */
export const ACTIVITY_HEARTBEAT_TIMEOUT = '30s';
