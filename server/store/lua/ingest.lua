-- Applies a checked batch atomically and exactly once (DESIGN.md guarantees 1 and 2).
-- ARGV[1]: JSON array of prepared items { e = event, raw = event JSON, atMs, day, year, deadlineMs?, grade?, significant? }
-- ARGV[2]: JSON config { transitions, dedupeSeconds, feedKeep, overdueLength }
-- ARGV[3]: the apply time in ms (asOf)
-- Returns { 'ok', seq, duplicate indexes... } or { 'conflict', index, field, reason }: nothing written on conflict.
local items = cjson.decode(ARGV[1])
local cfg = cjson.decode(ARGV[2])
local asOf = ARGV[3]

-- Pass 1: dedupe and check every state rule against Redis and against earlier events of the batch.
local duplicate, seenIds = {}, {}
local hazardStatus, enterpriseKnown, entityTaken = {}, {}, {}

local function currentHazardStatus(id)
  if hazardStatus[id] == nil then
    hazardStatus[id] = redis.call('HGET', key('hz:' .. id), 'status') or false
  end
  return hazardStatus[id]
end

local function legal(from, to)
  for _, s in ipairs(cfg.transitions[from] or {}) do
    if s == to then return true end
  end
  return false
end

for i, it in ipairs(items) do
  local e = it.e
  if seenIds[e.id] or redis.call('EXISTS', key('ev:' .. e.id)) == 1 then
    duplicate[i] = true
  else
    seenIds[e.id] = true
    local t = e.type
    if t == 'hazard.reported' then
      if currentHazardStatus(e.hazardId) then
        return { 'conflict', i - 1, 'hazardId', 'hazard ' .. e.hazardId .. ' was already reported' }
      end
      hazardStatus[e.hazardId] = 'reported'
    elseif t == 'hazard.status' then
      local from = currentHazardStatus(e.hazardId)
      if not from then
        return { 'conflict', i - 1, 'hazardId', 'unknown hazard ' .. e.hazardId }
      end
      if not legal(from, e.status) then
        return { 'conflict', i - 1, 'status', 'hazard ' .. e.hazardId .. ' cannot move from ' .. from .. ' to ' .. e.status }
      end
      hazardStatus[e.hazardId] = e.status
    elseif t == 'inspection.completed' or t == 'accident.reported' then
      local entity = (t == 'accident.reported') and ('acc:' .. e.accidentId) or ('insp:' .. e.inspectionId)
      if entityTaken[entity] or redis.call('EXISTS', key(entity)) == 1 then
        local field = (t == 'accident.reported') and 'accidentId' or 'inspectionId'
        return { 'conflict', i - 1, field, field .. ' ' .. (e.accidentId or e.inspectionId) .. ' was already reported' }
      end
      entityTaken[entity] = true
    elseif t == 'enterprise.registered' then
      enterpriseKnown[e.enterpriseId] = true
    elseif t == 'enterprise.work' then
      if not enterpriseKnown[e.enterpriseId] and redis.call('EXISTS', key('ent:' .. e.enterpriseId)) == 0 then
        return { 'conflict', i - 1, 'enterpriseId', 'enterprise ' .. e.enterpriseId .. ' is not registered' }
      end
    end
  end
end

-- Pass 2: apply.
local appliers = {}

appliers['hazard.reported'] = function(e, it, feed)
  local hk = key('hz:' .. e.hazardId)
  redis.call('HSET', hk, 'status', 'reported', 'town', e.town, 'domain', e.domain, 'grade', e.grade,
    'title', e.title, 'deadline', it.deadlineMs, 'reportedAt', e.at, 'overdue', '0',
    'industry', e.industry or '', 'enterprise', e.enterprise or '', 'source', e.source or '')
  redis.call('ZADD', key('due'), it.deadlineMs, e.hazardId)
  redis.call('ZADD', key('open'), it.atMs, e.hazardId)
  bumpNow(cell('hz.reported', e.town, e.domain, e.grade), 1)
  count(it, cell('hz.found', e.town, e.domain, e.grade), 1)
  bumpDaily(it.day, 'found', 1)
end

