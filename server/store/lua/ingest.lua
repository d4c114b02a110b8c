-- Applies a checked batch atomically and exactly once (DESIGN.md guarantees 1 and 2).
-- ARGV[1]: JSON config { transitions, dedupeSeconds, feedKeep, feedPublish, overdueLength }
-- ARGV[2]: the apply time in ms (asOf)
-- ARGV[3]: JSON array of what JS worked out for each event { atMs, day, year, deadlineMs?, grade?, significant? }
-- ARGV[3 + i]: event i exactly as logged (JSON)
-- Returns { 'ok', seq, duplicate indexes... } or { 'conflict', index, field, reason }: nothing written on conflict.
--
-- Cost: every redis.call costs about two microseconds whatever it does, so the script makes as few
-- per event as it can. Event ids are deduped with one SMISMEMBER per period checked for the whole
-- batch and one SADD at the end; entity ids are claimed with SET NX (check and write in one call;
-- undone if the batch is refused); counters and sorted-set changes are summed over the batch and
-- written once per field or member. Decoding JSON is the other big cost: each event is decoded once, and
-- only the ticker lines anyone will read are built and encoded.
local cfg = cjson.decode(ARGV[1])
local asOf = ARGV[2]
local items = cjson.decode(ARGV[3])
for i, it in ipairs(items) do
  it.raw = ARGV[3 + i]
  it.e = cjson.decode(it.raw)
end

-- Pass 1: dedupe, number the new events, and check every state rule against Redis and against
-- earlier events of the batch. The only writes are the claims in `claimed`, deleted on a conflict.
local duplicate = {}
local claimed = {}
local enterpriseKnown = {}
-- What the batch knows of each hazard it names: read once here, kept current by pass 2.
local hazards = {}
local first = tonumber(redis.call('GET', key('seq')) or '0') + 1
local seq = first - 1

local function refuse(i, field, reason)
  if #claimed > 0 then redis.call('DEL', unpack(claimed)) end
  return { 'conflict', i - 1, field, reason }
end

