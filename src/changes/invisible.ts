/**
 * Code points that render as nothing (or reorder what is around them) and so let one name pass for another:
 * `ad\u200Bmin` reads as `admin`, `evil\u202Emoc.com` reads backwards. Unicode's Default_Ignorable_Code_Point
 * (zero-width space/joiners, LRM/RLM/ALM, bidi embeddings, overrides and isolates, tag characters, the soft
 * hyphen, Hangul fillers, variation selectors) plus every other format character (Cf).
 *
 * Kept as they are: a variation selector after an emoji (❤️) and a zero-width joiner between two emoji (👩‍💻),
 * which draw the emoji, and the word joiner of `@\u2060channel` (InfraWatch's own way of disarming a broadcast).
 */
const INVISIBLE =
  /(?<=\p{Extended_Pictographic}\p{Emoji_Modifier}?)[\uFE0E\uFE0F]|(?<=\p{Extended_Pictographic}[\uFE0E\uFE0F]?)\u200D(?=\p{Extended_Pictographic})|(?<=@)\u2060(?=(?:channel|here|everyone)\b)|([\p{Default_Ignorable_Code_Point}\p{Cf}])/giu;

/** No ASCII code point is default-ignorable or a format character: most names skip the regex above. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, control characters included on purpose.
const ASCII_ONLY = /^[\x00-\x7F]*$/;

/** `U+200B`: a code point as Unicode writes it. */
function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every invisible code point written out, `ad⟨U+200B⟩min`, so a reader sees it is there. */
export function revealInvisible(text: string): string {
  if (ASCII_ONLY.test(text)) return text;
  return text.replace(INVISIBLE, (match: string, hidden: string | undefined) =>
    hidden === undefined ? match : `⟨${codePointName(hidden)}⟩`,
  );
}

/** The invisible code points of a text (`U+200B`, …), each once, in order of appearance. */
export function invisibleCodePoints(text: string): string[] {
  if (ASCII_ONLY.test(text)) return [];
  const found = new Set<string>();
  for (const match of text.matchAll(INVISIBLE)) {
    if (match[1] !== undefined) found.add(codePointName(match[1]));
  }
  return [...found];
}

/** The text as a reader sees it: every invisible code point dropped. */
export function removeInvisible(text: string): string {
  if (ASCII_ONLY.test(text)) return text;
  return text.replace(INVISIBLE, (match: string, hidden: string | undefined) =>
    hidden === undefined ? match : '',
  );
}
