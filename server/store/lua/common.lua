-- Shared by every Lookout script. KEYS[1] is the region's `seq` key, e.g. `lk:{321283}:seq`;
-- every other key is the same prefix plus a suffix, so all live in the region's one cluster slot.
local prefix = string.sub(KEYS[1], 1, -4)
local function key(suffix) return prefix .. suffix end

-- Changes made by this script, as absolute values, for the publish (DESIGN.md "Wire protocol").
local changes = { now = {}, day = {}, year = {}, daily = {} }
local overdueChanged = false

local function bumpHash(hashKey, field, by)
  local v = redis.call('HINCRBY', hashKey, field, by)
  if v == 0 then redis.call('HDEL', hashKey, field) end
  return v
end

local function bumpNow(field, by)
  if by == 0 then return end
  changes.now[field] = bumpHash(key('now'), field, by)
end

local function bumpPeriod(scope, period, field, by)
  if by == 0 then return end
  local bucket = changes[scope][period]
  if not bucket then bucket = {}; changes[scope][period] = bucket end
  bucket[field] = bumpHash(key(scope .. ':' .. period), field, by)
end

-- A counter of something that happened: in its day's and its year's hash.
local function count(it, field, by)
  bumpPeriod('day', it.day, field, by)
  bumpPeriod('year', it.year, field, by)
end

local function bumpDaily(day, name, by)
  if by == 0 then return end
  local field = day .. '|' .. name
  changes.daily[field] = bumpHash(key('daily'), field, by)
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

-- Appends one log entry at a new seq.
local function logEntry(seq, json)
  redis.call('XADD', key('log'), tostring(seq) .. '-1', 'e', json)
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
