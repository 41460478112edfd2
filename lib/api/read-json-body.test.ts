import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./app-error";
import { parseJsonWithSchema } from "./read-json-body";

const schema = z.record(z.string(), z.unknown());
const refusal = (text: string) => {
  try {
    parseJsonWithSchema(schema, text);
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe("parseJsonWithSchema", () => {
  it("refuses NUL characters and unpaired surrogates wherever escapes bring them in, keys included", () => {
    expect(refusal(`{"a":"x\\u0000y"}`)).toBe("validation_failed");
    expect(refusal(`{"a":{"b":["ok","\\ud800"]}}`)).toBe("validation_failed");
    expect(refusal(`{"x\\u0000":1}`)).toBe("validation_failed");
    expect(refusal(`{"a":"\u{d800}"}`)).toBe("validation_failed");
  });

  it("accepts ordinary text, escapes of well-formed characters and non-ASCII included", () => {
    expect(parseJsonWithSchema(schema, `{"a":"Grüße 📷","b":"\\u00e9\\ud83d\\udcf7","c":[1,{"d":"tab\\there"}]}`)).toEqual({ a: "Grüße 📷", b: "é📷", c: [1, { d: "tab\there" }] });
  });

  it("answers malformed JSON with a 400 that names the part", () => {
    expect(() => parseJsonWithSchema(schema, "{", "The meta part")).toThrow(/The meta part is not valid JSON/);
  });
});
