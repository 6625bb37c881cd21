/** `U+0430`: a character named by its code point, where its glyph would look like another's or like nothing. */
export function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The characters (code points) in `text`, as the schema's lengths count them.
 * Counted in place: `[...text].length` makes a string per character, about 25
 * times the text's size in memory (1.5 GB for a 60 MB value in a file).
 */
export function codePointCount(text: string): number {
  let pairs = 0;
  for (let index = 0; index < text.length - 1; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        index++;
      }
    }
  }
  return text.length - pairs;
}
