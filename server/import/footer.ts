import type { CellValue } from './read.ts'
import { cellText } from './values.ts'

// Government ledgers end with a total row (合计) or a signature footer (填表人 / 审核人 / 日期),
// often merged across the row. Such rows are no hazards: they are skipped with a warning.

const TOTAL = /^(合计|总计|小计|共计)/
const SIGNATURE =
  /(填表人|填报人|制表人|审核人|审批人|负责人|经办人|签字|签名|盖章|填表日期|填报日期|报送日期)/

/** What kind of footer a row is, or null when it is an ordinary row. */
export function footerKind(cells: CellValue[]): 'total' | 'signature' | null {
  const texts = cells.map((c) => cellText(c).normalize('NFKC').replace(/\s+/g, '')).filter(Boolean)
  if (!texts.length) return null
  if (TOTAL.test(texts[0])) return 'total'
  if (texts.some((t) => SIGNATURE.test(t))) return 'signature'
  return null
}
