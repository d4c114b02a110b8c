import { Rng } from '../../server/simulator/random.ts'
import { TOWN, TOWN2 } from '../helpers/app.ts'

// Seeded generators of hostile input for the fuzz suite (fuzz.test.ts): events with one or more
// fields broken, bodies that are not events, query strings, websocket frames and ledgers. Each
// draw depends only on the seed and its own index, so a failure replays from the printed seed.

export type Gen = (rng: Rng, n: number) => void

/** One of `items`. */
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(0, items.length - 1)]

/** Values a field may be given: wrong types, edge numbers, hostile text, impossible dates. */
const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  1e21,
  2 ** 53 + 1,
  1e13,
  1e13 + 1,
  [],
  [1, 2],
  {},
  { a: { b: { c: 1 } } },
  '',
  ' ',
  '\ud800',
  'a\udfffb',
  '\udbff\udfff',
  '🔥'.repeat(50),
  '\u0000',
  'a|b|c',
  '\\',
  '"',
  '\n\r\t',
  '\u202e\u200b',
  'x'.repeat(201),
  'x'.repeat(20_000),
  '<script>alert(1)</script>',
  '${7*7}',
  'a/b',
  '../../etc/passwd',
  '2024-06-30T23:59:60Z',
  '2024-01-01T24:00:00Z',
  '9999-12-31',
  '0000-01-01',
  '2024-02-30',
  '1969-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2025-06-10T10:00:00+99:99',
  '2025-06-10',
  '2025-06-10T10:00:00+08:00',
  TOWN,
  TOWN2,
  '999999999',
  'production',
  'general',
  'major',
  'closed',
  'reported',
  'stopped',
]

/** Field names to set: every field of every event type, and names that are not fields. */
const FIELD_NAMES = [
  'id',
  'type',
  'at',
  'hazardId',
  'town',
  'domain',
  'industry',
  'grade',
  'title',
  'deadline',
  'enterprise',
  'source',
  'status',
  'note',
  'inspectionId',
  'hazardsFound',
  'accidentId',
  'deaths',
  'seriousInjuries',
  'directLossYuan',
  'enterpriseId',
  'name',
  'riskLevel',
  'state',
  'preCheckDone',
  'by',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'prototype',
  'events',
  '',
  '\ud800',
]

let serial = 0
const uid = (prefix: string, rng: Rng) =>
  `${prefix}-fz-${rng.int(0, 1e9).toString(36)}-${(serial++).toString(36)}`

/** A valid event of a random type; `hazards` are ids known to exist (for status changes). */
export function validEvent(rng: Rng, hazards: string[]): Record<string, unknown> {
  const town = rng.float() < 0.8 ? TOWN : TOWN2
  const id = uid('ev', rng)
  switch (rng.int(0, 5)) {
    case 0:
      return {
        id,
        type: 'hazard.reported',
        hazardId: uid('HZ', rng),
        town,
        domain: 'production',
        industry: 'construction',
        grade: pick(rng, ['general', 'major']),
        title: '脚手架未设置防护栏杆',
        deadline: '2099-12-31',
      }
    case 1:
      return {
        id,
        type: 'hazard.status',
        hazardId: hazards.length ? pick(rng, hazards) : uid('HZ', rng),
        status: pick(rng, ['rectifying', 'awaiting_acceptance', 'closed']),
      }
    case 2:
      return {
        id,
        type: 'inspection.completed',
        inspectionId: uid('IN', rng),
        town,
        domain: 'fire',
        hazardsFound: 1,
      }
    case 3:
      return {
        id,
        type: 'accident.reported',
        accidentId: uid('AC', rng),
        town,
        domain: 'traffic',
        deaths: rng.int(0, 3),
        seriousInjuries: 1,
        directLossYuan: rng.int(0, 1e7),
      }
    case 4:
      return {
        id,
        type: 'enterprise.registered',
        enterpriseId: uid('EN', rng),
        name: '泰兴市某化工有限公司',
        town,
        domain: 'production',
        riskLevel: 'general',
      }
    default:
      return {
        id,
        type: 'enterprise.work',
        enterpriseId: uid('EN', rng),
        state: 'stopped',
        preCheckDone: true,
      }
  }
}

