import { HttpError } from "./errors.js";

function bad(name: string, expected: string, value: string): HttpError {
  return new HttpError(
    "INVALID_QUERY",
    `Query parameter ${name} must be ${expected}, got ${JSON.stringify(value.slice(0, 60))}.`,
  );
}

export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw)) throw bad(name, `an integer from ${min} to ${max}`, raw);
  const value = Number(raw);
  if (value < min || value > max) throw bad(name, `an integer from ${min} to ${max}`, raw);
  return value;
}

export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw bad(name, "true or false", raw);
}

/** ISO 8601 or epoch milliseconds. */
export function dateParam(query: URLSearchParams, name: string): Date | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const date = /^\d+$/.test(raw) ? new Date(Number(raw)) : new Date(raw);
  if (Number.isNaN(date.getTime())) throw bad(name, "an ISO 8601 date or epoch milliseconds", raw);
  return date;
}

export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  values: readonly T[],
): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!(values as readonly string[]).includes(raw)) throw bad(name, `one of ${values.join(", ")}`, raw);
  return raw as T;
}

export function stringParam(query: URLSearchParams, name: string, maxLength = 1000): string | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw.length > maxLength) throw bad(name, `at most ${maxLength} characters`, raw);
  return raw;
}
