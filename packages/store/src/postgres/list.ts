import { SORT_KEYS, type ListDialect } from "../queries.js";
import type { RecordingSortField } from "../types.js";

// The recording list in PostgreSQL: the same filters, orders and paging as SQLite (listQuery), with
// PostgreSQL's spelling. Text sorts use byte order (COLLATE "C") and lower() for NOCASE, and NULLs
// go where SQLite puts them, so both drivers list in the same order.

const metadataNumber = (field: string) => `(metadata::jsonb ->> '${field}')::double precision`;

const PG_SORT_KEYS: Readonly<Record<RecordingSortField, string>> = {
  ...SORT_KEYS,
  activeMs: metadataNumber("activeMs"),
  firstUrl: `lower(metadata::jsonb ->> 'firstUrl') COLLATE "C"`,
  distinctId: `lower(distinct_id) COLLATE "C"`,
  clickCount: metadataNumber("clickCount"),
  keypressCount: metadataNumber("keypressCount"),
  sizeBytes: metadataNumber("sizeBytes"),
};

export const PG_LIST: ListDialect = {
  sortKeys: PG_SORT_KEYS,
  id: `id COLLATE "C"`,
  nulls: { asc: " NULLS FIRST", desc: " NULLS LAST" },
  urlLike: (p) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements_text(metadata::jsonb -> 'urls') AS u(value) WHERE u.value ILIKE ${p} ESCAPE '\\')`,
  placeholder: (index) => `$${index}`,
};
