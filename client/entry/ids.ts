// Client-made ids. An event's id is made when the reporter presses submit and travels with it
// through every retry, so the server counts it once however often it arrives.

/** A random UUID; crypto.randomUUID exists only in secure contexts, a phone on plain http lacks it. */
function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40 // version 4
  b[8] = (b[8] & 0x3f) | 0x80 // variant 10
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** An event id (42 characters of the allowed id alphabet). */
export function newEventId(): string {
  return `entry-${uuid()}`
}

/** A new hazard's, inspection's, accident's or enterprise's id: readable prefix and day, random tail. */
export function newEntityId(prefix: 'hz' | 'insp' | 'acc' | 'ent' | 'ps', day: string): string {
  return `${prefix}-${day.replaceAll('-', '')}-${uuid().slice(0, 8)}`
}
