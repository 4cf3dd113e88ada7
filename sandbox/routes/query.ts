import type { Request } from 'express';
import { validationError } from '../crm/errors';

/** A multi-valued query parameter: HubSpot accepts both `?p=a&p=b` and `?p=a,b`. */
export function queryList(req: Request, name: string): string[] | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).map(String);
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function queryString(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  return String(Array.isArray(raw) ? raw[0] : raw);
}

export function queryBoolean(req: Request, name: string): boolean {
  return queryString(req, name)?.toLowerCase() === 'true';
}

export function queryInt(req: Request, name: string, fallback: number, max: number): number {
  const raw = queryString(req, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw validationError(`${name} must be a positive integer, got ${raw}.`);
  if (n > max) throw validationError(`${name} ${n} is too large. The maximum is ${max}.`);
  return n;
}

/** Express 5 types route params as string | string[]; every param here is a single path segment. */
export function param(req: Request, name: string): string {
  const value = req.params[name] as string | string[] | undefined;
  return Array.isArray(value) ? value.join('/') : value ?? '';
}
