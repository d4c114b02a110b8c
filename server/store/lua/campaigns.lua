-- Campaigns (docs/campaigns.md): the pre-holiday sweep's hazards and the stop/resume season's
-- enterprises, counted in the campaign the server stamped on the event as logged (`campaign`: by the
-- region file's dates when it arrived; a replay reads it from the log). Loaded between mandates.lua
-- and ingest.lua; ingest.lua's appliers call it.
--   campaign-hazards[hazardId] = the sweep a hazard was found in (its closure counts there too)
--   season-work[enterpriseId|season] = state|noCheck (1/0)|town: its last stop or resumption in the season
-- Gauges (now), the campaign's id as the grade:
--   sw.found|town|-|sweep, sw.closed|town|-|sweep: the sweep's hazards found, and those closed since
--   sr.stopped|town|-|season, sr.resumed|town|-|season: enterprises by their last state in the season
--   sr.nocheck|town|enterpriseId|season: 1 while that state is a resumption without the pre-check
local campaigns = {}

local function decodeSeasonWork(s)
  if not s then return false end
  local state, noCheck, town = string.match(s, '^([^|]*)|([^|]*)|(.*)$')
  return { state = state, noCheck = noCheck, town = town }
end

-- Reads what the batch needs, one HMGET per hash: the sweep of each hazard it closes, and the season
-- state of each enterprise it stops or resumes in a season.
function campaigns.prefetch(items)
  local closing, closingHas, working, workingHas = {}, {}, {}, {}
  for _, it in ipairs(items) do
    local e = it.e
    if e.type == 'hazard.status' and e.status == 'closed' and not closingHas[e.hazardId] then
      closingHas[e.hazardId] = true
      closing[#closing + 1] = e.hazardId
    elseif e.type == 'enterprise.work' and e.campaign then
      local field = e.enterpriseId .. '|' .. e.campaign
      if not workingHas[field] then
        workingHas[field] = true
        working[#working + 1] = field
      end
    end
  end
  campaigns.sweepOf, campaigns.seasonWork = {}, {}
  for i, sweep in ipairs(hmgetAll(key('campaign-hazards'), closing)) do campaigns.sweepOf[closing[i]] = sweep or false end
  for i, s in ipairs(hmgetAll(key('season-work'), working)) do campaigns.seasonWork[working[i]] = decodeSeasonWork(s) end
  campaigns.newHazards, campaigns.changedWork = {}, {}
end

-- A hazard reported (applied): counted found in its sweep, which its closure will count in too.
function campaigns.found(e)
  if not e.campaign then return end
  bumpNow('sw.found|' .. e.town .. '|-|' .. e.campaign, 1)
  campaigns.sweepOf[e.hazardId] = e.campaign
  campaigns.newHazards[#campaigns.newHazards + 1] = e.hazardId
  campaigns.newHazards[#campaigns.newHazards + 1] = e.campaign
end

-- A hazard closed (applied), in `town`: counted closed in the sweep it was found in, if any.
function campaigns.closed(hazardId, town)
  local sweep = campaigns.sweepOf[hazardId]
  if sweep then bumpNow('sw.closed|' .. town .. '|-|' .. sweep, 1) end
end

local function seasonCells(enterpriseId, season, r, sign)
  bumpNow('sr.' .. r.state .. '|' .. r.town .. '|-|' .. season, sign)
  if r.noCheck == '1' then bumpNow('sr.nocheck|' .. r.town .. '|' .. enterpriseId .. '|' .. season, sign) end
end

-- An enterprise stopped or resumed (applied) in a season: its state there replaces the one before
-- (each enterprise counts once per season, by its last move; `town` its town then).
function campaigns.work(e, town, noCheck)
  if not e.campaign then return end
  local field = e.enterpriseId .. '|' .. e.campaign
  local old = campaigns.seasonWork[field]
  if old then seasonCells(e.enterpriseId, e.campaign, old, -1) end
  local r = { state = e.state, noCheck = noCheck, town = town }
  seasonCells(e.enterpriseId, e.campaign, r, 1)
  if not campaigns.changedWork[field] then
    campaigns.changedWork[field] = true
    campaigns.changedWork[#campaigns.changedWork + 1] = field
  end
  campaigns.seasonWork[field] = r
end

-- Writes the records the batch changed, each once (as it ended the batch).
function campaigns.write()
  hsetAll(key('campaign-hazards'), campaigns.newHazards)
  local flat = {}
  for _, field in ipairs(campaigns.changedWork) do
    local r = campaigns.seasonWork[field]
    flat[#flat + 1] = field
    flat[#flat + 1] = r.state .. '|' .. r.noCheck .. '|' .. r.town
  end
  hsetAll(key('season-work'), flat)
end
