import { AppError } from '../errors';
import type { HubSpotGateway } from '../hubspot/gateway';
import { findReferredByTypeId } from '../setup/hubspot-setup';

/** The "Referred by" association type id, looked up once and again only after a failed lookup. */
export function referredByTypeIdLookup(gateway: HubSpotGateway): () => Promise<number> {
  let typeId: Promise<number> | undefined;
  return () => {
    typeId ??= findReferredByTypeId(gateway).then((id) => {
      if (id === undefined) throw new AppError('UNAVAILABLE', 'The "Referred by" association label is missing in HubSpot: run `npm run setup`');
      return id;
    });
    typeId.catch(() => { typeId = undefined; });
    return typeId;
  };
}
