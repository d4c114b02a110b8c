-- Moves open hazards whose deadline has passed into the overdue gauges. Safe on every node at once:
-- a hazard leaves `due` in the same atomic step, so only one tick moves it.
-- ARGV[1]: now in ms; ARGV[2]: JSON config { overdueLength }; ARGV[3]: now as ISO text (for the log)
local cfg = cjson.decode(ARGV[2])
-- Overdue once the deadline has passed (score < now): at the deadline instant itself it is not late yet.
local ids = redis.call('ZRANGEBYSCORE', key('due'), '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
if #ids == 0 then return 0 end
for _, id in ipairs(ids) do
  local hk = key('hz:' .. id)
  local h = redis.call('HMGET', hk, 'town', 'domain', 'grade', 'deadline')
  redis.call('ZREM', key('due'), id)
  redis.call('ZADD', key('overdue'), h[4], id)
  redis.call('HSET', hk, 'overdue', '1')
  bumpNow(cell('hz.overdue', h[1], h[2], h[3]), 1)
end
overdueChanged = true
writeCounts()
local seq = redis.call('INCR', key('seq'))
logEntry(seq, { cjson.encode({ type = 'overdue.tick', at = ARGV[3], hazardIds = ids }) })
publish(cfg, seq, seq, ARGV[1], {})
return #ids
