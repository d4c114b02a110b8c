import { Type } from 'typebox'

// GET /healthz and GET /readyz: for probes.

export const HealthReply = Type.Object({ ok: Type.Boolean() }, { additionalProperties: false })

export const NotReadyReply = Type.Object(
  { ok: Type.Boolean(), error: Type.String() },
  { additionalProperties: false },
)
