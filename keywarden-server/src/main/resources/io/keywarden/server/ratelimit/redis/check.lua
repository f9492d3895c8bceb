-- Keywarden rate limits: every applicable policy of one request, decided in one atomic step.
--
-- The same semantics as io.keywarden.core.ratelimit.LocalRateLimiter (check, peek, usage) and
-- its counters, RollingCounter (slice ring + staircase) and CalendarCounter: read the comments
-- there first. Numbers in Redis Lua are doubles: every value kept here (epoch microseconds,
-- units, offsets) stays below 2^53, and divisions are corrected to exact integer results.
--
-- KEYS[i]: the counter of policy i.
-- ARGV[1]: mode: c (check: charge all or none), p (peek), u (usage), h (health probe: returns 1)
-- ARGV[2]: now, epoch microseconds, from the caller's clock
-- ARGV[3]: cost (c, p)
-- ARGV[4]: grace in ms added to every key's expiry (covers clock skew between nodes)
-- ARGV[5 + 7(i-1) ...]: policy i, seven values:
--   rolling:  "r", limit, window us, sub-windows, 0, 0, 0
--   calendar: "m", limit, period start us, period end us, next period end us,
--             units the ledger holds for this period, units it holds for the next
--
-- Stored state (cmsgpack array), in a string key that expires when the counter is empty:
--   rolling:  {1, last time, spacing, tat, steps, slice, units, offset, slice, units, offset, ...}
--             (non-empty slices only, oldest first; offset of the slice's latest admission from
--             the slice's start, in quanta, rounded up)
--   calendar: {2, last time, period start, units}
--
-- Returns (integers):
--   c, p: allowed (1/0), reported policy (1-based), remaining, reset us, retry-after us, window us,
--         then for each calendar policy: index, period start, units
--   u:    used and reset us for each policy, then the calendar triples as above
--   h:    1

local mode = ARGV[1]
if mode == 'h' then
  return 1
end
local now = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])
local n = #KEYS

local floor = math.floor

-- floor(a / b) for b > 0, exact for |a| < 2^53
local function fdiv(a, b)
  local q = floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end

local function cdiv(a, b)
  return -fdiv(-a, b)
end

local function min(a, b)
  if a < b then return a end
  return b
end

local function max(a, b)
  if a > b then return a end
  return b
end

-- Rolling counter ----------------------------------------------------------------------------

local Rolling = {}
Rolling.__index = Rolling

