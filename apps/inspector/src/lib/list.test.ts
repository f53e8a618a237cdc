import { RECORDING_SORTS, type RecordingSort } from "@replay-devkit/store";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { RecordingSort as ContractSort } from "@replay-devkit/api";
import { COLUMNS, serverSort } from "./list";

describe("recordings list sorting", () => {
  it("asks the server to order every sortable column, both ways, with a sort it accepts", () => {
    const sortable = COLUMNS.flatMap((c) => (c.key === null ? [] : [c.key]));
    // Only the privacy column (computed in the browser per row) has no order.
    expect(COLUMNS.filter((c) => c.key === null).map((c) => c.label)).toEqual(["Privacy"]);
    expect(sortable).toHaveLength(9);
    const asked = sortable.flatMap((key) => [serverSort(key, "asc"), serverSort(key, "desc")]);
    expect(new Set(asked).size).toBe(asked.length);
    for (const sort of asked) expect(RECORDING_SORTS).toContain(sort);
    expect(serverSort("clickCount", "desc")).toBe("clickCount:desc");
  });

  it("sorts by the contract's sort type, which the store implements exactly", () => {
    expectTypeOf<ReturnType<typeof serverSort>>().toEqualTypeOf<ContractSort>();
    expectTypeOf<ContractSort>().toEqualTypeOf<RecordingSort>();
  });
});
