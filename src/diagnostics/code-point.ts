/** `U+0430`: a character named by its code point, where its glyph would look like another's or like nothing. */
export function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
