-- Moves open hazards whose deadline has passed into the overdue gauges. Safe on every node at once:
-- a hazard leaves `due` in the same atomic step, so only one tick moves it.
-- ARGV[1]: now in ms; ARGV[2]: JSON config { overdueLength }; ARGV[3]: now as ISO text (for the log)
local cfg = cjson.decode(ARGV[2])
-- Overdue once the deadline has passed (score < now): at the deadline instant itself it is not late yet.
local ids = redis.call('ZRANGEBYSCORE', key('due'), '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
if #ids == 0 then return 0 end
local states, overdue = {}, {}
for i, state in ipairs(hmgetAll(key('hazards'), ids)) do
  local h = decodeHazard(state)
  h.overdue = true
  states[#states + 1] = ids[i]
  states[#states + 1] = encodeHazard(h)
  overdue[#overdue + 1] = h.deadline
  overdue[#overdue + 1] = ids[i]
  bumpNow(cell('hz.overdue', h.town, h.domain, h.grade), 1)
end
redis.call('ZREM', key('due'), unpack(ids))
redis.call('ZADD', key('overdue'), unpack(overdue))
hsetAll(key('hazards'), states)
overdueChanged = true
writeCounts()
local seq = redis.call('INCR', key('seq'))
logEntry(seq, { cjson.encode({ type = 'overdue.tick', at = ARGV[3], hazardIds = ids }) })
publish(cfg, seq, seq, ARGV[1], {})
return #ids
