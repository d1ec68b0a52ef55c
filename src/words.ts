/**
 * Words joined the way a sentence lists them: "a", "a and b", "a, b and c". With `max`, at most that many are
 * named and the rest counted: "a, b, c and 2 more" (for lists that come from an event and can be long).
 */
export function listWords(words: readonly string[], max = Number.POSITIVE_INFINITY): string {
  if (words.length <= 1) return words.join('');
  const shown = words.length > max ? words.slice(0, Math.max(max, 1)) : words;
  const rest = words.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