local function newRolling(key, limit, window, k, raw)
  local c = setmetatable({key = key, limit = limit, window = window, k = k}, Rolling)
  c.slice = cdiv(window, k)
  c.quantum = max(1, cdiv(c.slice, 4294967296))
  c.ring = {} -- {slice, units, offset} oldest first, non-empty only
  c.total = 0
  if raw then
    local a = cmsgpack.unpack(raw)
    c.existed = true
    c.last = a[2]
    c.spacing = a[3]
    c.tat = a[4]
    c.steps = a[5]
    for j = 6, #a, 3 do
      c.ring[#c.ring + 1] = {a[j], a[j + 1], a[j + 2]}
      c.total = c.total + a[j + 1]
    end
  else
    c.spacing = cdiv(window, limit)
    c.tat = 0
    c.steps = 0
  end
  return c
end

function Rolling:latest(e)
  return e[1] * self.slice + e[3] * self.quantum
end

function Rolling:used(t)
  -- advance: slices more than k behind the current one, and slices whose latest admission has
  -- left the window, go (oldest first; each later slice's latest admission is later still)
  local ring = self.ring
  if #ring > 0 then
    local lo = fdiv(t, self.slice) - self.k
    local f = 1
    while f <= #ring do
      local e = ring[f]
      if e[1] >= lo and self:latest(e) + self.window > t then
        break
      end
      self.total = self.total - e[2]
      f = f + 1
    end
    if f > 1 then
      local kept = {}
      for j = f, #ring do
        kept[#kept + 1] = ring[j]
      end
      self.ring = kept
    end
  end
  local b = 0
  if self.steps ~= 0 and self.tat > t then
    b = min(self.steps, cdiv(self.tat - t, self.spacing))
  end
  self.steps = b
  if b == 0 or self.total == 0 then
    self.ring = {}
    self.total = 0
    self.steps = 0
    self.tat = 0
    return 0
  end
  return min(b, self.total)
end

function Rolling:charge(t, units)
  local sp = self.spacing
  local top = t + self.window + (units - 1) * sp
  if self.steps == 0 then
    self.tat = top
  else
    self.tat = max(top, self.tat + units * sp)
  end
  self.steps = self.steps + units
  local s = fdiv(t, self.slice)
  local offset = t - s * self.slice
  if self.quantum ~= 1 then
    offset = cdiv(offset, self.quantum)
  end
  local ring = self.ring
  local e = ring[#ring]
  if e and e[1] == s then
    e[2] = e[2] + units
    e[3] = offset
  else
    ring[#ring + 1] = {s, units, offset}
  end
  self.total = self.total + units
end

function Rolling:emptyAt(t)
  if self.steps == 0 or self.total == 0 then
    return t
  end
  return min(self.tat, self:latest(self.ring[#self.ring]) + self.window)
end

function Rolling:admissibleAt(t, need)
  if min(self.steps, self.total) <= need then
    return t
  end
  local byStaircase = t
  if self.steps > need then
    byStaircase = self.tat - need * self.spacing
  end
  local byRing = t
  if self.total > need then
    local left = self.total
    for _, e in ipairs(self.ring) do
      left = left - e[2]
      if left <= need then
        byRing = self:latest(e) + self.window
        break
      end
    end
  end
  return min(byStaircase, byRing)
end

function Rolling:windowMicros(t)
  return self.window
end

function Rolling:encode()
  local a = {1, self.last, self.spacing, self.tat, self.steps}
  for _, e in ipairs(self.ring) do
    a[#a + 1] = e[1]
    a[#a + 1] = e[2]
    a[#a + 1] = e[3]
  end
  return cmsgpack.pack(a)
end

-- Calendar counter ---------------------------------------------------------------------------

local Calendar = {}
Calendar.__index = Calendar

local function newCalendar(key, limit, start, stop, nextStop, seed, seedNext, raw)
  local c = setmetatable({key = key, limit = limit, quota = true, seed = seed, seedNext = seedNext,
    periodStart = start, periodEnd = stop, nextEnd = nextStop}, Calendar)
  if raw then
    local a = cmsgpack.unpack(raw)
    c.existed = true
    c.last = a[2]
    c.storedStart = a[3]
    c.storedCount = a[4]
  end
  return c
end

function Calendar:used(t)
  if t >= self.periodEnd then -- the clamped time is in the next period
    self.periodStart, self.periodEnd, self.seed = self.periodEnd, self.nextEnd, self.seedNext
  end
  self.start = self.periodStart
  self.stop = self.periodEnd
  if self.storedStart == self.start then
    -- never below the ledger: it may hold units the local fallback counted while Redis was away
    self.count = max(self.storedCount, self.seed)
  else -- a new period, or a key Redis lost: start from what the ledger holds
    self.count = self.seed
  end
  return self.count
end

function Calendar:charge(t, units)
  self.count = self.count + units
end

function Calendar:emptyAt(t)
  if self.count == 0 then return t end
  return self.stop
end

function Calendar:admissibleAt(t, need)
  if self.count <= need then return t end
  return self.stop
end

function Calendar:windowMicros(t)
  return self.stop - self.start
end

function Calendar:encode()
  return cmsgpack.pack({2, self.last, self.start, self.count})
end

-- The decision -------------------------------------------------------------------------------

local cs = {}
local times = {}
local used = {}
for i = 1, n do
  local b = 5 + 7 * (i - 1)
  local limit = tonumber(ARGV[b + 1])
  local raw = redis.call('GET', KEYS[i])
  if not raw then raw = nil end
  local c
  if ARGV[b] == 'r' then
    c = newRolling(KEYS[i], limit, tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), raw)
  else
    c = newCalendar(KEYS[i], limit, tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]),
      tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), raw)
  end
  -- each counter's time never goes back (Counter.time)
  local t = now
  if c.last and now < c.last then
    t = c.last
  else
    c.last = now
  end
  cs[i] = c
  times[i] = t
  used[i] = c:used(t)
end

local function store(c, t)
  -- relative, so that Redis's own clock does not matter; never below the grace (a counter whose
  -- period is already over, after an absurd clock jump, still gets a valid expiry)
  local ttl = max(0, cdiv(c:emptyAt(t) - t, 1000)) + max(1, grace)
  redis.call('SET', c.key, c:encode(), 'PX', ttl)
end

local function quotas(out)
  for i = 1, n do
    if cs[i].quota then
      out[#out + 1] = i
      out[#out + 1] = cs[i].start
      out[#out + 1] = cs[i].count
    end
  end
  return out
end

if mode == 'u' then
  local out = {}
  for i = 1, n do
    out[#out + 1] = used[i]
    out[#out + 1] = cs[i]:emptyAt(times[i]) - times[i]
    if cs[i].existed then
      store(cs[i], times[i])
    end
  end
  return quotas(out)
end

local admit = true
for i = 1, n do
  if cost > cs[i].limit - used[i] then
    admit = false
  end
end

local out
if admit then
  -- the most restrictive policy after this request: fewest remaining, then shortest reset, then first
  local best, bestRemaining, bestReset = 0, 0, 0
  for i = 1, n do
    local c, t = cs[i], times[i]
    local u = used[i]
    if mode == 'c' then
      c:charge(t, cost)
      u = u + cost
    end
    local remaining = c.limit - u
    local reset = c:emptyAt(t) - t
    if best == 0 or remaining < bestRemaining or (remaining == bestRemaining and reset < bestReset) then
      best, bestRemaining, bestReset = i, remaining, reset
    end
  end
  out = {1, best, bestRemaining, bestReset, 0, cs[best]:windowMicros(times[best])}
else
  -- the rejecting policy the client must wait longest for, the first of equals
  local worst, worstRetry
  for i = 1, n do
    local c, t = cs[i], times[i]
    if cost > c.limit - used[i] then
      local reset = c:emptyAt(t) - t
      local retry
      if cost > c.limit then
        retry = max(reset, c:windowMicros(t))
      else
        retry = c:admissibleAt(t, c.limit - cost) - t
      end
      retry = max(1, retry)
      if not worst or retry > worstRetry then
        worst, worstRetry = i, retry
        out = {0, i, max(0, c.limit - used[i]), reset, retry, c:windowMicros(t)}
      end
    end
  end
end

for i = 1, n do
  if cs[i].existed or (admit and mode == 'c') then
    store(cs[i], times[i])
  end
end
return quotas(out)
