import { expect, test } from 'vitest'
import { region } from '../helpers/app.ts'
import { mandatesOf } from '../../shared/mandates/defaults.ts'
import { taskSummary } from '../../shared/mandates/tasks.ts'
import type { OverdueTasksReply } from '../../shared/mandates/api.ts'
import { post, postOk } from '../ingest/fixtures.ts'
import { mandatesApp, progress, task } from './fixtures.ts'

// The work lists (全年工作要点、季度工作清单): task.defined (admins) and task.progress (reporters too),
// each quarter's completion by department from the item's own year's cells, the overdue items judged
// by the region's day, refusals, and the rebuild check.

const env = mandatesApp()
const { clock } = env
const M = mandatesOf(region)

const year2026 = async () => (await env.app.store.readState('2026-05-06', clock())).year
const overdue = async () => (await env.app.inject({ url: '/api/tasks/overdue' })).json() as OverdueTasksReply

test("each quarter's completion by department follows the items' progress", async () => {
  const a = task({ owner: 'yjj' })
  const b = task({ owner: 'yjj' })
  const c = task({ owner: 'zjj' })
  const q3 = task({ owner: 'zjj', quarter: 3, due: '2026-09-30' })
  await postOk(env.app, { events: [a, b, c, q3, progress(a.taskId, 'in_progress')] })
  await postOk(env.app, { events: [progress(a.taskId, 'done'), progress(c.taskId, 'done')] })
  // The same status again changes nothing; a done item may be reopened.
  await postOk(env.app, { events: [progress(c.taskId, 'done'), progress(b.taskId, 'in_progress')] })
  const [, q2, third] = taskSummary(await year2026(), M)
  expect(q2).toMatchObject({ quarter: 2, total: 3, done: 2, inProgress: 1 })
  expect(q2.byOwner).toEqual([
    { owner: 'yjj', total: 2, done: 1 },
    { owner: 'zjj', total: 1, done: 1 },
  ])
  expect(third).toMatchObject({ total: 1, done: 0 })
  await postOk(env.app, progress(c.taskId, 'in_progress'))
  expect(taskSummary(await year2026(), M)[1]).toMatchObject({ done: 1, inProgress: 2 })
  // An item of next year's list counts in next year's cells, not this year's.
  await postOk(env.app, task({ year: 2027, quarter: 1, due: '2027-03-31' }))
  expect(taskSummary(await year2026(), M)[0].total).toBe(0)
})

test('overdue from the day after its due date in region time, until done', async () => {
  const t = task({ due: '2026-06-30' })
  await postOk(env.app, t)
  // 23:30 on 30 June in Taixing: due today, not overdue.
  clock.set('2026-06-30T23:30:00+08:00')
  expect((await overdue()).tasks).toEqual([])
  // 00:30 on 1 July in Taixing (still 30 June in UTC): overdue, and the quarter is Q3.
  clock.set('2026-06-30T16:30:00Z')
  expect(await overdue()).toEqual({
    today: '2026-07-01',
    tasks: [
      {
        taskId: t.taskId,
        title: t.title,
        owner: 'yjj',
        year: 2026,
        quarter: 2,
        due: '2026-06-30',
        status: 'not_started',
      },
    ],
  })
  await postOk(env.app, progress(t.taskId, 'done'))
  expect((await overdue()).tasks).toEqual([])
})

test('refusals: an unknown department, a bad due date, an id defined twice, progress on an unknown item', async () => {
  const bad = await post(env.app, {
    events: [
      task({ owner: 'nobody' }),
      task({ due: '2026-02-30' }),
      task({ due: '30/06/2026' }),
      task({ quarter: 5 }),
    ],
  })
  expect(bad.statusCode).toBe(400)
  expect(bad.json().details.map((d: { path: string; code: string }) => `${d.path} ${d.code}`)).toEqual(
    expect.arrayContaining([
      '/events/0/owner unknown_department',
      '/events/1/due not_real_date',
      '/events/2/due day',
      '/events/3/quarter too_large',
    ]),
  )
  const t = task()
  await postOk(env.app, t)
  const twice = await post(env.app, { ...task(), taskId: t.taskId })
  expect(twice.statusCode).toBe(409)
  expect(twice.json().details[0]).toMatchObject({ path: '/taskId', code: 'task_already_defined' })
  const unknown = await post(env.app, progress('TK-none', 'done'))
  expect(unknown.statusCode).toBe(409)
  expect(unknown.json().details[0]).toMatchObject({
    path: '/taskId',
    code: 'unknown_task',
    params: { taskId: 'TK-none' },
  })
  // Defined and progressed in one batch: fine (all or nothing).
  const fresh = task()
  await postOk(env.app, { events: [fresh, progress(fresh.taskId, 'in_progress')] })
})

test('the rebuild check replays the work lists to the same keys', async () => {
  const a = task()
  const b = task({ owner: 'xf', quarter: 1, due: '2026-03-31' })
  await postOk(env.app, { events: [a, b, progress(a.taskId, 'in_progress')] })
  await postOk(env.app, {
    events: [progress(a.taskId, 'done'), progress(b.taskId, 'done'), progress(b.taskId, 'in_progress')],
  })
  expect(await env.client.exists(env.key('tasks'))).toBe(1)
  const report = await env.rebuildCheck()
  expect(report.differences).toEqual([])
})

test("admins define items; reporters (a town's too) report progress", () =>
  env.withAuth(async (authed, tokens) => {
    const send = (payload: object, who: 'reporter' | 'townReporter' | 'admin') =>
      authed.inject({ method: 'POST', url: '/api/events', payload, headers: tokens[who].header })
    const t = task()
    const refused = await send(t, 'reporter')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().details[0]).toMatchObject({ code: 'needs_admin', params: { type: 'task.defined' } })
    expect((await send(t, 'admin')).statusCode).toBe(200)
    expect((await send(progress(t.taskId, 'in_progress'), 'reporter')).statusCode).toBe(200)
    expect((await send(progress(t.taskId, 'done'), 'townReporter')).statusCode).toBe(200)
  }))
