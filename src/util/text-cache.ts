// Values computed from a text, kept for the most recent texts up to a total text size: what one run reads again
// (the same manifests for spans, fix planning and the fix check) stays, and a huge input cannot pin memory.

export class TextCache<T> {
  private readonly values = new Map<string, T>();
  private chars = 0;

  constructor(private readonly limitChars: number) {}

  get(text: string): T | undefined {
    return this.values.get(text);
  }

  /** Keeps `value` for `text`, dropping the oldest texts to stay within the limit; a text over it is not kept. */
  set(text: string, value: T): void {
    if (this.values.has(text) || text.length > this.limitChars) return;
    for (const oldest of this.values.keys()) {
      if (this.chars + text.length <= this.limitChars) break;
      this.values.delete(oldest);
      this.chars -= oldest.length;
    }
    this.values.set(text, value);
    this.chars += text.length;
  }
}
