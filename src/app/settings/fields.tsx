import { useEffect, useRef, useState } from 'react';
import { Input, NumberInput, Select, TextArea, Toggle } from '@hubspot/ui-extensions';
import { parseMoney, toDecimalString } from '@referral-ops/domain/money';

export type Draft = Record<string, unknown>;
export type Issues = Record<string, string>;

export function getAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

/** Immutable set; missing objects and arrays on the way are created (numeric keys make arrays). */
export function setAt(value: unknown, path: string, next: unknown): Draft {
  const [key, ...rest] = path.split('.');
  const node: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Draft | undefined) };
  const child = (node as Record<string, unknown>)[key!];
  const fresh = rest.length === 0 ? next : setAt(child ?? (/^\d+$/.test(rest[0]!) ? [] : {}), rest.join('.'), next);
  if (fresh === undefined && !Array.isArray(node)) delete (node as Record<string, unknown>)[key!];
  else (node as Record<string, unknown>)[key!] = fresh;
  return node as Draft;
}

export interface FieldProps {
  label: string;
  path: string;
  draft: Draft;
  issues: Issues;
  onChange: (path: string, value: unknown) => void;
  description?: string;
}

/** Each field shows the schema's message for its own path, so errors sit beside what caused them. */
const errorProps = (issues: Issues, path: string) => ({ error: Boolean(issues[path]), validationMessage: issues[path] });

export function TextField({ label, path, draft, issues, onChange, description }: FieldProps) {
  const value = getAt(draft, path);
  return (
    <Input label={label} name={path} description={description} value={value === undefined ? '' : String(value)} {...errorProps(issues, path)}
      onChange={(v) => onChange(path, v === '' ? undefined : v)} />
  );
}

/** Text of several lines (descriptions, messages); emptied, it is unset, so the program's default applies. */
export function TextAreaField({ label, path, draft, issues, onChange, description }: FieldProps) {
  const value = getAt(draft, path);
  return (
    <TextArea label={label} name={path} description={description} value={value === undefined ? '' : String(value)} rows={3} {...errorProps(issues, path)}
      onChange={(v) => onChange(path, v === '' ? undefined : v)} />
  );
}

export function NumberField({ label, path, draft, issues, onChange, description }: FieldProps) {
  const value = getAt(draft, path);
  return (
    <NumberInput label={label} name={path} description={description} value={typeof value === 'number' ? value : undefined} {...errorProps(issues, path)}
      onChange={(v) => onChange(path, Number.isFinite(v) ? v : undefined)} />
  );
}

export function SelectField({ label, path, draft, issues, onChange, options, description }: FieldProps & { options: readonly { label: string; value: string }[] }) {
  const value = getAt(draft, path);
  return (
    <Select label={label} name={path} description={description} value={value === undefined || value === '' ? undefined : String(value)} options={[...options]}
      {...errorProps(issues, path)} onChange={(v) => onChange(path, String(v))} />
  );
}

export function ToggleField({ label, path, draft, onChange }: FieldProps) {
  return <Toggle label={label} name={path} checked={getAt(draft, path) === true} onChange={(checked) => onChange(path, checked)} />;
}

/**
 * Amounts are typed in major units ("25.00") and stored in minor units, per the currency's decimals.
 * When the program's currency changes, the amount the admin sees stays and is stored anew in the
 * new currency's units (25.00 USD becomes 25.00 EUR, not a number of cents read as yen).
 */
export function MoneyField({ label, path, draft, issues, onChange, currency, description }: FieldProps & { currency: string }) {
  const stored = getAt(draft, path);
  const [text, setText] = useState(typeof stored === 'number' ? toDecimalString(stored, currency) : '');
  const [typoError, setTypoError] = useState<string | undefined>();
  const shownIn = useRef(currency);
  const message = typoError ?? issues[path];

  const take = (v: string, inCurrency: string) => {
    if (v.trim() === '') {
      setTypoError(undefined);
      onChange(path, undefined);
      return;
    }
    const parsed = parseMoney(v, inCurrency);
    setTypoError(parsed.ok ? undefined : parsed.message);
    if (parsed.ok) onChange(path, parsed.amount);
  };

  useEffect(() => {
    if (shownIn.current === currency) return;
    shownIn.current = currency;
    if (text.trim() !== '') take(text, currency);
    // Only a change of currency re-reads the text; typing is handled by onChange below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [currency]);

  return (
    <Input label={`${label} (${currency})`} name={path} description={description} value={text} error={Boolean(message)} validationMessage={message}
      onChange={(v) => {
        setText(v);
        take(v, currency);
      }} />
  );
}
