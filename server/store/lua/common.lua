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

-- The oldest overdue hazards, as the wall lists them.
local function overdueList(limit)
  local ids = redis.call('ZRANGE', key('overdue'), 0, limit - 1, 'WITHSCORES')
  local list = {}
  for i = 1, #ids, 2 do
    local h = redis.call('HMGET', key('hz:' .. ids[i]), 'title', 'town', 'domain', 'grade', 'status')
    list[#list + 1] = cjson.encode({
      hazardId = ids[i], title = h[1], town = h[2], domain = h[3], grade = h[4], status = h[5],
      deadline = tonumber(ids[i + 1]),
    })
  end
  return '[' .. table.concat(list, ',') .. ']'
end

-- Appends one log entry: the events (JSON texts) numbered lastSeq - #events + 1 .. lastSeq, as one
-- JSON array under id `<lastSeq>-1`. One entry per batch, not per event: one call instead of one per
-- event, and a replay of the entry reproduces the batch as it was applied.
local function logEntry(lastSeq, events)
  redis.call('XADD', key('log'), string.format('%d-1', lastSeq), 'e', '[' .. table.concat(events, ',') .. ']')
end

local function publish(cfg, from, seq, asOf, feed)
  local parts = {
    '"from":' .. from, '"seq":' .. seq, '"asOf":' .. asOf,
    '"now":' .. cjson.encode(changes.now), '"day":' .. cjson.encode(changes.day),
    '"year":' .. cjson.encode(changes.year), '"daily":' .. cjson.encode(changes.daily),
    '"feed":[' .. table.concat(feed, ',') .. ']',
  }
  if overdueChanged then parts[#parts + 1] = '"overdue":' .. overdueList(cfg.overdueLength) end
  redis.call('PUBLISH', key('updates'), '{' .. table.concat(parts, ',') .. '}')
end
