// memoByText: one reading per (file, text) while kept, at most `limit` kept, and each caller gets its own problems.
import { describe, expect, it } from "vitest";
import { memoByText } from "../../src/util/memo-by-text.js";

function counted(limit: number) {
  const calls: string[] = [];
  const read = memoByText(limit, (text: string, file: string) => {
    calls.push(`${file}:${text}`);
    return { value: text.length, problems: [`${file} read`] };
  });
  return { read, calls };
}

describe("memoByText", () => {
  it("reads a file's text once, and again when the text or the file differs", () => {
    const { read, calls } = counted(8);
    expect(read("a = 1", "/x").value).toBe(5);
    read("a = 1", "/x");
    read(["a", "=", "1"].join(" "), "/x"); // an equal text built apart
    read("a = 2", "/x");
    read("a = 1", "/y");
    expect(calls).toEqual(["/x:a = 1", "/x:a = 2", "/y:a = 1"]);
  });

  it("keeps at most `limit` readings, dropping the oldest", () => {
    const { read, calls } = counted(2);
    read("1", "/a");
    read("2", "/a");
    read("3", "/b"); // drops /a:1
    read("2", "/a");
    read("1", "/a");
    expect(calls).toEqual(["/a:1", "/a:2", "/b:3", "/a:1"]);
  });

  it("gives every caller its own problems list over the shared result", () => {
    const { read } = counted(4);
    const first = read("t", "/f");
    first.problems.push("added by a caller");
    expect(read("t", "/f").problems).toEqual(["/f read"]);
  });
});
