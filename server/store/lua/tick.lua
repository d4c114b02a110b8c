-- Moves open hazards along their deadline: into the due-soon gauges (临期) once the deadline is at
-- most dueSoonMs away, into the overdue gauges once it has passed. A running deadline sits in `due`,
-- then in `soon`, then the hazard is in `overdue`. Safe on every node at once: a hazard leaves
-- `due` or `soon` in the same atomic step, so only one tick moves it.
-- ARGV[1]: now in ms; ARGV[2]: JSON config { overdueLength, alarmListLength, majorOverdueAlarms, alarmOnly? }; ARGV[3]: now as ISO text (for the log);
-- ARGV[4]: how long before its deadline a hazard is due soon, in ms (the region's dueSoonDays), or
-- -1 for no due-soon step (the replay of a tick logged before there was one).
-- Returns how many moves it made: into due soon, and into overdue.
local cfg = cjson.decode(ARGV[2])
local now = tonumber(ARGV[1])
local dueSoonMs = tonumber(ARGV[4])
-- Overdue once the deadline has passed (score < now): at the deadline instant itself it is not late yet.
local dueBound = dueSoonMs >= 0 and string.format('%d', now + dueSoonMs) or '(' .. ARGV[1]
local leavingDue = redis.call('ZRANGEBYSCORE', key('due'), '-inf', dueBound, 'LIMIT', 0, 1000)
local leavingSoon = redis.call('ZRANGEBYSCORE', key('soon'), '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
if #leavingDue == 0 and #leavingSoon == 0 then return 0 end

local ids = {}
for _, id in ipairs(leavingDue) do ids[#ids + 1] = id end
for _, id in ipairs(leavingSoon) do ids[#ids + 1] = id end
local hazards = {}
for i, state in ipairs(hmgetAll(key('hazards'), ids)) do hazards[ids[i]] = decodeHazard(state) end

local soonIds, soonAdds, overdueIds, overdueAdds = {}, {}, {}, {}
-- Major hazards going overdue raise an alarm: by the region's rule (cfg.majorOverdueAlarms), or in a
-- replay exactly those the logged tick raised (cfg.alarmOnly).
local alarmOnly = {}
if cfg.alarmOnly then for _, id in ipairs(cfg.alarmOnly) do alarmOnly[id] = true end end
local overdueAlarms = {}
local function toOverdue(id, h)
  -- A deadline that passed longer ago than the horizon (a ledger's or a backfill's history) is no news.
  local byRule = not cfg.alarmOnly and cfg.majorOverdueAlarms and tonumber(h.deadline) >= now - cfg.alarmHorizonMs
  if h.grade == 'major' and (alarmOnly['od:' .. id] or byRule) then
    overdueAlarms[#overdueAlarms + 1] = id
  end
  h.soon, h.overdue = false, true
  overdueIds[#overdueIds + 1] = id
  overdueAdds[#overdueAdds + 1] = h.deadline
  overdueAdds[#overdueAdds + 1] = id
  bumpNow(cell('hz.overdue', h.town, h.domain, h.grade), 1)
end
for _, id in ipairs(leavingDue) do
  local h = hazards[id]
  if tonumber(h.deadline) < now then
    toOverdue(id, h) -- missed its due-soon days (reported late, or no tick ran): never counted due soon
  else
    h.soon = true
    soonIds[#soonIds + 1] = id
    soonAdds[#soonAdds + 1] = h.deadline
    soonAdds[#soonAdds + 1] = id
    bumpNow(cell('hz.duesoon', h.town, h.domain, h.grade), 1)
  end
end
for _, id in ipairs(leavingSoon) do
  local h = hazards[id]
  bumpNow(cell('hz.duesoon', h.town, h.domain, h.grade), -1)
  toOverdue(id, h)
end

if #leavingDue > 0 then redis.call('ZREM', key('due'), unpack(leavingDue)) end
if #leavingSoon > 0 then redis.call('ZREM', key('soon'), unpack(leavingSoon)) end
if #soonAdds > 0 then redis.call('ZADD', key('soon'), unpack(soonAdds)) end
if #overdueAdds > 0 then
  redis.call('ZADD', key('overdue'), unpack(overdueAdds))
  overdueChanged = true
end
local states = {}
for _, id in ipairs(ids) do
  states[#states + 1] = id
  states[#states + 1] = encodeHazard(hazards[id])
end
hsetAll(key('hazards'), states)
writeCounts()
local seq = redis.call('INCR', key('seq'))
for _, id in ipairs(overdueAlarms) do raiseOverdueAlarm(id, hazards[id], seq, ARGV[3], now) end
-- The rebuild replays the tick at this instant, with this due-soon time, and checks it makes the
-- same moves.
local function jsonList(list)
  local parts = {}
  for i, text in ipairs(list) do parts[i] = cjson.encode(text) end
  return '[' .. table.concat(parts, ',') .. ']'
end
-- Fields in the order cjson gave the entries logged before there was a due-soon step: with none,
-- the replay of such an entry writes it byte for byte.
local entry = '{"at":' .. cjson.encode(ARGV[3]) .. ',"type":"overdue.tick"'
if dueSoonMs >= 0 then entry = entry .. ',"dueSoonMs":' .. string.format('%d', dueSoonMs) end
entry = entry .. ',"hazardIds":' .. jsonList(overdueIds)
if #soonIds > 0 then entry = entry .. ',"dueSoonIds":' .. jsonList(soonIds) end
logEntry(seq, { entry .. '}' })
publish(cfg, seq, seq, ARGV[1], {})
return #soonIds + #overdueIds
