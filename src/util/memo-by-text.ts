// Results of a pure reading of a file's text, kept for the last few texts: a fix's re-audit reads the same files again.

/**
 * Wraps `read(text, file)`. A hit returns the same (read-only) result with its own copy of `problems`, which
 * callers extend.
 */
export function memoByText<T extends { problems: unknown[] }>(limit: number, read: (text: string, file: string) => T): (text: string, file: string) => T {
  const results = new Map<string, T>();
  return (text, file) => {
    const key = `${file}\0${text}`;
    let result = results.get(key);
    if (!result) {
      result = read(text, file);
      if (results.size >= limit) results.delete(results.keys().next().value!);
      results.set(key, result);
    }
    return { ...result, problems: [...result.problems] };
  };
}
