import { describe, expect, it } from "vitest";
import { formatCsv } from "./format-csv";

describe("formatCsv", () => {
  it("quotes what needs quoting and leaves nulls empty", () => {
    expect(formatCsv({ columns: ["key", "value"], rows: [["a,b", 0.5], ['say "hi"', null], ["line\nbreak", true]] })).toBe(
      'key,value\r\n"a,b",0.5\r\n"say ""hi""",\r\n"line\nbreak",true\r\n',
    );
  });
});
