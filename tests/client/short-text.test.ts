import { expect, test } from 'vitest'
import { shortText } from '../../shared/text.ts'

// The wall shows a description short: cut with an ellipsis, never in the middle of a character.

test('a long description is cut to the limit with an ellipsis; a short one is left as it is', () => {
  expect(shortText('消防通道堵塞', 40)).toBe('消防通道堵塞')
  expect(shortText('一二三四五六', 4)).toBe('一二三…')
  expect(Array.from(shortText('液'.repeat(500), 40))).toHaveLength(40)
})

test('a character outside the BMP is never cut in half', () => {
  expect(shortText('𠮷𠮷𠮷𠮷𠮷', 3)).toBe('𠮷𠮷…')
})
