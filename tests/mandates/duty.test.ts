import ExcelJS from 'exceljs'
import { expect, test } from 'vitest'
import { eid, region } from '../helpers/app.ts'
import { dutyDayAt, DUTY_CELL } from '../../shared/mandates/duty.ts'
import type { DutyReply } from '../../shared/mandates/api.ts'
import { post, postOk } from '../ingest/fixtures.ts'
import { multipart } from '../import/helpers.ts'
import { duty, mandatesApp } from './fixtures.ts'

// The duty roster (值班值守): duty.assigned events (admins only; a day assigned again replaces its
// pair), the roster file import (all or nothing, each bad row named), and GET /api/duty, which
// switches at the region-time handover (08:30 in Taixing); the rebuild check.

const env = mandatesApp()
const { clock } = env

const onDuty = async () => (await env.app.inject({ url: '/api/duty' })).json() as DutyReply
const HEADER = ['日期', '值班领导', '领导分机', '值班员', '值班员分机']
const csv = (rows: string[][], header = HEADER) =>
  Buffer.from([header, ...rows].map((r) => r.join(',')).join('\r\n'), 'utf8')
const upload = async (file: Buffer, filename = 'roster.csv') => {
  const { payload, headers } = await multipart(file, filename)
  return env.app.inject({ method: 'POST', url: '/api/duty/import', payload, headers })
}

test('the duty day turns at the handover in region time, not at midnight nor in UTC', () => {
  const tz = region.timeZone
  const at = (iso: string) => dutyDayAt(Date.parse(iso), tz, '08:30')
  expect(at('2026-05-06T08:29:59+08:00')).toEqual({
    day: '2026-05-05',
    untilMs: Date.parse('2026-05-06T08:30:00+08:00'),
  })
  expect(at('2026-05-06T08:30:00+08:00')).toEqual({
    day: '2026-05-06',
    untilMs: Date.parse('2026-05-07T08:30:00+08:00'),
  })
  // 23:00 UTC on 5 May is 07:00 on 6 May in Taixing: still the 5th's pair.
  expect(at('2026-05-05T23:00:00Z').day).toBe('2026-05-05')
  // Just past midnight: still the day before's pair, until 08:30.
  expect(at('2026-05-07T00:10:00+08:00').day).toBe('2026-05-06')
})

test('the pair on duty switches at the handover; assigning a day again replaces its pair', async () => {
  await postOk(env.app, {
    events: [
      duty({ day: '2026-05-05', leader: '王建国', leaderExt: '8001' }),
      duty({ day: '2026-05-06', leader: '李明', leaderExt: '8002', officer: '赵磊', officerExt: '8102' }),
    ],
  })
  clock.set('2026-05-06T08:29:00+08:00')
  expect(await onDuty()).toMatchObject({
    day: '2026-05-05',
    handover: '08:30',
    now: clock(),
    until: Date.parse('2026-05-06T08:30:00+08:00'),
    onDuty: { leader: '王建国', leaderExt: '8001' },
  })
  clock.set('2026-05-06T08:30:00+08:00')
  expect((await onDuty()).onDuty).toEqual({
    leader: '李明',
    leaderExt: '8002',
    officer: '赵磊',
    officerExt: '8102',
  })
  const before = (await env.app.store.readState('2026-05-06', clock())).now[DUTY_CELL]
  await postOk(env.app, duty({ day: '2026-05-06', leader: '周强', leaderExt: '0523-87654321' }))
  expect((await onDuty()).onDuty).toMatchObject({ leader: '周强', leaderExt: '0523-87654321' })
  // The wall re-reads the roster when this gauge moves.
  expect((await env.app.store.readState('2026-05-06', clock())).now[DUTY_CELL]).toBe(before + 1)
  // A day nobody is assigned to: nobody on duty, said as such.
  clock.set('2026-05-08T10:00:00+08:00')
  expect(await onDuty()).toMatchObject({ day: '2026-05-08', onDuty: null })
})

test('refusals: a day that does not exist, a bad extension, a missing officer', async () => {
  const res = await post(env.app, {
    events: [
      duty({ day: '2026-02-30' }),
      duty({ leaderExt: '80 01' }),
      { ...duty(), officer: undefined },
      duty({ day: '1969-12-31' }),
    ],
  })
  expect(res.statusCode).toBe(400)
  const coded = res.json().details.map((d: { path: string; code: string }) => `${d.path} ${d.code}`)
  expect(coded).toEqual(
    expect.arrayContaining([
      '/events/0/day not_real_date',
      '/events/1/leaderExt extension',
      '/events/2/officer required',
      '/events/3/day out_of_years',
    ]),
  )
  const badDay = await post(env.app, duty({ day: '2026-5-6' }))
  expect(badDay.json().details).toEqual([
    { path: '/day', code: 'day', params: {}, message: 'must be a date YYYY-MM-DD' },
  ])
  expect(await env.client.exists(env.key('duty'))).toBe(0)
})

