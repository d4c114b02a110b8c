-- Shared by every Lookout script. KEYS[1] is the region's `seq` key, e.g. `lk:{321283}:seq`;
-- every other key is the same prefix plus a suffix, so all live in the region's one cluster slot.
local prefix = string.sub(KEYS[1], 1, -4)
local function key(suffix) return prefix .. suffix end

-- Changes made by this script, as absolute values, for the publish (DESIGN.md "Wire protocol").
local changes = { now = {}, day = {}, year = {}, daily = {} }
local overdueChanged = false

-- Counter changes are summed here and written by writeCounts(), once per field: a batch of 500
-- events touches each cell once, not once per event. A field whose sum is 0 is not written at all.
local pendingCounts, countIndex = {}, {}

-- countIndex[hashKey][field] is the pending entry of that field (nested tables: no key string is
-- built per bump).
local function addCount(hashKey, field, by, scope, period)
  if by == 0 then return end
  local fields = countIndex[hashKey]
  if not fields then fields = {}; countIndex[hashKey] = fields end
  local entry = fields[field]
  if not entry then
    entry = { hashKey = hashKey, field = field, scope = scope, period = period, by = 0 }
    fields[field] = entry
    pendingCounts[#pendingCounts + 1] = entry
  end
  entry.by = entry.by + by
end

local nowKey = key('now')
local function bumpNow(field, by)
  addCount(nowKey, field, by, 'now')
end

-- The key of each scope's period hash, built once per script run.
local periodKeys = { day = {}, year = {} }
local function bumpPeriod(scope, period, field, by)
  local hashKey = periodKeys[scope][period]
  if not hashKey then hashKey = key(scope .. ':' .. period); periodKeys[scope][period] = hashKey end
  addCount(hashKey, field, by, scope, period)
end

-- A counter of something that happened: in its day's and its year's hash.
local function count(it, field, by)
  bumpPeriod('day', it.day, field, by)
  bumpPeriod('year', it.year, field, by)
end

local dailyKey = key('daily')
local function bumpDaily(day, name, by)
  addCount(dailyKey, day .. '|' .. name, by, 'daily')
end

-- A per-day total of the city and the same of one town (`<day>|<name>|<town>`, shared/cells.ts
-- TOWN_DAILY): a town's page shows its own trend and last year's same period.
local function bumpDailyTown(day, name, town, by)
  bumpDaily(day, name, by)
  bumpDaily(day, name .. '|' .. town, by)
end

local function noteChange(c, v)
  if c.period then
    local bucket = changes[c.scope][c.period]
    if not bucket then bucket = {}; changes[c.scope][c.period] = bucket end
    bucket[c.field] = v
  else
    changes[c.scope][c.field] = v
  end
end

-- Beyond 2^53 a Lua number is no longer an exact integer: such fields are left to HINCRBY.
local EXACT = 9007199254740992
-- Arguments per call: unpack() is limited to a few thousand values.
local SLICE = 1000

-- Writes the summed counters; their new absolute values go into `changes` for the publish. A hash
-- with a few changed fields gets one HINCRBY each; one with more is read once (HMGET), and written
-- once (HSET, and HDEL for the fields that reach 0), since each call costs more than each field.
local function writeCounts()
  local byHash, hashOrder = {}, {}
  for _, c in ipairs(pendingCounts) do
    if c.by ~= 0 then
      local list = byHash[c.hashKey]
      if not list then list = {}; byHash[c.hashKey] = list; hashOrder[#hashOrder + 1] = c.hashKey end
      list[#list + 1] = c
    end
  end
  for _, hashKey in ipairs(hashOrder) do
    local list = byHash[hashKey]
    if #list <= 2 then
      for _, c in ipairs(list) do
        local v = redis.call('HINCRBY', hashKey, c.field, c.by)
        if v == 0 then redis.call('HDEL', hashKey, c.field) end
        noteChange(c, v)
      end
    else
      local old = {}
      for j = 1, #list, SLICE do
        local fields = {}
        for i = j, math.min(j + SLICE - 1, #list) do fields[#fields + 1] = list[i].field end
        for _, v in ipairs(redis.call('HMGET', hashKey, unpack(fields))) do old[#old + 1] = v end
      end
      local sets, dels = {}, {}
      for i, c in ipairs(list) do
        local before = tonumber(old[i] or '0')
        local v = before + c.by
        if math.abs(before) >= EXACT or math.abs(v) >= EXACT then
          v = redis.call('HINCRBY', hashKey, c.field, c.by)
          if v == 0 then redis.call('HDEL', hashKey, c.field) end
        elseif v == 0 then
          dels[#dels + 1] = c.field
        else
          sets[#sets + 1] = c.field
          sets[#sets + 1] = string.format('%d', v)
        end
        noteChange(c, v)
      end
      for j = 1, #sets, 2 * SLICE do redis.call('HSET', hashKey, unpack(sets, j, math.min(j + 2 * SLICE - 1, #sets))) end
      for j = 1, #dels, SLICE do redis.call('HDEL', hashKey, unpack(dels, j, math.min(j + SLICE - 1, #dels))) end
    end
  end
  pendingCounts, countIndex = {}, {}
end

local function cell(metric, town, domain, grade)
  return metric .. '|' .. town .. '|' .. domain .. '|' .. (grade or '-')
end

-- Hazards and enterprises live as one field each of one hash (`hazards`, `enterprises`), so a
-- batch reads all it names with one HMGET and writes them with one HSET, whatever its size. A field
-- holds what the rules and the gauges need, '|'-separated with the only free text (title, name) last;
-- server/store/records.ts reads the same format.
--   hazards[id]     = status|deadline state (1: overdue, s: due soon, 0: neither)|deadline ms|town|domain|grade|title
--   enterprises[id] = riskLevel|work (stopped/resumed/'')|noCheck (1/0)|town|domain|industry|name
local function decodeHazard(s)
  if not s then return false end
  local status, overdue, deadline, town, domain, grade, title = string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return { status = status, overdue = overdue == '1', soon = overdue == 's', deadline = deadline, town = town, domain = domain, grade = grade, title = title }
end

local function encodeHazard(h)
  return h.status .. '|' .. (h.overdue and '1' or (h.soon and 's' or '0')) .. '|' .. h.deadline .. '|' .. h.town .. '|' .. h.domain .. '|' .. h.grade .. '|' .. h.title
end

local function decodeEnterprise(s)
  if not s then return false end
  local riskLevel, work, noCheck, town, domain, industry, name = string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return { riskLevel = riskLevel, work = work, noCheck = noCheck, town = town, domain = domain, industry = industry, name = name }
end

local function encodeEnterprise(ent)
  return ent.riskLevel .. '|' .. ent.work .. '|' .. ent.noCheck .. '|' .. ent.town .. '|' .. ent.domain .. '|' .. ent.industry .. '|' .. ent.name
end

-- HMGET of many fields of one hash, in slices (unpack has a stack limit of a few thousand values).
local function hmgetAll(hashKey, fields)
  local values = {}
  for j = 1, #fields, 1000 do
    for _, v in ipairs(redis.call('HMGET', hashKey, unpack(fields, j, math.min(j + 999, #fields)))) do
      values[#values + 1] = v
    end
  end
  return values
end

-- HSET of field, value pairs (a flat list), in slices.
local function hsetAll(hashKey, flat)
  for j = 1, #flat, 2000 do redis.call('HSET', hashKey, unpack(flat, j, math.min(j + 1999, #flat))) end
end

-- The oldest overdue hazards, as the wall lists them.
local function overdueList(limit)
  local scored = redis.call('ZRANGE', key('overdue'), 0, limit - 1, 'WITHSCORES')
  local ids = {}
  for i = 1, #scored, 2 do ids[#ids + 1] = scored[i] end
  local list = {}
  for i, state in ipairs(hmgetAll(key('hazards'), ids)) do
    local h = decodeHazard(state)
    list[#list + 1] = cjson.encode({
      hazardId = ids[i], title = h.title, town = h.town, domain = h.domain, grade = h.grade, status = h.status,
      deadline = tonumber(scored[2 * i]),
    })
  end
  return '[' .. table.concat(list, ',') .. ']'
end

-- Appends one log entry: the events (JSON texts) numbered lastSeq - #events + 1 .. lastSeq, each an
-- `e` field of the entry `<lastSeq>-1`. One entry per batch: one call, not one per event, and a replay
-- of the entry reproduces the batch as it was applied. (Fields, not one JSON array: joining 500
-- events into one string cost Lua more than the rest of the log.)
-- `appliedAt` (ms), when given, goes first as the field `a`: what the batch was judged against
-- (the ticker's horizon), for a replay to judge it the same.
-- `logExtras`: functions that may add one field, value pair after it (alarms.lua: the alarms raised).
local logExtras = {}
local function logEntry(lastSeq, events, appliedAt)
  local args = { key('log'), string.format('%d-1', lastSeq) }
  if appliedAt then
    args[3] = 'a'
    args[4] = appliedAt
  end
  for _, extra in ipairs(logExtras) do
    local field, value = extra()
    if field then
      args[#args + 1] = field
      args[#args + 1] = value
    end
  end
  for _, json in ipairs(events) do
    args[#args + 1] = 'e'
    args[#args + 1] = json
  end
  redis.call('XADD', unpack(args))
end

-- Functions that may add one more `"name":value` part to the publish (alarms.lua: the open alarms).
local publishExtras = {}
local function publish(cfg, from, seq, asOf, ticker)
  local parts = {
    '"from":' .. from, '"seq":' .. seq, '"asOf":' .. asOf,
    '"now":' .. cjson.encode(changes.now), '"day":' .. cjson.encode(changes.day),
    '"year":' .. cjson.encode(changes.year), '"daily":' .. cjson.encode(changes.daily),
    '"ticker":[' .. table.concat(ticker, ',') .. ']',
  }
  if overdueChanged then parts[#parts + 1] = '"overdue":' .. overdueList(cfg.overdueLength) end
  for _, extra in ipairs(publishExtras) do
    local part = extra(cfg)
    if part then parts[#parts + 1] = part end
  end
  -- SPUBLISH on a Redis Cluster: a PUBLISH there is copied to every node of the cluster.
  redis.call(cfg.publish or 'PUBLISH', key('updates'), '{' .. table.concat(parts, ',') .. '}')
end
