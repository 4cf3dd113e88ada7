import { useState } from 'react';
import { Checkbox, DateInput, Input, MultiSelect, NumberInput, Select } from '@hubspot/ui-extensions';
import type { PortalProperty } from '@referral-ops/contracts/portal-options';
import type { OperandShape, PropertyValueKind } from '@referral-ops/domain/program';
import { getAt, type Draft, type Issues } from '../fields';

interface Props {
  /** The filter or condition the value belongs to; values go to `.value`, `.values` and `.highValue` under it. */
  at: string;
  property: PortalProperty | undefined;
  kind: PropertyValueKind;
  shape: OperandShape;
  /**
   * How a date is stored: HubSpot's search takes epoch milliseconds (midnight UTC for a day), the
   * "Qualify referral" condition compares ISO dates.
   */
  dateAs: 'epoch' | 'iso';
  draft: Draft;
  issues: Issues;
  onChange: (path: string, value: unknown) => void;
}

interface Day {
  year: number;
  month: number;
  date: number;
}

function toDay(stored: unknown): Day | null {
  if (typeof stored !== 'string' || stored === '') return null;
  const ms = /^\d+$/.test(stored) ? Number(stored) : Date.parse(`${stored.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), date: d.getUTCDate() };
}

function fromDay(day: Day | null | undefined, as: 'epoch' | 'iso'): string | undefined {
  if (!day) return undefined;
  const ms = Date.UTC(day.year, day.month, day.date);
  return as === 'epoch' ? String(ms) : new Date(ms).toISOString().slice(0, 10);
}

const errorOf = (issues: Issues, path: string) => ({ error: Boolean(issues[path]), validationMessage: issues[path] });

/** The value input that fits the property: its options, a date, a number, a checkbox, or text. */
export function PropertyValueInput({ at, property, kind, shape, dateAs, draft, issues, onChange }: Props) {
  if (shape === 'none') return null;
  const label = property ? `Value of ${property.label}` : 'Value';
  const one = (path: string, text: string) => {
    const stored = getAt(draft, path);
    const value = stored === undefined ? undefined : String(stored);
    switch (kind) {
      case 'enumeration':
        return <Select label={text} name={path} value={value} placeholder="Choose a value" options={property?.options ?? []} {...errorOf(issues, path)} onChange={(v) => onChange(path, String(v))} />;
      case 'number':
        return <NumberInput label={text} name={path} value={value === undefined || value === '' ? undefined : Number(value)} {...errorOf(issues, path)}
          onChange={(v) => onChange(path, Number.isFinite(v) ? String(v) : undefined)} />;
      case 'date':
        return <DateInput label={text} name={path} value={toDay(value) ?? undefined} format="medium" {...errorOf(issues, path)} onChange={(d) => onChange(path, fromDay(d, dateAs))} />;
      case 'bool':
        return (
          <Checkbox name={path} checked={value === 'true'} onChange={(checked) => onChange(path, checked ? 'true' : 'false')}>
            {property ? `${property.label}: ticked` : 'Ticked'}
          </Checkbox>
        );
      default:
        return <Input label={text} name={path} value={value ?? ''} {...errorOf(issues, path)} onChange={(v) => onChange(path, v === '' ? undefined : v)} />;
    }
  };
  if (shape === 'range') {
    return (
      <>
        {one(`${at}.value`, 'From')}
        {one(`${at}.highValue`, 'To')}
      </>
    );
  }
  if (shape === 'list') {
    const path = `${at}.values`;
    const stored = getAt(draft, path);
    const values = Array.isArray(stored) ? stored.map(String) : [];
    if (kind === 'enumeration') {
      return <MultiSelect label={`${label}: any of these`} name={path} value={values} options={property?.options ?? []} {...errorOf(issues, path)} onChange={(v) => onChange(path, v.map(String))} />;
    }
    return <ListInput label={`${label}: one or more, separated by commas`} path={path} values={values} issues={issues} onChange={onChange} />;
  }
  return one(`${at}.value`, label);
}

/** Keeps what is typed (a trailing comma included) while storing the list it makes. */
function ListInput({ label, path, values, issues, onChange }: { label: string; path: string; values: string[]; issues: Issues; onChange: Props['onChange'] }) {
  const [text, setText] = useState(values.join(', '));
  return (
    <Input label={label} name={path} value={text} {...errorOf(issues, path)}
      onChange={(typed) => {
        setText(typed);
        onChange(path, typed.split(',').map((s) => s.trim()).filter(Boolean));
      }} />
  );
}
