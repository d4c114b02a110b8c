-- The conference's other mandates (docs/mandates.md): their records, rules and counters, applied by
-- ingest.lua in the same atomic script as every other event. One table, so the script's main chunk
-- gains one local, not one per function.
--   scores[scoreId] = year|revoked (1/0)|points|town|enterpriseId|reason
--   resources[resourceId] = active (1/0)|kind|town|domain ('-': none)|size|name
--   drills[drillId] = the region-time day it was held
--   tasks[taskId] = year|quarter|owner|due|status|title
--   duty[day] = JSON [leader, leaderExt, officer, officerExt] (the pair on duty from that day's handover)
-- Cells (year hash of the score's region-time year): ps.pts|town|enterpriseId|reason (points) and
-- ps.n|town|enterpriseId|reason (scores); a revocation takes both back from the year it counted in.
-- Gauges (now): res|town|domain|kind and res.size|town|domain|kind for the resources in service.
-- Year cells: drill.q<quarter>|town|domain|- and drill.people.q<quarter>|… by the region-time quarter.
-- Cells of the item's own year: task.q<quarter>|-|owner|status (items in that status).
-- Gauge duty.n|-|-|-: roster assignments applied, so a wall knows to read the roster again.
local mandates = { types = {
  ['principal.scored'] = true, ['principal.score_revoked'] = true,
  ['resource.registered'] = true, ['resource.retired'] = true, ['drill.completed'] = true,
  ['duty.assigned'] = true, ['task.defined'] = true, ['task.progress'] = true,
} }

local function decodeScore(s)
  if not s then return false end
  local year, revoked, points, town, enterpriseId, reason = string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return { year = year, revoked = revoked, points = tonumber(points), town = town, enterpriseId = enterpriseId, reason = reason }
end

local function decodeResource(s)
  if not s then return false end
  local active, kind, town, domain, size, name = string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return { active = active, kind = kind, town = town, domain = domain, size = tonumber(size), name = name }
end

local function encodeResource(r)
  return r.active .. '|' .. r.kind .. '|' .. r.town .. '|' .. r.domain .. '|' .. r.size .. '|' .. r.name
end

local function decodeTask(s)
  if not s then return false end
  local year, quarter, owner, due, status, title = string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return { year = year, quarter = quarter, owner = owner, due = due, status = status, title = title }
end

local function encodeTask(r)
  return r.year .. '|' .. r.quarter .. '|' .. r.owner .. '|' .. r.due .. '|' .. r.status .. '|' .. r.title
end

local function encodeScore(r)
  return r.year .. '|' .. r.revoked .. '|' .. r.points .. '|' .. r.town .. '|' .. r.enterpriseId .. '|' .. r.reason
end

-- Reads every record the batch names, with one HMGET per hash.
function mandates.prefetch(items)
  local function ids(field)
    local list, has = {}, {}
    for _, it in ipairs(items) do
      local id = it.e[field]
      if id and not has[id] then has[id] = true; list[#list + 1] = id end
    end
    return list
  end
  local function read(hash, field, decode)
    local list, records = ids(field), {}
    for i, s in ipairs(hmgetAll(key(hash), list)) do records[list[i]] = decode(s) end
    return records
  end
  mandates.scores = read('scores', 'scoreId', decodeScore)
  mandates.resources = read('resources', 'resourceId', decodeResource)
  mandates.drills = read('drills', 'drillId', function(s) return s or false end)
  mandates.changedScores, mandates.changedResources, mandates.newDrills = {}, {}, {}
  mandates.duty = {}
  mandates.tasks = read('tasks', 'taskId', decodeTask)
  mandates.checkedTasks, mandates.changedTasks = {}, {}
  mandates.checked, mandates.checkedResources = {}, {}
end

-- A resource's state as pass 1 has it so far: 'active', 'retired' or false (never registered).
local function resourceState(id)
  if mandates.checkedResources[id] == nil then
    local r = mandates.resources[id]
    mandates.checkedResources[id] = r and (r.active == '1' and 'active' or 'retired') or false
  end
  return mandates.checkedResources[id]
end

-- A score's state as pass 1 has it so far: 'active', 'revoked' or false (never filed).
local function scoreState(id)
  if mandates.checked[id] == nil then
    local r = mandates.scores[id]
    mandates.checked[id] = r and (r.revoked == '1' and 'revoked' or 'active') or false
  end
  return mandates.checked[id]
end

-- Pass 1: the state rules. Returns field, code, params when the event is refused (the codes of
-- shared/api/error-codes.ts).
function mandates.check(e, isEnterprise)
  if e.type == 'principal.scored' then
    if not isEnterprise(e.enterpriseId) then
      return 'enterpriseId', 'unregistered_enterprise', { enterpriseId = e.enterpriseId }
    end
    if scoreState(e.scoreId) then return 'scoreId', 'score_already_filed', { scoreId = e.scoreId } end
    mandates.checked[e.scoreId] = 'active'
  elseif e.type == 'principal.score_revoked' then
    local state = scoreState(e.scoreId)
    if not state then return 'scoreId', 'unknown_score', { scoreId = e.scoreId } end
    if state == 'revoked' then return 'scoreId', 'score_already_revoked', { scoreId = e.scoreId } end
    mandates.checked[e.scoreId] = 'revoked'
  elseif e.type == 'resource.registered' then
    if resourceState(e.resourceId) then
      return 'resourceId', 'resource_already_registered', { resourceId = e.resourceId }
    end
    mandates.checkedResources[e.resourceId] = 'active'
  elseif e.type == 'resource.retired' then
    local state = resourceState(e.resourceId)
    if not state then return 'resourceId', 'unknown_resource', { resourceId = e.resourceId } end
    if state == 'retired' then return 'resourceId', 'resource_already_retired', { resourceId = e.resourceId } end
    mandates.checkedResources[e.resourceId] = 'retired'
  elseif e.type == 'task.defined' then
    if mandates.checkedTasks[e.taskId] or mandates.tasks[e.taskId] then
      return 'taskId', 'task_already_defined', { taskId = e.taskId }
    end
    mandates.checkedTasks[e.taskId] = true
  elseif e.type == 'task.progress' then
    if not (mandates.checkedTasks[e.taskId] or mandates.tasks[e.taskId]) then
      return 'taskId', 'unknown_task', { taskId = e.taskId }
    end
  elseif e.type == 'drill.completed' then
    if mandates.drills[e.drillId] then
      return 'drillId', 'already_reported', { field = 'drillId', id = e.drillId }
    end
    mandates.drills[e.drillId] = true
  end
end

local function resourceCells(r, sign)
  local where = '|' .. r.town .. '|' .. r.domain .. '|' .. r.kind
  bumpNow('res' .. where, sign)
  bumpNow('res.size' .. where, sign * r.size)
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
  appliers['resource.registered'] = function(e)
    local r = { active = '1', kind = e.kind, town = e.town, domain = e.domain or '-', size = e.size or 0, name = e.name }
    mandates.resources[e.resourceId] = r
    mandates.changedResources[#mandates.changedResources + 1] = e.resourceId
    resourceCells(r, 1)
  end
  appliers['resource.retired'] = function(e)
    local r = mandates.resources[e.resourceId]
    r.active = '0'
    mandates.changedResources[#mandates.changedResources + 1] = e.resourceId
    resourceCells(r, -1)
  end
  appliers['drill.completed'] = function(e, it)
    local quarter = math.floor((tonumber(string.sub(it.day, 6, 7)) - 1) / 3) + 1
    local where = '|' .. e.town .. '|' .. e.domain .. '|-'
    bumpPeriod('year', it.year, 'drill.q' .. quarter .. where, 1)
    bumpPeriod('year', it.year, 'drill.people.q' .. quarter .. where, e.participants)
    mandates.newDrills[#mandates.newDrills + 1] = e.drillId
    mandates.newDrills[#mandates.newDrills + 1] = it.day
  end
  local function taskCell(r, sign)
    bumpPeriod('year', r.year, 'task.q' .. r.quarter .. '|-|' .. r.owner .. '|' .. r.status, sign)
  end
  local function changedTask(id)
    if not mandates.changedTasks[id] then
      mandates.changedTasks[id] = true
      mandates.changedTasks[#mandates.changedTasks + 1] = id
    end
  end
  appliers['task.defined'] = function(e)
    local r = { year = tostring(e.year), quarter = tostring(e.quarter), owner = e.owner, due = e.due,
      status = 'not_started', title = e.title }
    mandates.tasks[e.taskId] = r
    changedTask(e.taskId)
    taskCell(r, 1)
  end
  appliers['task.progress'] = function(e)
    local r = mandates.tasks[e.taskId]
    if r.status == e.status then return end
    taskCell(r, -1)
    r.status = e.status
    taskCell(r, 1)
    changedTask(e.taskId)
  end
  -- A day assigned again replaces its pair (the last of a batch wins); nothing to refuse.
  appliers['duty.assigned'] = function(e)
    if not mandates.duty[e.day] then mandates.duty[#mandates.duty + 1] = e.day end
    -- An array, not an object: its text is the same on every run (the rebuild check compares it).
    mandates.duty[e.day] = cjson.encode({ e.leader, e.leaderExt, e.officer, e.officerExt })
    bumpNow('duty.n|-|-|-', 1)
  end
end

-- Writes the records changed, each once (as it ended the batch).
function mandates.write()
  local flat = {}
  for _, id in ipairs(mandates.changedScores) do flat[#flat + 1] = id; flat[#flat + 1] = encodeScore(mandates.scores[id]) end
  hsetAll(key('scores'), flat)
  flat = {}
  for _, id in ipairs(mandates.changedResources) do flat[#flat + 1] = id; flat[#flat + 1] = encodeResource(mandates.resources[id]) end
  hsetAll(key('resources'), flat)
  hsetAll(key('drills'), mandates.newDrills)
  flat = {}
  for _, id in ipairs(mandates.changedTasks) do flat[#flat + 1] = id; flat[#flat + 1] = encodeTask(mandates.tasks[id]) end
  hsetAll(key('tasks'), flat)
  flat = {}
  for _, day in ipairs(mandates.duty) do flat[#flat + 1] = day; flat[#flat + 1] = mandates.duty[day] end
  hsetAll(key('duty'), flat)
end
