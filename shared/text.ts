/**
 * `text` cut to at most `max` characters with an ellipsis: the wall shows descriptions short, so a
 * ledger's 500-character 隐患描述 does not push the grade and domain off a ticker line. Counts code
 * points, so a character outside the BMP (𠮷) is never cut in half.
 */
export function shortText(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}