local function claim(k, value)
  local ok = redis.call('SET', k, value, 'NX')
  if ok then claimed[#claimed + 1] = k end
  return ok
end

-- The hazard as pass 2 will find it: { status, town, domain, grade, title, deadline, overdue }, or false.
local function hazard(id)
  if hazards[id] == nil then
    local h = redis.call('HMGET', key('hz:' .. id), 'status', 'town', 'domain', 'grade', 'title', 'deadline', 'overdue')
    hazards[id] = h[1] and { status = h[1], town = h[2], domain = h[3], grade = h[4], title = h[5], deadline = h[6], overdue = h[7] == '1' } or false
  end
  return hazards[id]
end

-- The enterprise as pass 2 will find it: { name, town, domain, riskLevel, work, noCheck }, or false.
local enterprises = {}
local function enterprise(id)
  if enterprises[id] == nil then
    local r = redis.call('HMGET', key('ent:' .. id), 'name', 'town', 'domain', 'riskLevel', 'work', 'noCheck')
    enterprises[id] = r[2] and { name = r[1], town = r[2], domain = r[3], riskLevel = r[4], work = r[5], noCheck = r[6] } or false
  end
  return enterprises[id]
end

-- Status moves checked in pass 1, per hazard (pass 2 replays them on `hazards`).
local checkedStatus = {}
local function currentHazardStatus(id)
  if checkedStatus[id] == nil then
    local h = hazard(id)
    checkedStatus[id] = h and h.status or false
  end
  return checkedStatus[id]
end

-- Dedupe memory: the ids applied in each period of dedupeSeconds are one set, kept for two periods,
-- so an id is remembered for at least dedupeSeconds. A repeat of an id, earlier or in this batch,
-- is a duplicate. The next period is checked too: a node whose clock runs ahead may have filed an
-- id there already.
local period = math.floor(tonumber(asOf) / 1000 / cfg.dedupeSeconds)
local seenKey = key('seen:' .. period)
local known = {}
do
  local ids = {}
  for i, it in ipairs(items) do ids[i] = it.e.id end
  for _, k in ipairs({ seenKey, key('seen:' .. (period - 1)), key('seen:' .. (period + 1)) }) do
    for j = 1, #ids, SLICE do
      local flags = redis.call('SMISMEMBER', k, unpack(ids, j, math.min(j + SLICE - 1, #ids)))
      for n, flag in ipairs(flags) do
        if flag == 1 then known[ids[j + n - 1]] = true end
      end
    end
  end
end
local fresh = {}

local function legal(from, to)
  for _, s in ipairs(cfg.transitions[from] or {}) do
    if s == to then return true end
  end
  return false
end

for i, it in ipairs(items) do
  local e = it.e
  if known[e.id] then
    duplicate[i] = true
  else
    known[e.id] = true
    fresh[#fresh + 1] = e.id
    seq = seq + 1
    it.seq = seq
    local t = e.type
    if t == 'hazard.reported' then
      if currentHazardStatus(e.hazardId) then
        return refuse(i, 'hazardId', 'hazard ' .. e.hazardId .. ' was already reported')
      end
      checkedStatus[e.hazardId] = 'reported'
    elseif t == 'hazard.status' then
      local from = currentHazardStatus(e.hazardId)
      if not from then
        return refuse(i, 'hazardId', 'unknown hazard ' .. e.hazardId)
      end
      if not legal(from, e.status) then
        return refuse(i, 'status', 'hazard ' .. e.hazardId .. ' cannot move from ' .. from .. ' to ' .. e.status)
      end
      checkedStatus[e.hazardId] = e.status
    elseif t == 'inspection.completed' then
      if not claim(key('insp:' .. e.inspectionId), seq) then
        return refuse(i, 'inspectionId', 'inspectionId ' .. e.inspectionId .. ' was already reported')
      end
    elseif t == 'accident.reported' then
      if not claim(key('acc:' .. e.accidentId), it.raw) then
        return refuse(i, 'accidentId', 'accidentId ' .. e.accidentId .. ' was already reported')
      end
    elseif t == 'enterprise.registered' then
      enterpriseKnown[e.enterpriseId] = true
    elseif t == 'enterprise.work' then
      if not enterpriseKnown[e.enterpriseId] and not enterprise(e.enterpriseId) then
        return refuse(i, 'enterpriseId', 'enterprise ' .. e.enterpriseId .. ' is not registered')
      end
    end
  end
end

-- Sorted-set changes, last one wins per member (a hazard reported and closed in one batch never
-- enters `open`); written once per set by writeZsets.
local zsets, zsetOrder = {}, {}
local function zset(name, member, score)
  local z = zsets[name]
  if not z then
    z = { scores = {}, members = {} }
    zsets[name] = z
    zsetOrder[#zsetOrder + 1] = name
  end
  if z.scores[member] == nil then z.members[#z.members + 1] = member end
  z.scores[member] = score or false
end

local function writeZsets()
  for _, name in ipairs(zsetOrder) do
    local z = zsets[name]
    local adds, removes = {}, {}
    for _, m in ipairs(z.members) do
      local score = z.scores[m]
      if score then
        adds[#adds + 1] = score
        adds[#adds + 1] = m
      else
        removes[#removes + 1] = m
      end
    end
    -- In slices: unpack has a stack limit of a few thousand values.
    for j = 1, #adds, 2000 do redis.call('ZADD', key(name), unpack(adds, j, math.min(j + 1999, #adds))) end
    for j = 1, #removes, 1000 do redis.call('ZREM', key(name), unpack(removes, j, math.min(j + 999, #removes))) end
  end
end

-- Pass 2: apply.
local appliers = {}

appliers['hazard.reported'] = function(e, it, feed)
  hazards[e.hazardId] = { status = 'reported', town = e.town, domain = e.domain, grade = e.grade, title = e.title, deadline = it.deadlineMs, overdue = false }
  redis.call('HSET', key('hz:' .. e.hazardId), 'status', 'reported', 'town', e.town, 'domain', e.domain, 'grade', e.grade,
    'title', e.title, 'deadline', it.deadlineMs, 'reportedAt', e.at, 'overdue', '0',
    'industry', e.industry or '', 'enterprise', e.enterprise or '', 'source', e.source or '')
  zset('due', e.hazardId, it.deadlineMs)
  zset('open', e.hazardId, it.atMs)
  bumpNow(cell('hz.reported', e.town, e.domain, e.grade), 1)
  count(it, cell('hz.found', e.town, e.domain, e.grade), 1)
  bumpDaily(it.day, 'found', 1)
end

appliers['hazard.status'] = function(e, it, feed)
  local hk = key('hz:' .. e.hazardId)
  local h = hazards[e.hazardId]
  local from, town, domain, grade, overdue = h.status, h.town, h.domain, h.grade, h.overdue
  feed.town, feed.domain, feed.grade, feed.title = town, domain, grade, h.title
  h.status = e.status
  if e.status == 'awaiting_acceptance' or e.status == 'closed' then h.overdue = false end
  bumpNow(cell('hz.' .. from, town, domain, grade), -1)
  if e.status ~= 'closed' then bumpNow(cell('hz.' .. e.status, town, domain, grade), 1) end
  if e.status == 'awaiting_acceptance' or e.status == 'closed' then
    -- the deadline stops running: out of `due`, and out of the overdue gauges
    zset('due', e.hazardId, nil)
    if overdue then
      zset('overdue', e.hazardId, nil)
      bumpNow(cell('hz.overdue', town, domain, grade), -1)
      overdueChanged = true
    end
  elseif from == 'awaiting_acceptance' then
    -- failed acceptance: the deadline runs again; the tick marks it overdue if it has passed
    zset('due', e.hazardId, h.deadline)
  elseif overdue then
    overdueChanged = true -- its status shows in the overdue list
  end
  if e.status == 'closed' then
    count(it, cell('hz.closed', town, domain, grade), 1)
    bumpDaily(it.day, 'closed', 1)
    zset('open', e.hazardId, nil)
    redis.call('HSET', hk, 'status', e.status, 'closedAt', e.at, 'overdue', '0')
  elseif overdue and e.status == 'awaiting_acceptance' then
    redis.call('HSET', hk, 'status', e.status, 'overdue', '0')
  else
    redis.call('HSET', hk, 'status', e.status)
  end
end

appliers['inspection.completed'] = function(e, it)
  count(it, cell('insp', e.town, e.domain), 1)
  count(it, cell('insp.hazards', e.town, e.domain), e.hazardsFound)
  bumpDaily(it.day, 'insp', 1)
end

appliers['accident.reported'] = function(e, it, feed)
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
  local old = enterprise(e.enterpriseId)
  if old then
    bumpNow(cell('ent.risk', old.town, old.domain, old.riskLevel), -1)
    workGauges(old.town, old.domain, old.work, old.noCheck, -1)
    workGauges(e.town, e.domain, old.work, old.noCheck, 1)
  end
  enterprises[e.enterpriseId] = { name = e.name, town = e.town, domain = e.domain, riskLevel = e.riskLevel,
    work = old and old.work, noCheck = old and old.noCheck }
  redis.call('HSET', key('ent:' .. e.enterpriseId), 'name', e.name, 'town', e.town, 'domain', e.domain,
    'riskLevel', e.riskLevel, 'industry', e.industry or '')
  -- The index of enterprises (the entry page's picker): all score 0, so it lists them by id.
  zset('ents', e.enterpriseId, 0)
  bumpNow(cell('ent.risk', e.town, e.domain, e.riskLevel), 1)
end

appliers['enterprise.work'] = function(e, it, feed)
  local ent = enterprise(e.enterpriseId)
  feed.name, feed.town, feed.domain = ent.name, ent.town, ent.domain
  local noCheck = (e.state == 'resumed' and not e.preCheckDone) and '1' or '0'
  workGauges(ent.town, ent.domain, ent.work, ent.noCheck, -1)
  workGauges(ent.town, ent.domain, e.state, noCheck, 1)
  ent.work, ent.noCheck = e.state, noCheck
  redis.call('HSET', key('ent:' .. e.enterpriseId), 'work', e.state, 'noCheck', noCheck)
end

-- What the appliers add to a ticker line (a status change's hazard, an accident's grade...).
local feedExtras = {}
local logged = {}
local result = { 'ok', seq }
for i, it in ipairs(items) do
  if duplicate[i] then
    result[#result + 1] = i - 1
  else
    local e = it.e
    logged[#logged + 1] = it.raw
    local extra = { seq = it.seq, index = i }
    appliers[e.type](e, it, extra)
    feedExtras[#feedExtras + 1] = extra
  end
end

-- What a ticker line (FeedItem in shared/protocol.ts) shows of each type of event, besides its seq,
-- `at` and `type` and what the applier adds (a status change's hazard, an accident's grade...).
local FEED_FIELDS = {
  ['hazard.reported'] = { 'hazardId', 'town', 'domain', 'grade', 'title' },
  ['hazard.status'] = { 'hazardId', 'status' },
  ['inspection.completed'] = { 'town', 'domain', 'hazardsFound' },
  ['accident.reported'] = { 'town', 'domain', 'deaths', 'seriousInjuries', 'title' },
  ['enterprise.registered'] = { 'town', 'domain', 'name', 'riskLevel' },
  ['enterprise.work'] = { 'state', 'preCheckDone' },
}

-- The ticker line of event `index`, with what the applier added. Built only for the lines kept.
local function feedLine(extra)
  local e = items[extra.index].e
  local line = { at = e.at, type = e.type }
  for _, f in ipairs(FEED_FIELDS[e.type]) do line[f] = e[f] end
  if e.type == 'inspection.completed' then line.name = e.enterprise end
  for k, v in pairs(extra) do
    if k ~= 'index' then line[k] = v end
  end
  return cjson.encode(line)
end

if seq >= first then
  redis.call('SET', key('seq'), seq)
  logEntry(seq, logged)
  for j = 1, #fresh, SLICE do redis.call('SADD', seenKey, unpack(fresh, j, math.min(j + SLICE - 1, #fresh))) end
  -- Gone two periods after its own began, by the same clock as asOf (relative, as Redis's may differ).
  redis.call('EXPIRE', seenKey, math.ceil((period + 2) * cfg.dedupeSeconds - tonumber(asOf) / 1000))
  writeCounts()
  writeZsets()
  -- The ticker list keeps the newest feedKeep items: only those are encoded and pushed (oldest
  -- first, so the newest ends at the head); the publish carries the newest feedPublish.
  local pushed = {}
  for j = math.max(1, #feedExtras - cfg.feedKeep + 1), #feedExtras do pushed[#pushed + 1] = feedLine(feedExtras[j]) end
  redis.call('LPUSH', key('feed'), unpack(pushed))
  redis.call('LTRIM', key('feed'), 0, cfg.feedKeep - 1)
  local feed = {}
  for j = #pushed, math.max(1, #pushed - cfg.feedPublish + 1), -1 do feed[#feed + 1] = pushed[j] end
  publish(cfg, first, seq, asOf, feed)
end
return result