appliers['hazard.status'] = function(e, it, feed)
  local hk = key('hz:' .. e.hazardId)
  local h = redis.call('HMGET', hk, 'status', 'town', 'domain', 'grade', 'title', 'deadline', 'overdue')
  local from, town, domain, grade, overdue = h[1], h[2], h[3], h[4], h[7] == '1'
  feed.town, feed.domain, feed.grade, feed.title = town, domain, grade, h[5]
  bumpNow(cell('hz.' .. from, town, domain, grade), -1)
  if e.status ~= 'closed' then bumpNow(cell('hz.' .. e.status, town, domain, grade), 1) end
  if e.status == 'awaiting_acceptance' or e.status == 'closed' then
    -- the deadline stops running: out of `due`, and out of the overdue gauges
    redis.call('ZREM', key('due'), e.hazardId)
    if overdue then
      redis.call('ZREM', key('overdue'), e.hazardId)
      redis.call('HSET', hk, 'overdue', '0')
      bumpNow(cell('hz.overdue', town, domain, grade), -1)
      overdueChanged = true
    end
  elseif from == 'awaiting_acceptance' then
    -- failed acceptance: the deadline runs again; the tick marks it overdue if it has passed
    redis.call('ZADD', key('due'), h[6], e.hazardId)
  elseif overdue then
    overdueChanged = true -- its status shows in the overdue list
  end
  if e.status == 'closed' then
    count(it, cell('hz.closed', town, domain, grade), 1)
    bumpDaily(it.day, 'closed', 1)
    redis.call('HSET', hk, 'closedAt', e.at)
    redis.call('ZREM', key('open'), e.hazardId)
  end
  redis.call('HSET', hk, 'status', e.status)
end

appliers['inspection.completed'] = function(e, it)
  redis.call('SET', key('insp:' .. e.inspectionId), it.seq)
  count(it, cell('insp', e.town, e.domain), 1)
  count(it, cell('insp.hazards', e.town, e.domain), e.hazardsFound)
  bumpDaily(it.day, 'insp', 1)
end

appliers['accident.reported'] = function(e, it, feed)
  redis.call('SET', key('acc:' .. e.accidentId), it.raw)
  feed.grade = it.grade
  count(it, cell('acc', e.town, e.domain, it.grade), 1)
  count(it, cell('acc.deaths', e.town, e.domain, it.grade), e.deaths)
  count(it, cell('acc.injuries', e.town, e.domain, it.grade), e.seriousInjuries)
  count(it, cell('acc.loss', e.town, e.domain, it.grade), e.directLossYuan)
  bumpDaily(it.day, 'acc', 1)
  bumpDaily(it.day, 'acc.deaths', e.deaths)
  bumpDaily(it.day, 'acc.injuries', e.seriousInjuries)
  if it.significant then bumpDaily(it.day, 'acc.sig', 1) end
end

-- Moves an enterprise's work-state gauges: -1 for what it was, +1 for what it is.
local function workGauges(town, domain, state, noCheck, by)
  if state == 'stopped' or state == 'resumed' then bumpNow(cell('ent.' .. state, town, domain), by) end
  if noCheck == '1' then bumpNow(cell('ent.resumed_nocheck', town, domain), by) end
end

appliers['enterprise.registered'] = function(e, it)
  local ek = key('ent:' .. e.enterpriseId)
  local old = redis.call('HMGET', ek, 'town', 'domain', 'riskLevel', 'work', 'noCheck')
  if old[1] then
    bumpNow(cell('ent.risk', old[1], old[2], old[3]), -1)
    workGauges(old[1], old[2], old[4], old[5], -1)
    workGauges(e.town, e.domain, old[4], old[5], 1)
  end
  redis.call('HSET', ek, 'name', e.name, 'town', e.town, 'domain', e.domain, 'riskLevel', e.riskLevel,
    'industry', e.industry or '')
  bumpNow(cell('ent.risk', e.town, e.domain, e.riskLevel), 1)
end

appliers['enterprise.work'] = function(e, it, feed)
  local ek = key('ent:' .. e.enterpriseId)
  local old = redis.call('HMGET', ek, 'name', 'town', 'domain', 'work', 'noCheck')
  feed.name, feed.town, feed.domain = old[1], old[2], old[3]
  local noCheck = (e.state == 'resumed' and not e.preCheckDone) and '1' or '0'
  workGauges(old[2], old[3], old[4], old[5], -1)
  workGauges(old[2], old[3], e.state, noCheck, 1)
  redis.call('HSET', ek, 'work', e.state, 'noCheck', noCheck)
end

local first = tonumber(redis.call('GET', key('seq')) or '0') + 1
local seq = first - 1
local feed = {}
local result = { 'ok', 0 }
for i, it in ipairs(items) do
  if duplicate[i] then
    result[#result + 1] = i - 1
  else
    local e = it.e
    seq = redis.call('INCR', key('seq'))
    it.seq = seq
    redis.call('SET', key('ev:' .. e.id), seq, 'EX', cfg.dedupeSeconds)
    logEntry(seq, it.raw)
    local item = it.feed
    item.seq = seq
    appliers[e.type](e, it, item)
    local json = cjson.encode(item)
    redis.call('LPUSH', key('feed'), json)
    table.insert(feed, 1, json) -- newest first
  end
end
result[2] = seq
if seq >= first then
  redis.call('LTRIM', key('feed'), 0, cfg.feedKeep - 1)
  publish(cfg, first, seq, asOf, feed)
end
return result
