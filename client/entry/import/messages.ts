import { currentLang } from '../i18n/index.ts'

// The Import panel's words, Chinese first. The panel reads them through a local vue-i18n scope that
// follows the page's language, so the entry page's own message files stay as they are.

const zh = {
  tab: '批量导入',
  title: '批量导入隐患台账',
  intro:
    '上传隐患台账（.xlsx 或 CSV）。同一台账可以每周重新上传：新的隐患导入，已有隐患按台账更新整改状态，没有变化的跳过。先检查全部行：只要有一行有误，整个文件都不导入，并列出每一处错误；不会重复计数。',
  template: '下载导入模板',
  templateFailed: '模板下载失败：{reason}',
  choose: '选择文件',
  chosen: '{name}（{size}）',
  start: '开始导入',
  again: '重新导入该文件',
  phase: {
    hashing: '正在计算文件指纹…',
    uploading: '正在上传 {percent}%',
    waiting: '已上传，服务器正在读取文件…',
    checking: '正在检查 {done} / {total} 行',
    applying: '正在导入 {done} / {total} 行',
    done: '导入完成',
    rejected: '检查未通过，未导入任何数据',
    failed: '导入中断',
  },
  result: {
    done: '共 {rows} 行：新增 {new} 行，更新状态 {updated} 行，未变 {unchanged} 行（不重复计数）。',
    allDuplicates: '该文件此前已导入，本次没有新增或变化（不重复计数）。',
    sheet: '读取的工作表：「{sheet}」',
    refused: '共 {count} 处错误，请修改后重新上传。',
    more: '仅列出前 {shown} 处，共 {count} 处。',
    partly:
      '导入在中途停止：第 {through} 行及之前要导入的 {rows} 行已导入。修正后重新导入同一文件即可补全，不会重复计数。',
    unavailable: '服务器暂时不可用，请稍后重新导入同一文件（不会重复计数）。',
    network: '网络中断，上传失败。请重新导入同一文件（不会重复计数）。',
    unauthorized: '需要管理员令牌才能导入：请在“设置”中填写。',
    forbidden: '当前令牌没有导入权限（需要管理员令牌）。',
    other: '导入失败：{reason}',
  },
  table: { row: '行', column: '列', value: '内容', reason: '原因', file: '整个文件' },
  warnings: '提示',
  noHashNote: '此页面不是通过 HTTPS 打开的，无法显示服务器端进度，导入仍会正常进行。',
}

const en: typeof zh = {
  tab: 'Bulk import',
  title: 'Import a hazard ledger',
  intro:
    'Upload a hazard ledger (.xlsx or CSV). The same ledger can be sent again each week: new hazards are imported, known ones take their status from it, unchanged ones are skipped. Every row is checked first: if any row is wrong, nothing is imported and each problem is listed. Nothing counts twice.',
  template: 'Download the template',
  templateFailed: 'Could not download the template: {reason}',
  choose: 'Choose a file',
  chosen: '{name} ({size})',
  start: 'Import',
  again: 'Import this file again',
  phase: {
    hashing: 'Fingerprinting the file…',
    uploading: 'Uploading {percent}%',
    waiting: 'Uploaded; the server is reading the file…',
    checking: 'Checking row {done} of {total}',
    applying: 'Importing row {done} of {total}',
    done: 'Import complete',
    rejected: 'Check failed: nothing was imported',
    failed: 'Import stopped',
  },
  result: {
    done: '{rows} rows: {new} new, {updated} with a new status, {unchanged} unchanged (nothing counted twice).',
    allDuplicates: 'This file was imported before; nothing new or changed (counted once).',
    sheet: 'Worksheet read: “{sheet}”',
    refused: '{count} problems: fix them and upload again.',
    more: 'Showing the first {shown} of {count}.',
    partly:
      'The import stopped midway: the {rows} rows to import up to row {through} are in. Importing the same file again completes it and counts nothing twice.',
    unavailable: 'The server is unavailable for now: import the same file again later (counted once).',
    network: 'The network dropped during the upload: import the same file again (counted once).',
    unauthorized: 'Importing needs an admin token: enter it in Settings.',
    forbidden: 'This token may not import (an admin token is needed).',
    other: 'Import failed: {reason}',
  },
  table: { row: 'Row', column: 'Column', value: 'Content', reason: 'Reason', file: 'Whole file' },
  warnings: 'Notes',
  noHashNote:
    'This page is not served over HTTPS, so the server’s progress cannot be shown; the import still works.',
}

export const importMessages = { zh, en }

/** The tab's title in the page's language (reactive: the locale is a ref). */
export const importTabTitle = (): string => importMessages[currentLang()].tab
