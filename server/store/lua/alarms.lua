-- Alarms (shared/alarms.ts): raised by the ingest script (an accident, a major hazard reported) and
-- the tick (a major hazard going overdue), cleared by an `alarm.acknowledged` event. Loaded after
-- common.lua into the ingest, tick and snapshot scripts.
--   alarms       hash  alarm id -> the alarm as JSON (AlarmSchema, fields in ALARM_FIELDS order)
--   alarms-open  zset  unacknowledged alarm ids, scored by the seq that raised them
-- Whether an alarm is raised is decided outside (JS from the region's rules, or a replay from the
-- log): each script run logs the ids it raised as the entry's `r` field, so a replay raises exactly
-- those, whatever the rules say by then.
local alarmsChanged = false
local alarmsRaised = {}
local alarmStates = {} -- alarm id -> decoded alarm, or false: what the ack checks and the appliers see

-- Fixed order and integer formatting: the same alarm encodes to the same bytes live and in a replay.
local ALARM_FIELDS = { 'alarmId', 'kind', 'seq', 'at', 'raisedAt', 'town', 'domain', 'grade', 'severe', 'title',
  'enterprise', 'hazardId', 'accidentId', 'deaths', 'seriousInjuries', 'acknowledged', 'acknowledgedBy',
  'acknowledgedAt', 'acknowledgedSeq' }
local function encodeAlarm(a)
  local parts = {}
  for _, f in ipairs(ALARM_FIELDS) do
    local v = a[f]
    if v ~= nil and v ~= cjson.null then
      parts[#parts + 1] = '"' .. f .. '":' .. (type(v) == 'number' and string.format('%d', v) or cjson.encode(v))
    end
  end
  return '{' .. table.concat(parts, ',') .. '}'
end

-- Reads the alarms a batch acknowledges, before anything is checked.
local function prefetchAlarms(items)
  local ids = {}
  for _, it in ipairs(items) do
    if it.e.type == 'alarm.acknowledged' then ids[#ids + 1] = it.e.alarmId end
  end
  for i, json in ipairs(hmgetAll(key('alarms'), ids)) do
    alarmStates[ids[i]] = json and cjson.decode(json) or false
  end
end

-- Why acknowledging `id` is refused, as a code and its params (nil: it may be). Marks it
-- acknowledged for later events of the batch.
local checkedAcks = {}
local function ackRefusal(id)
  if checkedAcks[id] or (alarmStates[id] and alarmStates[id].acknowledged) then
    return 'alarm_already_acknowledged', { alarmId = id }
  end
  if not alarmStates[id] then return 'unknown_alarm', { alarmId = id } end
  checkedAcks[id] = true
  return nil
end

local function raiseAlarm(a, asOfMs)
  a.raisedAt = tonumber(asOfMs)
  a.acknowledged = false
  local wasOpen = redis.call('ZSCORE', key('alarms-open'), a.alarmId)
  redis.call('HSET', key('alarms'), a.alarmId, encodeAlarm(a))
  redis.call('ZADD', key('alarms-open'), a.seq, a.alarmId)
  if not wasOpen then bumpNow(cell('alarm.open', a.town, a.domain, a.kind), 1) end
  alarmsRaised[#alarmsRaised + 1] = a.alarmId
  alarmsChanged = true
end

-- The alarm event `e` (applied at seq it.seq, with what JS worked out in `it`) raises.
local function raiseEventAlarm(e, it, asOfMs)
  if e.type == 'accident.reported' then
    raiseAlarm({ alarmId = 'acc:' .. e.accidentId, kind = 'accident', seq = it.seq, at = e.at, town = e.town,
      domain = e.domain, grade = it.grade, severe = it.significant == true, title = e.title,
      accidentId = e.accidentId, deaths = e.deaths, seriousInjuries = e.seriousInjuries }, asOfMs)
  elseif e.type == 'hazard.reported' then
    raiseAlarm({ alarmId = 'hz:' .. e.hazardId, kind = 'major_hazard', seq = it.seq, at = e.at, town = e.town,
      domain = e.domain, grade = e.grade, severe = false, title = e.title, enterprise = e.enterprise,
      hazardId = e.hazardId }, asOfMs)
  end
end

-- A major hazard the tick found overdue (its state decoded as in common.lua).
local function raiseOverdueAlarm(id, h, seq, nowIso, nowMs)
  local report = redis.call('HGET', key('hazard-reports'), id)
  local enterprise = report and cjson.decode(report).enterprise or nil
  raiseAlarm({ alarmId = 'od:' .. id, kind = 'major_overdue', seq = seq, at = nowIso, town = h.town,
    domain = h.domain, grade = h.grade, severe = false, title = h.title, enterprise = enterprise,
    hazardId = id }, nowMs)
end

local function acknowledgeAlarm(e, seq)
  local a = alarmStates[e.alarmId]
  a.acknowledged = true
  a.acknowledgedBy = e.by
  a.acknowledgedAt = e.at
  a.acknowledgedSeq = seq
  redis.call('HSET', key('alarms'), e.alarmId, encodeAlarm(a))
  redis.call('ZREM', key('alarms-open'), e.alarmId)
  bumpNow(cell('alarm.open', a.town, a.domain, a.kind), -1)
  alarmsChanged = true
end

-- The open alarms, newest first, as the wall shows them.
local function openAlarmList(limit)
  local ids = redis.call('ZREVRANGE', key('alarms-open'), 0, limit - 1)
  local list = {}
  for _, json in ipairs(hmgetAll(key('alarms'), ids)) do
    if json then list[#list + 1] = json end
  end
  return '[' .. table.concat(list, ',') .. ']'
end

publishExtras[#publishExtras + 1] = function(cfg)
  if alarmsChanged then return '"alarms":' .. openAlarmList(cfg.alarmListLength) end
end
logExtras[#logExtras + 1] = function()
  if #alarmsRaised > 0 then return 'r', cjson.encode(alarmsRaised) end
end
