import { temporal } from '@temporalio/proto';

// NOTE: @temporalio/common's historyToJSON/historyFromJSON use their own copy of protobufjs,
// which npm installs separately from @temporalio/proto's here ("type must be a Type"); the
// generated classes of @temporalio/proto round-trip a history to plain JSON on their own.
const History = temporal.api.history.v1.History;

/** A fetched history as plain JSON (longs and bytes as strings, enums by name). */
export function historyToObject(history: temporal.api.history.v1.IHistory): unknown {
  return History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String, defaults: false });
}

/** The inverse of {@link historyToObject}. */
export function historyFromObject(json: unknown): temporal.api.history.v1.History {
  return History.fromObject(json as Record<string, unknown>);
}
