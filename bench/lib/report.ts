import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { round } from './stats.ts'

// Every figure sits beside a baseline measured in the same run, with the ratio, and (where the
// issue sets one) the target and whether it is met. Printed as a table and written as JSON.

export interface Row {
  /** What is measured, e.g. "single events: events/s". */
  figure: string
  value: number
  unit: string
  baseline?: { name: string; value: number }
  /** Target as the issue words it, and whether the value meets it. */
  target?: string
  met?: boolean
}

export interface ScenarioResult {
  scenario: string
  command: string
  startedAt: string
  seconds: number
  machine: { cpus: number; model: string; memoryGb: number; loadBefore: number[] }
  quick: boolean
  rows: Row[]
  /** Everything else measured (per-run tallies, histograms' summaries, notes). */
  details: Record<string, unknown>
}

export function machine() {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    loadBefore: loadavg().map((l) => round(l, 2)),
  }
}

export const ratioOf = (row: Row): number | undefined =>
  row.baseline && row.baseline.value !== 0 ? round(row.value / row.baseline.value, 2) : undefined

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–'
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US')
  if (Math.abs(x) >= 100) return x.toFixed(0)
  if (Math.abs(x) >= 10) return x.toFixed(1)
  return x.toFixed(2)
}

/** The result as an aligned text table. */
export function table(result: ScenarioResult): string {
  const header = ['figure', 'Lookout', 'unit', 'baseline', 'base value', 'ratio', 'target', 'met']
  const lines = result.rows.map((r) => [
    r.figure,
    fmt(r.value),
    r.unit,
    r.baseline?.name ?? '',
    fmt(r.baseline?.value),
    r.baseline ? `${fmt(ratioOf(r))}×` : '',
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const row = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 4 || i === 5 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [
    `== ${result.scenario}${result.quick ? ' (quick)' : ''} — ${result.seconds.toFixed(0)} s, ${result.machine.cpus} cores, load before ${result.machine.loadBefore.join(' ')}`,
    row(header),
    row(widths.map((w) => '-'.repeat(w))),
    ...lines.map(row),
  ].join('\n')
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url))

/** Writes bench/results/<scenario>.json (quick runs to <scenario>.quick.json, so they never overwrite real figures). */
export function writeResult(result: ScenarioResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = `${RESULTS_DIR}${result.scenario}${result.quick ? '.quick' : ''}.json`
  const rows = result.rows.map((r) => ({ ...r, ratio: ratioOf(r) }))
  writeFileSync(path, `${JSON.stringify({ ...result, rows }, null, 2)}\n`)
  return path
}
