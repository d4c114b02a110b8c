import { mandatesOf } from '../../shared/mandates/defaults.ts'
import { checkEvents, type EventType, type LookoutEvent } from '../../shared/events.ts'
import type { RegionIndex } from '../../shared/region.ts'
import type { ErrorReply } from '../../shared/api/errors.ts'
import { detail } from '../../shared/api/error-codes.ts'

// The examples the API reference shows: one body per event type, built from the region (its real
// towns, domains and industries), and one answer per error. The 400 examples are what checkEvents
// really answers for those bodies, so they cannot drift from the code.

export interface Example<T> {
  summary: string
  value: T
}

const AT = '2026-05-06T09:30:00+08:00'

export function eventExamples(region: RegionIndex): Record<EventType, Example<LookoutEvent>> {
  const town = region.towns[0].code
  const domain = region.domains[0]
  const place = {
    town,
    domain: domain.id,
    ...(domain.industries[0] ? { industry: domain.industries[0].id } : {}),
  }
  // A reason of the region's own point table (the server fills fixed points in).
  const rule = mandatesOf(region).scoring.pointTable[0]
  return {
    'hazard.reported': {
      summary: 'A hazard found (隐患), with its rectification deadline',
      value: {
        id: 'hz-20260506-0001',
        type: 'hazard.reported',
        at: AT,
        hazardId: 'HZ-2026-0001',
        ...place,
        grade: 'general',
        title: '脚手架未设置防护栏杆',
        deadline: '2026-05-20',
        enterprise: '泰兴市某建设有限公司',
        source: 'routine',
      },
    },
    'hazard.status': {
      summary: 'A hazard moved on: rectifying, awaiting acceptance or closed',
      value: {
        id: 'hs-20260508-0001',
        type: 'hazard.status',
        hazardId: 'HZ-2026-0001',
        status: 'rectifying',
      },
    },
    'inspection.completed': {
      summary: 'An inspection done (检查), with the hazards it found',
      value: {
        id: 'in-20260506-0001',
        type: 'inspection.completed',
        at: AT,
        inspectionId: 'IN-2026-0001',
        ...place,
        enterprise: '泰兴市某建设有限公司',
        hazardsFound: 2,
      },
    },
    'accident.reported': {
      summary: 'An accident; the server grades it by Decree 493',
      value: {
        id: 'ac-20260506-0001',
        type: 'accident.reported',
        at: AT,
        accidentId: 'AC-2026-0001',
        ...place,
        deaths: 0,
        seriousInjuries: 1,
        directLossYuan: 20000,
        title: '高处坠落',
      },
    },
    'enterprise.registered': {
      summary: 'An enterprise registered with its risk level (red/orange/yellow/blue)',
      value: {
        id: 'er-20260506-0001',
        type: 'enterprise.registered',
        enterpriseId: '91321283MA1XXXXX0A',
        name: '泰兴市某化工有限公司',
        ...place,
        riskLevel: 'significant',
      },
    },
    'enterprise.work': {
      summary: 'A registered enterprise stopping or resuming work',
      value: {
        id: 'ew-20260506-0001',
        type: 'enterprise.work',
        enterpriseId: '91321283MA1XXXXX0A',
        state: 'resumed',
        preCheckDone: true,
      },
    },
    'principal.scored': {
      summary:
        "Points on a registered enterprise's principal (主要负责人记分), by a reason of the region's point table",
      value: {
        id: 'ps-20260506-0001',
        type: 'principal.scored',
        at: AT,
        scoreId: 'PS-2026-0001',
        enterpriseId: '91321283MA1XXXXX0A',
        reason: rule.code,
        ...(rule.min === rule.max ? {} : { points: rule.min }),
        note: rule.name,
      },
    },
    'resource.registered': {
      summary: 'An emergency resource (应急资源) in service: a rescue team, warehouse, expert or equipment',
      value: {
        id: 'rr-20260506-0001',
        type: 'resource.registered',
        resourceId: 'RS-2026-0001',
        kind: 'rescue_team',
        name: '黄桥镇应急救援队',
        town,
        domain: domain.id,
        size: 30,
      },
    },
    'resource.retired': {
      summary: 'A resource taken out of service',
      value: {
        id: 'rt-20260506-0001',
        type: 'resource.retired',
        resourceId: 'RS-2026-0001',
        note: '队伍合并',
      },
    },
    'drill.completed': {
      summary: "An emergency drill (应急演练) held, counted against the town's quarter plan",
      value: {
        id: 'dc-20260506-0001',
        type: 'drill.completed',
        at: AT,
        drillId: 'DR-2026-0001',
        town,
        domain: domain.id,
        participants: 45,
        scenario: '危化品泄漏处置',
      },
    },
    'alarm.acknowledged': {
      summary: 'An alarm acknowledged by the duty officer (值班员) or an admin: it leaves every wall',
      value: { id: 'aa-20260506-0001', type: 'alarm.acknowledged', alarmId: 'acc:AC-2026-0001' },
    },
    'principal.score_revoked': {
      summary: 'A wrong score undone (admins only); the undoing is kept in the log',
      value: { id: 'pr-20260507-0001', type: 'principal.score_revoked', scoreId: 'PS-2026-0001' },
    },
    'task.defined': {
      summary:
        "An item of the year's work list (全年工作要点、季度工作清单): its department, quarter and due date (admins only)",
      value: {
        id: 'td-20260506-0001',
        type: 'task.defined',
        at: AT,
        taskId: 'TK-2026-Q2-01',
        title: '开展危化品企业安全专项整治',
        owner: mandatesOf(region).departments[0].id,
        year: 2026,
        quarter: 2,
        due: '2026-06-30',
      },
    },
    'task.progress': {
      summary: "A work item's state: not_started, in_progress or done",
      value: {
        id: 'tp-20260506-0001',
        type: 'task.progress',
        at: AT,
        taskId: 'TK-2026-Q2-01',
        status: 'in_progress',
        note: '已完成 12 家企业检查',
      },
    },
    'duty.assigned': {
      summary:
        'Who is on duty at the command center (值班值守) on a day, from its handover to the next (admins only; a day assigned again is replaced)',
      value: {
        id: 'du-20260506-0001',
        type: 'duty.assigned',
        at: AT,
        day: '2026-05-06',
        leader: '李明',
        leaderExt: '8002',
        officer: '赵磊',
        officerExt: '8102',
      },
    },
  }
}

