import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * Registers the contract search attributes that a namespace does not know yet. Needed when a
 * dev server's database predates a new attribute: upserting an unknown one fails every
 * workflow task of the contract. Returns the names it added.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = CONTRACT_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    // Every contract attribute is a Keyword (workflows/search-attributes.ts).
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return missing.map((key) => key.name);
}
