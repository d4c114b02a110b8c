-- Applies a checked batch atomically and exactly once (DESIGN.md guarantees 1 and 2).
-- ARGV[1]: JSON config { transitions, dedupeSeconds, tickerKeep, tickerPublish, tickerMaxAgeMs, overdueLength, logAppliedAt? }
-- ARGV[2]: the apply time in ms (asOf)
-- ARGV[3]: JSON array of the towns the writer may write for, or '' for every town
-- ARGV[4]: JSON array of what JS worked out for each event { atMs, day, year, deadlineMs?, grade?, significant? }
-- ARGV[4 + i]: event i exactly as logged (JSON)
-- Returns { 'ok', seq, duplicate indexes... }, { 'conflict', index, field, code, params JSON } or
-- { 'foreign', index, field, town } (a town the writer may not write for): nothing written unless ok.
--
-- Cost: a redis.call costs about as much as decoding a small event, so the script makes none per
-- event. Event ids are deduped with one SMISMEMBER per period checked for the whole batch and one
-- SADD at the end; the hazards, enterprises and entity ids a batch names are read with one HMGET or
-- MGET each before anything else and written with one HSET or MSET at the end; counters and
-- sorted-set changes are summed over the batch and written once per field or member. Each event is
-- decoded once, and only the ticker lines anyone will read are built and encoded.
local cfg = cjson.decode(ARGV[1])
local asOf = ARGV[2]
local items = cjson.decode(ARGV[4])
for i, it in ipairs(items) do
  it.raw = ARGV[4 + i]
  it.e = cjson.decode(it.raw)
end