test('a roster file: every row checked first; one bad row applies nothing and is named', async () => {
  const bad = await upload(
    csv([
      ['2026-05-06', '李明', '8002', '赵磊', '8102'],
      ['2026-05-07', '', '8003', '钱峰', '8103'],
      ['2026/5/8', '孙伟', '分机8004', '钱峰', '8104'],
      ['2026-05-06', '孙伟', '8004', '钱峰', '8104'],
      ['2026-02-30', '孙伟', '8004', '钱峰', '8104'],
    ]),
  )
  expect(bad.statusCode).toBe(400)
  expect(bad.json()).toMatchObject({ error: 'invalid rows: nothing applied', applied: 0, issueCount: 4 })
  expect(bad.json().issues).toEqual([
    expect.objectContaining({ row: 3, column: '值班领导', reasonEn: 'must not be empty' }),
    expect.objectContaining({ row: 4, column: '领导分机', value: '分机8004', code: 'cell.bad_extension' }),
    expect.objectContaining({ row: 5, column: '日期', reasonEn: 'this day is already assigned in row 2' }),
    expect.objectContaining({ row: 6, column: '日期', reasonEn: expect.stringMatching(/not a valid date/) }),
  ])
  expect((await onDuty()).onDuty).toBeNull()

  const missing = await upload(csv([['2026-05-06', '李明', '8002']], HEADER.slice(0, 3)))
  expect(missing.statusCode).toBe(400)
  expect(missing.json().issues.map((i: { column: string }) => i.column)).toEqual(['值班员', '值班员分机'])

  const good = csv([
    ['2026-05-06', '李明', '8002', '赵磊', '8102'],
    ['2026/5/7', '孙伟', '8004', '钱峰', '8104'],
  ])
  expect((await upload(good)).json()).toMatchObject({ days: 2, applied: 2, duplicates: 0 })
  expect((await onDuty()).onDuty).toMatchObject({ leader: '李明', officer: '赵磊' })
  // The same file again: nothing new.
  expect((await upload(good)).json()).toMatchObject({ days: 2, applied: 0, duplicates: 2 })
  clock.set('2026-05-07T08:30:00+08:00')
  expect((await onDuty()).onDuty).toMatchObject({ leader: '孙伟', officerExt: '8104' })
})

test('an XLSX roster with date and number cells, English headers', async () => {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('值班表')
  ws.addRow(['Date', 'Duty leader', 'Leader extension', 'Duty officer', 'Officer extension'])
  ws.addRow([new Date(Date.UTC(2026, 4, 6)), '李明', 8002, '赵磊', 8102])
  const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()), 'roster.xlsx')
  expect(res.statusCode, res.body).toBe(200)
  expect((await onDuty()).onDuty).toEqual({
    leader: '李明',
    leaderExt: '8002',
    officer: '赵磊',
    officerExt: '8102',
  })
  const unreadable = await upload(Buffer.from('PK\u0003\u0004 not a workbook'), 'roster.xlsx')
  expect(unreadable.statusCode).toBe(400)
  expect(unreadable.json().issues[0]).toMatchObject({ row: null })
})

test('the rebuild check replays the roster to the same keys', async () => {
  await postOk(env.app, { events: [duty({ day: '2026-05-06' }), duty({ day: '2026-05-07' })] })
  await postOk(env.app, duty({ day: '2026-05-06', leader: '周强' }))
  const report = await env.rebuildCheck()
  expect(report.differences).toEqual([])
  expect(await env.client.hget(env.key('duty'), '2026-05-06')).toContain('周强')
})

test('only an admin assigns duty or uploads a roster', () =>
  env.withAuth(async (authed, tokens) => {
    const as = (who: 'reporter' | 'admin' | 'viewer') => tokens[who].header
    const refused = await authed.inject({
      method: 'POST',
      url: '/api/events',
      payload: duty({ id: eid('du') }),
      headers: as('reporter'),
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().details).toEqual([
      {
        path: '/type',
        message: 'duty.assigned needs an admin token',
        code: 'needs_admin',
        params: { type: 'duty.assigned' },
      },
    ])
    const { payload, headers } = await multipart(
      csv([['2026-05-06', '李明', '8002', '赵磊', '8102']]),
      'r.csv',
    )
    const upload = (who: 'reporter' | 'admin') =>
      authed.inject({ method: 'POST', url: '/api/duty/import', payload, headers: { ...headers, ...as(who) } })
    expect((await upload('reporter')).statusCode).toBe(403)
    expect((await upload('admin')).statusCode).toBe(200)
    // A viewer (the wall) reads who is on duty.
    expect((await authed.inject({ url: '/api/duty', headers: as('viewer') })).statusCode).toBe(200)
  }))
