// Redis keys of a region (DESIGN.md "Redis layout"). The `{code}` hash tag keeps all of them in one
// Redis Cluster slot, so the Lua scripts stay atomic there. `variant` makes a parallel key space
// (the rebuild check replays the log into `lk:{code}:rebuild:`).
export function regionPrefix(regionCode: string, variant = ''): string {
  return `lk:{${regionCode}}:${variant ? `${variant}:` : ''}`
}

export function regionKeys(prefix: string) {
  return {
    prefix,
    seq: `${prefix}seq`,
    log: `${prefix}log`,
    updates: `${prefix}updates`,
    /** Ids of the events applied in one period of the dedupe time (store.ts `seenKeys`). */
    seen: (period: number) => `${prefix}seen:${period}`,
    /** Open hazards scored by the time found, newest last. */
    open: `${prefix}open`,
    /** Hash: hazard id → its state (records.ts). */
    hazards: `${prefix}hazards`,
    /** Hash: hazard id → its hazard.reported event as logged (title, industry, enterprise, time found). */
    hazardReports: `${prefix}hazard-reports`,
    /** Hash: enterprise id → its state (records.ts). */
    enterprises: `${prefix}enterprises`,
    /** Every registered enterprise, all scored 0: listed by id. */
    enterpriseIndex: `${prefix}ents`,
    /** Hash: accident id → its accident.reported event as logged (the wall's accident list). */
    accidents: `${prefix}accidents`,
    /** Hash: alarm id → the alarm (alarms.lua). */
    alarms: `${prefix}alarms`,
    /** Unacknowledged alarm ids scored by the seq that raised them. */
    alarmsOpen: `${prefix}alarms-open`,
  }
}