/** A valid event with 0–3 fields set to hostile values or removed (0: stays valid). */
export function hostileEvent(rng: Rng, hazards: string[]): Record<string, unknown> {
  const ev = validEvent(rng, hazards)
  const changes = rng.int(0, 3)
  for (let i = 0; i < changes; i++) {
    const field = rng.float() < 0.7 ? pick(rng, Object.keys(ev)) : pick(rng, FIELD_NAMES)
    if (rng.float() < 0.15) delete ev[field]
    else
      Object.defineProperty(ev, field, {
        value: pick(rng, HOSTILE_VALUES),
        enumerable: true,
        writable: true,
        configurable: true,
      })
  }
  return ev
}

/** A request to POST /api/events: its body bytes and content type. */
export interface RawRequest {
  payload: string | Buffer
  contentType?: string
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  undefined,
]

/** A body for POST /api/events: an event or batch with hostile parts, or bytes that are no JSON event at all. */
export function hostileBody(rng: Rng, hazards: string[], batchLimit: number): RawRequest {
  const roll = rng.float()
  const json = (v: unknown) => JSON.stringify(v)
  if (roll < 0.45) return { payload: json(hostileEvent(rng, hazards)), contentType: 'application/json' }
  if (roll < 0.7) {
    const events = Array.from({ length: rng.int(1, 6) }, () =>
      rng.float() < 0.5 ? validEvent(rng, hazards) : hostileEvent(rng, hazards),
    )
    const body: Record<string, unknown> = { events }
    if (rng.float() < 0.1) body[pick(rng, FIELD_NAMES)] = 1
    return { payload: json(body), contentType: 'application/json' }
  }
  const valid = json(validEvent(rng, hazards))
  const shapes: (() => RawRequest)[] = [
    () => ({ payload: json(pick(rng, HOSTILE_VALUES)) }),
    () => ({ payload: json({ events: pick(rng, HOSTILE_VALUES) }) }),
    () => ({
      payload: json({ events: Array.from({ length: batchLimit + 1 }, () => validEvent(rng, hazards)) }),
    }),
    () => ({ payload: valid.slice(0, rng.int(0, valid.length - 1)) }),
    () => ({ payload: valid, contentType: pick(rng, CONTENT_TYPES) }),
    () => ({ payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]) }),
    () => ({ payload: Buffer.from(valid.replace('"id"', '"\u00ff\u00fe"'), 'latin1') }),
    () => ({ payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }),
    () => ({ payload: '['.repeat(rng.int(100, 5000)) + ']'.repeat(rng.int(0, 5000)) }),
    () => ({ payload: valid.replace(/}$/, ',"id":"dup-key-x"}') }),
    () => ({ payload: valid.replace(/"hazardsFound":1|"deaths":\d+/, '"hazardsFound":1e999') }),
    () => ({ payload: valid.replace(/^\{/, '{"__proto__":{"polluted":1},') }),
    () => ({ payload: valid.replace(/^\{/, '{"constructor":{"prototype":{"x":1}},') }),
    () => ({ payload: '' }),
    () => ({ payload: Buffer.alloc(rng.int(1, 64), rng.int(0, 255)) }),
  ]
  const made = pick(rng, shapes)()
  return { contentType: 'application/json', ...made }
}

