/**
 * Small, explicit request validation: every problem is collected under its field path
 * (`customer.address.zip_code`, `debts.0.capital_to_claim`) for the Eve-style `_issues`.
 */
import { parseRfc1123Date } from './dates';
import { sekToOre } from './money';
import { type Address } from './state/types';

export type Issues = Record<string, string>;
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Checker {
  readonly issues: Issues = {};

  get ok(): boolean {
    return Object.keys(this.issues).length === 0;
  }

  add(path: string, problem: string): void {
    this.issues[path] ??= problem;
  }

  object(parent: Json, key: string, path: string): Json | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return this.fail(path, 'required field');
    if (!isObject(value)) return this.fail(path, 'must be an object');
    return value;
  }

  /** A non-blank string (trimmed), or `undefined` with an issue. */
  string(parent: Json, key: string, path: string, max = 200): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null || value === '') return this.fail(path, 'required field');
    if (typeof value !== 'string') return this.fail(path, 'must be a string');
    const trimmed = value.trim();
    if (trimmed === '') return this.fail(path, 'required field');
    if (trimmed.length > max) return this.fail(path, `at most ${max} characters`);
    return trimmed;
  }

  /** An optional string: absent or null → null. */
  optionalString(parent: Json, key: string, path: string, max = 200): string | null | undefined {
    const value = parent[key];
    if (value === undefined || value === null || value === '') return null;
    return this.string(parent, key, path, max);
  }

  boolean(parent: Json, key: string, path: string, fallback?: boolean): boolean | undefined {
    const value = parent[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'boolean') return this.fail(path, value === undefined || value === null ? 'required field' : 'must be true or false');
    return value;
  }

  integer(parent: Json, key: string, path: string, min: number, max: number): number | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return this.fail(path, 'required field');
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.fail(path, 'must be a whole number');
    if (value < min || value > max) return this.fail(path, `must be between ${min} and ${max}`);
    return value;
  }

  /** A decimal SEK amount with at most two decimals, as öre; `positive` refuses zero. */
  amount(parent: Json, key: string, path: string, positive: boolean): number | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return this.fail(path, 'required field');
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.fail(path, 'must be a number (SEK)');
    const ore = sekToOre(value);
    if (ore === undefined) return this.fail(path, 'at most two decimals');
    if (positive ? ore <= 0 : ore < 0) return this.fail(path, positive ? 'must be greater than 0' : 'must not be negative');
    return ore;
  }

  /** A date-only RFC 1123 string (`Thu, 01 Oct 2026 00:00:00 GMT`), as an epoch day. */
  date(parent: Json, key: string, path: string): number | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return this.fail(path, 'required field');
    const day = parseRfc1123Date(value);
    if (day === undefined) return this.fail(path, 'must be an RFC 1123 date at 00:00:00 GMT, e.g. "Thu, 01 Oct 2026 00:00:00 GMT"');
    return day;
  }

  /** A Swedish postal address: the partner collects in Sweden only. */
  address(parent: Json, key: string, path: string): Address | undefined {
    const value = this.object(parent, key, path);
    if (!value) return undefined;
    const line1 = this.string(value, 'address_line_1', `${path}.address_line_1`);
    const line2 = this.optionalString(value, 'address_line_2', `${path}.address_line_2`);
    const zip = this.string(value, 'zip_code', `${path}.zip_code`, 20);
    const city = this.string(value, 'city', `${path}.city`, 100);
    const country = this.string(value, 'country', `${path}.country`, 60);
    if (country !== undefined && country !== 'SE') this.add(`${path}.country`, 'non-Swedish address: only "SE" is accepted');
    const zipDigits = zip?.replace(/\s/g, '');
    if (zipDigits !== undefined && !/^\d{5}$/.test(zipDigits)) this.add(`${path}.zip_code`, 'must be a Swedish postal code (5 digits)');
    if (line1 === undefined || line2 === undefined || zipDigits === undefined || city === undefined || country !== 'SE' || !/^\d{5}$/.test(zipDigits)) {
      return undefined;
    }
    return { address_line_1: line1, address_line_2: line2, zip_code: zipDigits, city, country };
  }

  private fail(path: string, problem: string): undefined {
    this.add(path, problem);
    return undefined;
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
