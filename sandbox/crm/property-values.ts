import type { PropertyProblem } from './errors';
import type { PropertyDefinition } from './default-properties';

export type RawValue = string | number | boolean | null;

/**
 * Converts a value written through the API into the string HubSpot stores and returns, or the
 * problem HubSpot would report. An empty string (or null) clears the property.
 */
export function normalizeValue(
  def: PropertyDefinition,
  raw: RawValue,
  allowedValues: readonly string[],
): { value: string } | { problem: PropertyProblem } {
  if (raw === null || raw === '') return { value: '' };
  const text = String(raw);
  const problem = (error: string, message: string) => ({ problem: { name: def.name, error, message } });
  switch (def.type) {
    case 'string':
      return { value: text };
    case 'number': {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(n)) return problem('INVALID_FLOAT', `${text} was not a valid number.`);
      return { value: String(n) };
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return problem('INVALID_BOOLEAN', `${text} was not a valid boolean.`);
      return { value: lower };
    }
    case 'datetime': {
      const ms = toEpochMillis(text);
      if (ms === undefined) return problem('INVALID_DATE', `${text} was not a valid long (epoch millis) or ISO 8601 datetime.`);
      return { value: new Date(ms).toISOString() };
    }
    case 'date': {
      const ms = toEpochMillis(text);
      if (ms === undefined) return problem('INVALID_DATE', `${text} was not a valid date.`);
      const d = new Date(ms);
      if (ms % 86_400_000 !== 0) {
        return problem('INVALID_DATE',
          `${text} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`);
      }
      return { value: d.toISOString().slice(0, 10) };
    }
    case 'enumeration': {
      // Multi-select (checkbox) values are semicolon separated, each one must be an option.
      const parts = def.fieldType === 'checkbox' ? text.split(';') : [text];
      const bad = parts.find((p) => !allowedValues.includes(p));
      if (bad !== undefined) {
        return problem('INVALID_OPTION',
          `${bad} was not one of the allowed options: [${allowedValues.join(', ')}]`);
      }
      return { value: text };
    }
  }
}

/** Epoch millis from a number, a numeric string or an ISO 8601 date/datetime. */
export function toEpochMillis(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}
