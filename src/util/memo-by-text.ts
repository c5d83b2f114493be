// Results of a pure reading of a file's text, kept for the last few texts: a fix's re-audit reads the same files again.

/**
 * Wraps `read(text, file)`. A hit returns the same (read-only) result with its own copy of `problems`, which
 * callers extend.
 */
export function memoByText<T extends { problems: unknown[] }>(limit: number, read: (text: string, file: string) => T): (text: string, file: string) => T {
  // By file, then by text: one key of file and text together would copy the whole text (a lock of megabytes) into
  // a new string on every call, just to look it up.
  const results = new Map<string, Map<string, T>>();
  let size = 0;
  return (text, file) => {
    let byText = results.get(file);
    let result = byText?.get(text);
    if (!result) {
      result = read(text, file);
      if (size >= limit) {
        const [oldestFile, oldest] = results.entries().next().value!;
        oldest.delete(oldest.keys().next().value!);
        if (oldest.size === 0) results.delete(oldestFile);
        size--;
      }
      byText = results.get(file);
      if (!byText) results.set(file, (byText = new Map()));
      byText.set(text, result);
      size++;
    }
    return { ...result, problems: [...result.problems] };
  };
}
