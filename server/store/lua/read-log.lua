-- Reads up to `limit` logged events after seq `after`, oldest first, and returns only those:
-- { seq, event JSON, seq, event JSON, ... }. A log entry holds one applied batch (up to BATCH_LIMIT
-- events, the last at the entry's id) and is read whole, so entries are read a few at a time, as many
-- as the events still wanted fill at the largest entry size met so far: a page of 1,000 events from
-- entries of 500 reads three entries, not a thousand.
-- ARGV[1]: after, ARGV[2]: limit
local after, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local out, got = {}, 0
local from = after + 1
local count, largest = 1, 1
while got < limit do
  local rows = redis.call('XRANGE', key('log'), string.format('%d-0', from), '+', 'COUNT', count)
  if #rows == 0 then break end
  for _, row in ipairs(rows) do
    local last = tonumber(string.match(row[1], '^(%d+)'))
    local fields = row[2]
    local events = {}
    -- fields: 'a', apply time (not in every entry), then 'e', event, 'e', event...
    for i = 1, #fields, 2 do
      if fields[i] == 'e' then events[#events + 1] = fields[i + 1] end
    end
    if #events > largest then largest = #events end
    local first = last - #events + 1
    for i, json in ipairs(events) do
      local seq = first + i - 1
      if seq > after and got < limit then
        got = got + 1
        out[#out + 1] = seq
        out[#out + 1] = json
      end
    end
    from = last + 1
  end
  count = math.max(1, math.min(100, math.floor((limit - got) / largest)))
end
return out
