-- The conference's other mandates (docs/mandates.md): their records, rules and counters, applied by
-- ingest.lua in the same atomic script as every other event. One table, so the script's main chunk
-- gains one local, not one per function.
--   scores[scoreId] = year|revoked (1/0)|points|town|enterpriseId|reason
-- Cells (year hash of the score's region-time year): ps.pts|town|enterpriseId|reason (points) and
-- ps.n|town|enterpriseId|reason (scores); a revocation takes both back from the year it counted in.
local mandates = { types = { ['principal.scored'] = true, ['principal.score_revoked'] = true } }

local function decodeScore(s)
  if not s then return false end
  local year, revoked, points, town, enterpriseId, reason = string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return { year = year, revoked = revoked, points = tonumber(points), town = town, enterpriseId = enterpriseId, reason = reason }
end

local function encodeScore(r)
  return r.year .. '|' .. r.revoked .. '|' .. r.points .. '|' .. r.town .. '|' .. r.enterpriseId .. '|' .. r.reason
end

-- Reads every record the batch names, with one HMGET per hash.
function mandates.prefetch(items)
  local ids, has = {}, {}
  for _, it in ipairs(items) do
    local id = it.e.scoreId
    if id and not has[id] then has[id] = true; ids[#ids + 1] = id end
  end
  mandates.scores, mandates.changedScores, mandates.checked = {}, {}, {}
  for i, s in ipairs(hmgetAll(key('scores'), ids)) do mandates.scores[ids[i]] = decodeScore(s) end
end

-- A score's state as pass 1 has it so far: 'active', 'revoked' or false (never filed).
local function scoreState(id)
  if mandates.checked[id] == nil then
    local r = mandates.scores[id]
    mandates.checked[id] = r and (r.revoked == '1' and 'revoked' or 'active') or false
  end
  return mandates.checked[id]
end

-- Pass 1: the state rules. Returns field, reason when the event is refused.
function mandates.check(e, isEnterprise)
  if e.type == 'principal.scored' then
    if not isEnterprise(e.enterpriseId) then
      return 'enterpriseId', 'enterprise ' .. e.enterpriseId .. ' is not registered'
    end
    if scoreState(e.scoreId) then return 'scoreId', 'scoreId ' .. e.scoreId .. ' was already filed' end
    mandates.checked[e.scoreId] = 'active'
  elseif e.type == 'principal.score_revoked' then
    local state = scoreState(e.scoreId)
    if not state then return 'scoreId', 'unknown score ' .. e.scoreId end
    if state == 'revoked' then return 'scoreId', 'score ' .. e.scoreId .. ' was already revoked' end
    mandates.checked[e.scoreId] = 'revoked'
  end
end

local function scoreCells(r, sign)
  local where = '|' .. r.town .. '|' .. r.enterpriseId .. '|' .. r.reason
  bumpPeriod('year', r.year, 'ps.pts' .. where, sign * r.points)
  bumpPeriod('year', r.year, 'ps.n' .. where, sign)
end

-- Pass 2: the appliers, added to ingest.lua's (`enterprises` as pass 2 has them).
function mandates.addAppliers(appliers, enterprises)
  appliers['principal.scored'] = function(e, it)
    local r = { year = it.year, revoked = '0', points = e.points, town = enterprises[e.enterpriseId].town,
      enterpriseId = e.enterpriseId, reason = e.reason }
    mandates.scores[e.scoreId] = r
    mandates.changedScores[#mandates.changedScores + 1] = e.scoreId
    scoreCells(r, 1)
  end
  appliers['principal.score_revoked'] = function(e)
    local r = mandates.scores[e.scoreId]
    r.revoked = '1'
    mandates.changedScores[#mandates.changedScores + 1] = e.scoreId
    scoreCells(r, -1)
  end
end

-- Writes the records changed, each once (as it ended the batch).
function mandates.write()
  local flat = {}
  for _, id in ipairs(mandates.changedScores) do flat[#flat + 1] = id; flat[#flat + 1] = encodeScore(mandates.scores[id]) end
  hsetAll(key('scores'), flat)
end
