import type { RawData } from 'ws'
import { Compile } from 'typebox/compile'
import { CLOSE, ClientMessageSchema, type ClientMessage } from '../../shared/protocol.ts'

// A viewer's frame is client input: it is read against the message schema before any code looks at
// its fields, so no frame (`null`, `[]`, `{"type":"health","screen":{}}`…) can throw in the hub.

const fitsSchema = Compile(ClientMessageSchema)

export type FrameVerdict =
  | { ok: true; msg: ClientMessage }
  /** `reason` labels the refusal on /metrics; `code` is the close code the socket gets. */
  | { ok: false; code: number; reason: 'binary' | 'not_json' | 'unknown_message' }

export function readClientFrame(data: RawData, isBinary: boolean): FrameVerdict {
  if (isBinary) return { ok: false, code: CLOSE.unsupportedData, reason: 'binary' }
  let value: unknown
  try {
    value = JSON.parse(String(data))
  } catch {
    return { ok: false, code: CLOSE.unsupportedData, reason: 'not_json' }
  }
  if (!fitsSchema.Check(value)) return { ok: false, code: CLOSE.policy, reason: 'unknown_message' }
  return { ok: true, msg: value }
}
