-- Reads everything a wall state holds, atomically, at one seq.
-- ARGV[1]: day (YYYY-MM-DD), ARGV[2]: year, ARGV[3]: JSON array of `daily` fields,
-- ARGV[4]: ticker length, ARGV[5]: overdue list length, ARGV[6]: open alarms listed
local function hashMap(k)
  local flat = redis.call('HGETALL', k)
  local parts = {}
  for i = 1, #flat, 2 do parts[#parts + 1] = cjson.encode(flat[i]) .. ':' .. flat[i + 1] end
  return '{' .. table.concat(parts, ',') .. '}'
end
local fields = cjson.decode(ARGV[3])
local daily = {}
if #fields > 0 then
  local values = redis.call('HMGET', key('daily'), unpack(fields))
  for i, f in ipairs(fields) do
    if values[i] then daily[#daily + 1] = cjson.encode(f) .. ':' .. values[i] end
  end
end
local ticker = redis.call('LRANGE', key('ticker'), 0, tonumber(ARGV[4]) - 1)
return '{"seq":' .. (redis.call('GET', key('seq')) or '0') ..
  ',"now":' .. hashMap(key('now')) ..
  ',"today":' .. hashMap(key('day:' .. ARGV[1])) ..
  ',"year":' .. hashMap(key('year:' .. ARGV[2])) ..
  ',"daily":{' .. table.concat(daily, ',') .. '}' ..
  ',"ticker":[' .. table.concat(ticker, ',') .. ']' ..
  ',"overdue":' .. overdueList(tonumber(ARGV[5])) ..
  ',"alarms":' .. openAlarmList(tonumber(ARGV[6])) .. '}'