/** A batch of two events: checked whole, applied all or nothing. */
export const batchExample = (events: Record<EventType, Example<LookoutEvent>>): Example<unknown> => ({
  summary: 'A batch: { events: [...] }, checked whole and applied all or nothing',
  value: { events: [events['hazard.reported'].value, events['inspection.completed'].value] },
})

/** What each error status of the API answers, by status. */
export function errorExamples(region: RegionIndex): Record<number, Record<string, Example<ErrorReply>>> {
  const events = eventExamples(region)
  const refusal = (body: unknown): ErrorReply => {
    const checked = checkEvents(body, { region, now: Date.parse(AT) })
    if (checked.ok) throw new Error('an error example was accepted: fix server/openapi/examples.ts')
    return { error: 'invalid event', details: checked.details }
  }
  const hazard = events['hazard.reported'].value
  const [town, other] = region.towns
  return {
    400: {
      schema: {
        summary: 'A field that breaks the event schema',
        value: refusal({ ...hazard, grade: 'huge', title: '' }),
      },
      region: { summary: 'A town the region does not have', value: refusal({ ...hazard, town: '999999' }) },
      deadline: {
        summary: 'A deadline before the hazard was found',
        value: refusal({ ...hazard, deadline: '2025-05-20' }),
      },
    },
    401: {
      none: {
        summary: 'No token',
        value: { error: 'a token is required (reporter or better): send Authorization: Bearer <token>' },
      },
      unknown: {
        summary: 'A token not known',
        value: { error: 'token not recognised (unknown or revoked)' },
      },
    },
    403: {
      town: {
        summary: 'An event for a town the token does not cover',
        value: {
          error: 'not your town',
          details: [
            detail('/town', 'foreign_town', {
              eventId: hazard.id,
              action: 'is_for',
              town: town.code,
              townName: town.name,
              allowed: [other.code],
            }),
          ],
        },
      },
      role: {
        summary: "A token whose role may not do this (a viewer's pushing events)",
        value: {
          error: 'token tk_Qm3xT0aZ is a viewer: POST /api/events needs reporter or better',
          reason: 'role',
        },
      },
    },
    409: {
      status: {
        summary: 'An illegal status move',
        value: {
          error: 'conflict',
          details: [
            detail('/status', 'illegal_move', { hazardId: 'HZ-2026-0001', from: 'closed', to: 'rectifying' }),
          ],
        },
      },
    },
    413: {
      size: { summary: 'A body past BODY_LIMIT', value: { error: 'body too large: at most 1048576 bytes' } },
    },
    429: {
      rate: {
        summary: 'Past RATE_LIMIT requests a minute',
        value: { error: 'Rate limit exceeded, retry in 1 minute' },
      },
    },
    503: {
      redis: {
        summary: 'Redis does not answer: retry with the same ids',
        value: {
          error: 'storage unavailable: retry with the same event ids (a retry is never counted twice)',
        },
      },
    },
  }
}
