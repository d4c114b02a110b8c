-- A prototype, not the product: the Redis side of the batch-first ingest design (bench/README.md
-- "Batches of 500"), to measure what it would cost per event before building it. Node would have
-- read the hazards' states, worked out every outcome, summed the counters and built the records;
-- this script only checks that nothing it relied on changed, and writes with a fixed number of
-- calls per batch, whatever the batch size.
-- ARGV, in order: n, n event ids; k, k × (hazardId, state Node expects, new state); m, m ×
-- (hazardId, record); the batch's log entry; h, h × (hash, f, f × (field, increment)); z, z ×
-- (score, member) for `due`; the ticker lines (JSON).
local p = 1
local function nextArg() p = p + 1; return ARGV[p - 1] end

local n = tonumber(nextArg())
local ids = {}
for i = 1, n do ids[i] = nextArg() end
for _, k in ipairs({ 'seen:2', 'seen:1' }) do
  local flags = redis.call('SMISMEMBER', k, unpack(ids))
  for i = 1, n do if flags[i] == 1 then return { 'retry', 'duplicate', i } end end
end

local k = tonumber(nextArg())
local hazards, expected, states = {}, {}, {}
for i = 1, k do
  hazards[i] = nextArg()
  expected[i] = nextArg()
  states[#states + 1] = hazards[i]
  states[#states + 1] = nextArg()
end
if k > 0 then
  local current = redis.call('HMGET', 'hzst', unpack(hazards))
  for i = 1, k do if (current[i] or '') ~= expected[i] then return { 'retry', 'hazard', i } end end
end

local m = tonumber(nextArg())
local records = {}
for i = 1, 2 * m do records[i] = nextArg() end
if m > 0 then redis.call('HSET', 'hzrec', unpack(records)) end
if #states > 0 then redis.call('HSET', 'hzst', unpack(states)) end

local seq = tonumber(redis.call('GET', 'seq') or '0')
redis.call('XADD', 'log', string.format('%d-1', seq + 1), 'e', nextArg())

local changes = {}
for _ = 1, tonumber(nextArg()) do
  local hashKey = nextArg()
  local fields, increments = {}, {}
  for i = 1, tonumber(nextArg()) do
    fields[i] = nextArg()
    increments[i] = tonumber(nextArg())
  end
  local old = redis.call('HMGET', hashKey, unpack(fields))
  local sets, changed = {}, {}
  for i = 1, #fields do
    local v = string.format('%d', tonumber(old[i] or '0') + increments[i])
    sets[#sets + 1] = fields[i]
    sets[#sets + 1] = v
    changed[#changed + 1] = '"' .. fields[i] .. '":' .. v
  end
  redis.call('HSET', hashKey, unpack(sets))
  changes[#changes + 1] = '"' .. hashKey .. '":{' .. table.concat(changed, ',') .. '}'
end

local z = tonumber(nextArg())
local due = {}
for i = 1, 2 * z do due[i] = nextArg() end
if z > 0 then redis.call('ZADD', 'due', unpack(due)) end

redis.call('SADD', 'seen:2', unpack(ids))
redis.call('SET', 'seq', seq + n)
redis.call('PUBLISH', 'updates', '{"seq":' .. (seq + n) .. ',' .. table.concat(changes, ',') .. ',"ticker":' .. nextArg() .. '}')
return { 'ok', seq + n }
