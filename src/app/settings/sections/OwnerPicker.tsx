import { useEffect, useState } from 'react';
import { MultiSelect, Select } from '@hubspot/ui-extensions';
import type { PortalOwner } from '@referral-ops/contracts/portal-options';
import type { FunctionResult } from '@referral-ops/contracts/app-functions';
import { callFunction } from '@referral-ops/ui-shared/call-function';
import { getAt } from '../fields';
import type { SectionProps } from './section';

interface Props extends SectionProps {
  label: string;
  path: string;
  description?: string;
  /** Several owners (a round robin) instead of one. */
  multiple?: boolean;
}

const ownerLabel = (o: PortalOwner) => (o.email && o.email !== o.name ? `${o.name} (${o.email})` : o.name);

/**
 * Owners by name and email; the id HubSpot needs is stored, never shown. The portal's first owners
 * come with the page and the dropdown's own search filters them; in a portal with more, what the
 * admin types is also searched in HubSpot through the service.
 */
export function OwnerPicker({ label, path, description, multiple, draft, issues, onChange, portal, actor }: Props) {
  const [found, setFound] = useState<PortalOwner[]>([]);
  const [lookup, setLookup] = useState<'pending' | 'done' | 'failed'>(portal.moreOwners ? 'pending' : 'done');
  const known = new Map([...portal.owners, ...found].map((o) => [o.id, o]));
  const stored = getAt(draft, path);
  const chosen = multiple ? (Array.isArray(stored) ? stored.map(String) : []) : typeof stored === 'string' && stored ? [stored] : [];
  const options = [...known.values()].map((o) => ({ label: ownerLabel(o), value: o.id }));
  for (const id of chosen) {
    if (!known.has(id)) {
      const label = lookup === 'done' ? 'An owner no longer in HubSpot (removed or deactivated): choose another'
        : lookup === 'failed' ? 'An owner the page could not look up just now: reload to try again' : 'Looking up this owner…';
      options.push({ label, value: id });
    }
  }
  const add = (result: FunctionResult<{ owners: PortalOwner[] }>) => {
    if (result.ok) setFound((earlier) => [...earlier, ...result.data.owners.filter((o) => !earlier.some((e) => e.id === o.id))]);
  };
  const search = async (q: string) => {
    if (!portal.moreOwners || q.trim().length < 2) return;
    add(await callFunction('program-settings', { action: 'owners', q: q.trim(), actor: { ...actor } }));
  };

  // The page lists a large portal's first owners only: the ones this program names are looked up once.
  const missing = chosen.filter((id) => !known.has(id));
  useEffect(() => {
    if (lookup !== 'pending' || missing.length === 0) return;
    let current = true;
    void callFunction<{ owners: PortalOwner[] }>('program-settings', { action: 'owners-by-id', ids: missing, actor: { ...actor } }).then((result) => {
      if (!current) return;
      add(result);
      setLookup(result.ok ? 'done' : 'failed');
    });
    return () => {
      current = false;
    };
    // Once per picker: an owner chosen later comes from the list or a search, so it is known.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const error = { error: Boolean(issues[path]), validationMessage: issues[path] };
  if (multiple) {
    return (
      <MultiSelect label={label} name={path} description={description} value={chosen} options={options} {...error}
        onChange={(ids) => onChange(path, ids.map(String))} />
    );
  }
  return (
    <Select label={label} name={path} description={description} value={chosen[0]} options={options} placeholder="Choose an owner" {...error}
      onInput={(q) => void search(q)} onChange={(id) => onChange(path, String(id))} />
  );
}