const QUERY_VALUES = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e30',
  '-1',
  '0',
  '1.5',
  '0x10',
  '',
  '9'.repeat(40),
  '%00',
  '%ud800',
  '%ED%A0%80',
  '%',
  '%%',
  '%E4%B8%AD',
  'a,b,,c',
  `${TOWN},${TOWN2}`,
  'x'.repeat(5000),
  '__proto__',
  'constructor',
  '+',
  '1000',
  '500',
  '100',
]
const QUERY_NAMES = [
  'after',
  'limit',
  'towns',
  'q',
  'token',
  '%74oken',
  'kpis',
  'lang',
  '__proto__',
  'constructor',
  'x',
  '',
]
const GET_PATHS = [
  '/api/events',
  '/api/hazards',
  '/api/enterprises',
  '/api/snapshot',
  '/api/regions',
  '/api/import/progress/00',
  `/api/import/progress/${'a'.repeat(64)}`,
  '/api/import/progress/%ud800',
  '/healthz',
  '/readyz',
  '/metrics',
  '/entry',
  '/',
  '/api/nope',
]

/** A GET address with 0–4 hostile query pairs (a name may repeat). */
export function hostileQuery(rng: Rng): string {
  const pairs = Array.from(
    { length: rng.int(0, 4) },
    () => `${pick(rng, QUERY_NAMES)}=${pick(rng, QUERY_VALUES)}`,
  )
  return `${pick(rng, GET_PATHS)}${pairs.length ? `?${pairs.join('&')}` : ''}`
}

/** A websocket frame a viewer might send: text (JSON or not) or binary. */
export function hostileFrame(rng: Rng): { data: string | Buffer; binary: boolean } {
  const messages: unknown[] = [
    { type: 'resync' },
    { type: 'ping', t: pick(rng, HOSTILE_VALUES) },
    { type: 'auth', token: pick(rng, HOSTILE_VALUES) },
    { type: 'health', screen: pick(rng, HOSTILE_VALUES) },
    { type: pick(rng, HOSTILE_VALUES) },
    { type: 'ping', t: 1, [pick(rng, FIELD_NAMES)]: pick(rng, HOSTILE_VALUES) },
    pick(rng, HOSTILE_VALUES),
  ]
  const roll = rng.float()
  if (roll < 0.6) return { data: JSON.stringify(pick(rng, messages)) ?? 'undefined', binary: false }
  if (roll < 0.75) return { data: Buffer.alloc(rng.int(1, 32), rng.int(0, 255)), binary: true }
  const texts = [
    'null',
    'not json',
    '{',
    '[[[[[[',
    '"\\ud800"',
    '{"type":"ping","t":1e999}',
    '',
    '{}'.repeat(1000),
  ]
  return { data: pick(rng, texts), binary: false }
}

/** Cells a ledger row may hold: good ones, and text, numbers and dates that are not. */
const LEDGER_CELLS: (string | number | Date | null)[] = [
  ...HOSTILE_VALUES.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number'),
  null,
  1e20,
  -1,
  45_000,
  2_958_466,
  new Date('9999-12-31'),
  new Date('1900-01-01'),
  '待整改',
  '已销号',
  '重大',
  '黄桥镇',
  '=CMD|"/c calc"!A1',
  '"unterminated',
]

/** A ledger row (by the import's Chinese headers) with 0–3 cells hostile. */
export function hostileLedgerRow(rng: Rng, headers: string[], good: Record<string, unknown>) {
  const r = { ...good }
  for (let i = rng.int(0, 3); i > 0; i--) r[pick(rng, headers)] = pick(rng, LEDGER_CELLS)
  return r as Record<string, string | number | Date | null>
}

/** CSV bytes that break the format itself: an unterminated quote, stray bytes, ragged rows. */
export function brokenCsv(rng: Rng, header: string): Buffer {
  const bodies = [
    `${header}\r\n"TX-1,消防通道堵塞,黄桥镇\r\n`,
    `${header}\r\n${'a,'.repeat(rng.int(1, 3000))}\r\n`,
    `${header}\r\n\u0000\u0001\u0002\r\n`,
    `${header}`,
    '',
    '\ufeff',
    `${header}\r\n`.repeat(rng.int(2, 50)),
    `"${header}`,
  ]
  const text = pick(rng, bodies)
  return rng.float() < 0.2
    ? Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe, 0x80])])
    : Buffer.from(text)
}