-- Everything the batch names, read up front: the hazards and enterprises as pass 2 will find them
-- (tables as decodeHazard/decodeEnterprise make them, or false), and the entity ids already taken.
local hazards, enterprises, taken = {}, {}, {}
do
  -- A list of distinct values, and the function that adds one.
  local function distinct()
    local values, has = {}, {}
    return values, function(v)
      if not has[v] then has[v] = true; values[#values + 1] = v end
    end
  end
  local hazardIds, addHazard = distinct()
  local enterpriseIds, addEnterprise = distinct()
  local claimKeys, addClaim = distinct()
  for _, it in ipairs(items) do
    local e = it.e
    if e.hazardId then addHazard(e.hazardId) end
    if e.enterpriseId then addEnterprise(e.enterpriseId) end
    if e.type == 'inspection.completed' then addClaim(key('insp:' .. e.inspectionId)) end
    if e.type == 'accident.reported' then addClaim(key('acc:' .. e.accidentId)) end
  end
  for i, state in ipairs(hmgetAll(key('hazards'), hazardIds)) do hazards[hazardIds[i]] = decodeHazard(state) end
  for i, state in ipairs(hmgetAll(key('enterprises'), enterpriseIds)) do enterprises[enterpriseIds[i]] = decodeEnterprise(state) end
  prefetchAlarms(items)
  for j = 1, #claimKeys, SLICE do
    local values = redis.call('MGET', unpack(claimKeys, j, math.min(j + SLICE - 1, #claimKeys)))
    for n = 1, math.min(SLICE, #claimKeys - j + 1) do
      if values[n] then taken[claimKeys[j + n - 1]] = true end
    end
  end
end
mandates.prefetch(items)
campaigns.prefetch(items)

-- Pass 1: dedupe, number the new events, and check every state rule against what was read and
-- against earlier events of the batch. Nothing is written until every event has passed.
local duplicate = {}
local claims = {} -- entity id key, value: written by MSET once the batch is accepted
local enterpriseKnown = {}
local first = tonumber(redis.call('GET', key('seq')) or '0') + 1
local seq = first - 1

-- A refusal by its code and params (shared/api/error-codes.ts), which the server words.
local function refuse(i, field, code, params)
  return { 'conflict', i - 1, field, code, cjson.encode(params) }
end

-- A writer limited to some towns (a town's reporter) writes only there. Judged here, against the
-- hazards and enterprises as this script finds them, so no write between a check and the apply can
-- move a change into another town (issue 16.6).
local allowedTowns = false
if ARGV[3] ~= '' then
  allowedTowns = {}
  for _, t in ipairs(cjson.decode(ARGV[3])) do allowedTowns[t] = true end
end
-- The first town of `towns` the writer may not write for, or nil.
local function foreignTown(...)
  if not allowedTowns then return nil end
  for _, t in ipairs({ ... }) do
    if t and not allowedTowns[t] then return t end
  end
  return nil
end

local function claim(k, value)
  if taken[k] then return false end
  taken[k] = true
  claims[#claims + 1] = k
  claims[#claims + 1] = value
  return true
end

-- Status moves checked in pass 1, per hazard (pass 2 replays them on `hazards`).
local checkedStatus = {}
local function currentHazardStatus(id)
  if checkedStatus[id] == nil then
    local h = hazards[id]
    checkedStatus[id] = h and h.status or false
  end
  return checkedStatus[id]
end
-- The town of each hazard and enterprise as pass 1 leaves it (reported or registered earlier in the
-- batch, else as read), for the town limit.
local batchHazardTown, batchEnterpriseTown = {}, {}
local function hazardTown(id)
  return batchHazardTown[id] or (hazards[id] and hazards[id].town) or nil
end
local function enterpriseTown(id)
  return batchEnterpriseTown[id] or (enterprises[id] and enterprises[id].town) or nil
end

-- Dedupe memory: the ids applied in each period of dedupeSeconds are one set, kept for two periods,
-- so an id is remembered for at least dedupeSeconds. A repeat of an id, earlier or in this batch,
-- is a duplicate. The next period is checked too: a node whose clock runs ahead may have filed an
-- id there already.
-- Ids are scoped per writer: an event pushed by a token (`by`, its name) is remembered as
-- `<id>/<by>` (ids hold no '/'), so one writer cannot pre-empt another's ids (a ledger's row ids,
-- which anyone with the file can work out). Its own retries, on any node, still meet its own
-- memory. An event with no `by` (AUTH=off) is remembered by its bare id; a token's event is a
-- duplicate of a bare id too (remembered before ids were scoped, or while auth was off).
-- store.ts `dedupeMember` makes the same member.
local function dedupeMember(e)
  if e.by then return e.id .. '/' .. e.by end
  return e.id
end
local period = math.floor(tonumber(asOf) / 1000 / cfg.dedupeSeconds)
local seenKey = key('seen:' .. period)
local known = {}
do
  local ids = {}
  for _, it in ipairs(items) do
    it.member = dedupeMember(it.e)
    ids[#ids + 1] = it.member
    if it.e.by then ids[#ids + 1] = it.e.id end
  end
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
  if known[it.member] or (e.by and known[e.id]) then
    duplicate[i] = true
  else
    known[it.member] = true
    fresh[#fresh + 1] = it.member
    seq = seq + 1
    it.seq = seq
    local t = e.type
    if e.town and foreignTown(e.town) and t ~= 'enterprise.registered' then
      return { 'foreign', i - 1, 'town', e.town }
    end
    if t == 'hazard.reported' then
      if currentHazardStatus(e.hazardId) then
        return refuse(i, 'hazardId', 'already_reported', { field = 'hazardId', id = e.hazardId })
      end
      checkedStatus[e.hazardId] = 'reported'
      batchHazardTown[e.hazardId] = e.town
    elseif t == 'hazard.status' then
      local from = currentHazardStatus(e.hazardId)
      if not from then
        return refuse(i, 'hazardId', 'unknown_hazard', { hazardId = e.hazardId })
      end
      local foreign = foreignTown(hazardTown(e.hazardId))
      if foreign then return { 'foreign', i - 1, 'hazardId', foreign } end
      if not legal(from, e.status) then
        return refuse(i, 'status', 'illegal_move', { hazardId = e.hazardId, from = from, to = e.status })
      end
      checkedStatus[e.hazardId] = e.status
    elseif t == 'inspection.completed' then
      if not claim(key('insp:' .. e.inspectionId), seq) then
        return refuse(i, 'inspectionId', 'already_reported', { field = 'inspectionId', id = e.inspectionId })
      end
    elseif t == 'accident.reported' then
      if not claim(key('acc:' .. e.accidentId), seq) then
        return refuse(i, 'accidentId', 'already_reported', { field = 'accidentId', id = e.accidentId })
      end
    elseif t == 'alarm.acknowledged' then
      local code, params = ackRefusal(e.alarmId)
      if code then return refuse(i, 'alarmId', code, params) end
    elseif t == 'enterprise.registered' then
      -- Re-registering moves an enterprise: the town it leaves must be the writer's too.
      local left = foreignTown(enterpriseTown(e.enterpriseId))
      if left then return { 'foreign', i - 1, 'enterpriseId', left } end
      if foreignTown(e.town) then return { 'foreign', i - 1, 'town', e.town } end
      enterpriseKnown[e.enterpriseId] = true
      batchEnterpriseTown[e.enterpriseId] = e.town
    elseif t == 'enterprise.work' then
      if not enterpriseKnown[e.enterpriseId] and not enterprises[e.enterpriseId] then
        return refuse(i, 'enterpriseId', 'unregistered_enterprise', { enterpriseId = e.enterpriseId })
      end
      local foreign = foreignTown(enterpriseTown(e.enterpriseId))
      if foreign then return { 'foreign', i - 1, 'enterpriseId', foreign } end
    elseif mandates.types[t] then
      local field, code, params = mandates.check(e, function(id) return enterpriseKnown[id] or enterprises[id] end)
      if field then return refuse(i, field, code, params) end
      -- A score is for an enterprise: it must be in the writer's towns, as it stands now.
      if e.enterpriseId then
        local foreign = foreignTown(enterpriseTown(e.enterpriseId))
        if foreign then return { 'foreign', i - 1, 'enterpriseId', foreign } end
      end
      -- A retirement is for the resource's town as it is stored (one registered in this batch was
      -- judged by its own town).
      if t == 'resource.retired' then
        local r = mandates.resources[e.resourceId]
        local foreign = foreignTown(r and r.town)
        if foreign then return { 'foreign', i - 1, 'resourceId', foreign } end
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

-- Pass 2: apply. Hazards and enterprises change in `hazards` and `enterprises`; the ones changed are
-- written at the end, each once.
local appliers = {}
local changedHazards, changedEnterprises = {}, {}
local reports = {} -- hazardId, the hazard.reported event as logged: the record the open-hazards list reads

appliers['hazard.reported'] = function(e, it, ticker)
  hazards[e.hazardId] = { status = 'reported', town = e.town, domain = e.domain, grade = e.grade, title = e.title, deadline = it.deadlineMs, overdue = false }
  changedHazards[#changedHazards + 1] = e.hazardId
  reports[#reports + 1] = e.hazardId
  reports[#reports + 1] = it.raw
  zset('due', e.hazardId, it.deadlineMs)
  zset('open', e.hazardId, it.atMs)
  bumpNow(cell('hz.reported', e.town, e.domain, e.grade), 1)
  count(it, cell('hz.found', e.town, e.domain, e.grade), 1)
  bumpDailyTown(it.day, 'found', e.town, 1)
  campaigns.found(e)
end

appliers['hazard.status'] = function(e, it, ticker)
  local h = hazards[e.hazardId]
  changedHazards[#changedHazards + 1] = e.hazardId
  local from, town, domain, grade, overdue, soon = h.status, h.town, h.domain, h.grade, h.overdue, h.soon
  ticker.town, ticker.domain, ticker.grade, ticker.title = town, domain, grade, h.title
  h.status = e.status
  if e.status == 'awaiting_acceptance' or e.status == 'closed' then h.overdue, h.soon = false, false end
  bumpNow(cell('hz.' .. from, town, domain, grade), -1)
  if e.status ~= 'closed' then bumpNow(cell('hz.' .. e.status, town, domain, grade), 1) end
  if e.status == 'awaiting_acceptance' or e.status == 'closed' then
    -- the deadline stops running: out of `due` or `soon`, and out of the due-soon and overdue gauges
    zset('due', e.hazardId, nil)
    if soon then
      zset('soon', e.hazardId, nil)
      bumpNow(cell('hz.duesoon', town, domain, grade), -1)
    end
    if overdue then
      zset('overdue', e.hazardId, nil)
      bumpNow(cell('hz.overdue', town, domain, grade), -1)
      overdueChanged = true
    end
  elseif from == 'awaiting_acceptance' then
    -- failed acceptance: the deadline runs again; the tick marks it due soon or overdue as it nears
    zset('due', e.hazardId, h.deadline)
  elseif overdue then
    overdueChanged = true -- its status shows in the overdue list
  end
  if e.status == 'closed' then
    count(it, cell('hz.closed', town, domain, grade), 1)
    bumpDailyTown(it.day, 'closed', town, 1)
    zset('open', e.hazardId, nil)
    campaigns.closed(e.hazardId, town)
  end
end

appliers['inspection.completed'] = function(e, it)
  count(it, cell('insp', e.town, e.domain), 1)
  count(it, cell('insp.hazards', e.town, e.domain), e.hazardsFound)
  bumpDaily(it.day, 'insp', 1)
end

local accidentRecords = {} -- accidentId, the accident.reported event as logged: the wall's accident list
appliers['accident.reported'] = function(e, it, ticker)
  ticker.grade = it.grade
  accidentRecords[#accidentRecords + 1] = e.accidentId
  accidentRecords[#accidentRecords + 1] = it.raw
  count(it, cell('acc', e.town, e.domain, it.grade), 1)
  count(it, cell('acc.deaths', e.town, e.domain, it.grade), e.deaths)
  count(it, cell('acc.injuries', e.town, e.domain, it.grade), e.seriousInjuries)
  count(it, cell('acc.loss', e.town, e.domain, it.grade), e.directLossYuan)
  bumpDailyTown(it.day, 'acc', e.town, 1)
  bumpDailyTown(it.day, 'acc.deaths', e.town, e.deaths)
  bumpDaily(it.day, 'acc.injuries', e.seriousInjuries)
  if it.significant then bumpDaily(it.day, 'acc.sig', 1) end
end

-- Moves an enterprise's work-state gauges: -1 for what it was, +1 for what it is.
local function workGauges(town, domain, state, noCheck, by)
  if state == 'stopped' or state == 'resumed' then bumpNow(cell('ent.' .. state, town, domain), by) end
  if noCheck == '1' then bumpNow(cell('ent.resumed_nocheck', town, domain), by) end
end

appliers['enterprise.registered'] = function(e, it)
  local old = enterprises[e.enterpriseId]
  if old then
    bumpNow(cell('ent.risk', old.town, old.domain, old.riskLevel), -1)
    workGauges(old.town, old.domain, old.work, old.noCheck, -1)
    workGauges(e.town, e.domain, old.work, old.noCheck, 1)
  end
  enterprises[e.enterpriseId] = { name = e.name, town = e.town, domain = e.domain, riskLevel = e.riskLevel,
    industry = e.industry or '', work = old and old.work or '', noCheck = old and old.noCheck or '0' }
  changedEnterprises[#changedEnterprises + 1] = e.enterpriseId
  -- The index of enterprises (the entry page's picker): all score 0, so it lists them by id.
  zset('ents', e.enterpriseId, 0)
  bumpNow(cell('ent.risk', e.town, e.domain, e.riskLevel), 1)
end

appliers['enterprise.work'] = function(e, it, ticker)
  local ent = enterprises[e.enterpriseId]
  ticker.name, ticker.town, ticker.domain = ent.name, ent.town, ent.domain
  local noCheck = (e.state == 'resumed' and not e.preCheckDone) and '1' or '0'
  workGauges(ent.town, ent.domain, ent.work, ent.noCheck, -1)
  workGauges(ent.town, ent.domain, e.state, noCheck, 1)
  ent.work, ent.noCheck = e.state, noCheck
  changedEnterprises[#changedEnterprises + 1] = e.enterpriseId
  campaigns.work(e, ent.town, noCheck)
end

appliers['alarm.acknowledged'] = function(e, it)
  acknowledgeAlarm(e, it.seq)
end

-- What a ticker line (TickerItem in shared/protocol.ts) shows of each type of event, besides its seq,
-- `at` and `type` and what the applier adds (a status change's hazard, an accident's grade...).
local TICKER_FIELDS = {
  ['hazard.reported'] = { 'hazardId', 'town', 'domain', 'grade', 'title' },
  ['hazard.status'] = { 'hazardId', 'status' },
  ['inspection.completed'] = { 'town', 'domain', 'hazardsFound' },
  ['accident.reported'] = { 'town', 'domain', 'deaths', 'seriousInjuries', 'title' },
  ['enterprise.registered'] = { 'town', 'domain', 'name', 'riskLevel' },
  ['enterprise.work'] = { 'state', 'preCheckDone' },
}
mandates.addAppliers(appliers, enterprises)

-- What the appliers add to a ticker line (a status change's hazard, an accident's grade...).
local tickerExtras = {}
-- Events that happened before this get no ticker line (see below).
local tickerSince = tonumber(asOf) - cfg.tickerMaxAgeMs
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
    if it.alarm then raiseEventAlarm(e, it, asOf) end
    -- The ticker is what is happening now: an event from longer ago (a ledger's history, a backfill)
    -- counts everywhere else but takes no ticker line from the live ones. An acknowledgement is none.
    if tonumber(it.atMs) >= tickerSince and TICKER_FIELDS[e.type] and not mandates.types[e.type] then
      tickerExtras[#tickerExtras + 1] = extra
    end
  end
end

-- The ticker line of event `index`, with what the applier added. Built only for the lines kept.
local function tickerLine(extra)
  local e = items[extra.index].e
  local line = { at = e.at, type = e.type }
  for _, f in ipairs(TICKER_FIELDS[e.type]) do line[f] = e[f] end
  if e.type == 'inspection.completed' then line.name = e.enterprise end
  for k, v in pairs(extra) do
    if k ~= 'index' then line[k] = v end
  end
  return cjson.encode(line)
end

if seq >= first then
  redis.call('SET', key('seq'), seq)
  -- The apply time is logged unless the replay of an entry logged without it asks not to.
  logEntry(seq, logged, cfg.logAppliedAt ~= false and asOf or nil)
  for j = 1, #fresh, SLICE do redis.call('SADD', seenKey, unpack(fresh, j, math.min(j + SLICE - 1, #fresh))) end
  -- Gone two periods after its own began, by the same clock as asOf (relative, as Redis's may differ).
  redis.call('EXPIRE', seenKey, math.ceil((period + 2) * cfg.dedupeSeconds - tonumber(asOf) / 1000))
  writeCounts()
  writeZsets()
  -- Each changed hazard and enterprise as it ended the batch (an id listed twice is written twice, the same).
  local states = {}
  for _, id in ipairs(changedHazards) do states[#states + 1] = id; states[#states + 1] = encodeHazard(hazards[id]) end
  hsetAll(key('hazards'), states)
  states = {}
  for _, id in ipairs(changedEnterprises) do states[#states + 1] = id; states[#states + 1] = encodeEnterprise(enterprises[id]) end
  hsetAll(key('enterprises'), states)
  hsetAll(key('hazard-reports'), reports)
  hsetAll(key('accidents'), accidentRecords)
  mandates.write()
  campaigns.write()
  for j = 1, #claims, 2 * SLICE do redis.call('MSET', unpack(claims, j, math.min(j + 2 * SLICE - 1, #claims))) end
  -- The ticker list keeps the newest tickerKeep items: only those are encoded and pushed (oldest
  -- first, so the newest ends at the head); the publish carries the newest tickerPublish.
  local pushed = {}
  for j = math.max(1, #tickerExtras - cfg.tickerKeep + 1), #tickerExtras do pushed[#pushed + 1] = tickerLine(tickerExtras[j]) end
  if #pushed > 0 then
    redis.call('LPUSH', key('ticker'), unpack(pushed))
    redis.call('LTRIM', key('ticker'), 0, cfg.tickerKeep - 1)
  end
  local ticker = {}
  for j = #pushed, math.max(1, #pushed - cfg.tickerPublish + 1), -1 do ticker[#ticker + 1] = pushed[j] end
  publish(cfg, first, seq, asOf, ticker)
end
return result
