import type { CollectionAgency } from './collection-agency';
import { HttpCollectionAgency, type HttpCollectionAgencyOptions } from './http-collection-agency';
import { LocalCollectionAgency, type LocalCollectionAgencyOptions } from './local-collection-agency';

/** Which agency the worker hands over to: the drop folder (default) or an agency's HTTP API. */
export type CollectionAgencyOptions = ({ kind: 'local' } & LocalCollectionAgencyOptions) | ({ kind: 'http' } & HttpCollectionAgencyOptions);

/** The collection agency of this process, from configuration. */
export function createCollectionAgency(options: CollectionAgencyOptions): CollectionAgency {
  return options.kind === 'http' ? new HttpCollectionAgency(options) : new LocalCollectionAgency(options);
}
