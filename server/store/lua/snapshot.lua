-- Reads everything a wall state holds, atomically, at one seq.
-- ARGV[1]: day (YYYY-MM-DD), ARGV[2]: year, ARGV[3]: JSON array of `daily` fields,
-- ARGV[4]: ticker length, ARGV[5]: overdue list length, ARGV[6]: open alarms listed,
-- ARGV[7]: JSON array of the region's towns
local function hashMap(k)
  local flat = redis.call('HGETALL', k)
  local parts = {}
  for i = 1, #flat, 2 do parts[#parts + 1] = cjson.encode(flat[i]) .. ':' .. flat[i + 1] end
  return '{' .. table.concat(parts, ',') .. '}'
end
local daily = {}
-- Appends the fields of `fields` the daily hash holds; returns the days whose city accidents it read.
local function readDaily(fields)
  local accidentDays = {}
  for i, v in ipairs(hmgetAll(key('daily'), fields)) do
    if v then
      local f = fields[i]
      daily[#daily + 1] = cjson.encode(f) .. ':' .. v
      local day, name = string.match(f, '^([^|]*)|([^|]*)$')
      if name == 'acc' then accidentDays[#accidentDays + 1] = day end
    end
  end
  return accidentDays
end
-- Each town's accidents and deaths on the days the city had one (TOWN_DAILY in shared/cells.ts).
local towns = cjson.decode(ARGV[7])
local townFields = {}
for _, day in ipairs(readDaily(cjson.decode(ARGV[3]))) do
  for _, town in ipairs(towns) do
    townFields[#townFields + 1] = day .. '|acc|' .. town
    townFields[#townFields + 1] = day .. '|acc.deaths|' .. town
  end
end
readDaily(townFields)
local ticker = redis.call('LRANGE', key('ticker'), 0, tonumber(ARGV[4]) - 1)
return '{"seq":' .. (redis.call('GET', key('seq')) or '0') ..
  ',"now":' .. hashMap(key('now')) ..
  ',"today":' .. hashMap(key('day:' .. ARGV[1])) ..
  ',"year":' .. hashMap(key('year:' .. ARGV[2])) ..
  ',"daily":{' .. table.concat(daily, ',') .. '}' ..
  ',"ticker":[' .. table.concat(ticker, ',') .. ']' ..
  ',"overdue":' .. overdueList(tonumber(ARGV[5])) ..
  ',"alarms":' .. openAlarmList(tonumber(ARGV[6])) .. '}'
