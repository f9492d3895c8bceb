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
--   rolling:  "r", limit, window us, sub-windows k, slice us (ceil(window / k)), quantum of the
--             offsets (1, or ceil(slice / 2^32)), spacing for a new counter (ceil(window / limit))
--   calendar: "m", limit, period start us, period end us, next period end us,
--             units the ledger holds for this period, units it holds for the next
--
-- Stored state (cmsgpack array), in a string key that expires when the counter is empty:
--   rolling:  {1, latest charge time, spacing, tat, steps, slice, units, offset, slice, units, offset, ...}
--             (non-empty slices only, oldest first; offset of the slice's latest admission from
--             the slice's start, in quanta, rounded up)
--   calendar: {2, latest charge time, period start, units}
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

-- The stored state of a counter of this type, or nil if there is none (or not one we can read:
-- a value of another type or format is replaced, never an error that would stop every check)
local function decode(raw, kind)
  if not raw then
    return nil
  end
  local ok, a = pcall(cmsgpack.unpack, raw)
  if ok and type(a) == 'table' and a[1] == kind then
    return a
  end
  return nil
end

-- Rolling counter ----------------------------------------------------------------------------
--
-- The state is the stored array itself, changed in place and stored again as it is:
--   a[2] last time, a[3] spacing, a[4] tat, a[5] steps, from a[6]: slice, units, offset triples.

local Rolling = {}
Rolling.__index = Rolling

local function newRolling(key, limit, window, k, slice, quantum, spacing, raw)
  local c = setmetatable({key = key, limit = limit, window = window, k = k, slice = slice,
    quantum = quantum, total = 0, last = false, a = false, cur = 0}, Rolling)
  local a = decode(raw, 1)
  if a then
    c.last = a[2]
    local total = 0
    for j = 7, #a, 3 do
      total = total + a[j]
    end
    c.total = total
  else
    a = {1, 0, spacing, 0, 0} -- the spacing comes from the limit when the counter is made
  end
  c.a = a
  return c
end

-- Drops the ring from a[6] up to (not including) a[f].
local function dropBefore(a, f)
  local n = #a
  local j = 6
  for i = f, n do
    a[j] = a[i]
    j = j + 1
  end
  for i = n, j, -1 do
    a[i] = nil
  end
end

function Rolling:used(t)
  local a, slice, quantum, window = self.a, self.slice, self.quantum, self.window
  local cur = fdiv(t, slice)
  self.cur = cur
  local n = #a
  if n > 5 then
    -- slices more than k behind the current one, and slices whose latest admission has left the
    -- window, go (oldest first; each later slice's latest admission is later still)
    local lo = cur - self.k
    local f = 6
    local total = self.total
    while f <= n do
      if a[f] >= lo and a[f] * slice + a[f + 2] * quantum + window > t then
        break
      end
      total = total - a[f + 1]
      f = f + 3
    end
    if f > 6 then
      dropBefore(a, f)
      self.total = total
    end
  end
  local steps, tat = a[5], a[4]
  local b = 0
  if steps ~= 0 and tat > t then
    b = cdiv(tat - t, a[3])
    if b > steps then b = steps end
  end
  a[5] = b
  if b == 0 or self.total == 0 then
    dropBefore(a, #a + 1)
    self.total = 0
    a[4] = 0
    a[5] = 0
    return 0
  end
  return min(b, self.total)
end

function Rolling:charge(t, units)
  local a = self.a
  local sp = a[3]
  local top = t + self.window + (units - 1) * sp
  if a[5] == 0 then
    a[4] = top
  else
    a[4] = max(top, a[4] + units * sp)
  end
  a[5] = a[5] + units
  local s = self.cur
  local offset = t - s * self.slice
  if self.quantum ~= 1 then
    offset = cdiv(offset, self.quantum)
  end
  local n = #a
  if n > 5 and a[n - 2] == s then
    a[n - 1] = a[n - 1] + units
    a[n] = offset
  else
    a[n + 1] = s
    a[n + 2] = units
    a[n + 3] = offset
  end
  self.total = self.total + units
end

function Rolling:emptyAt(t)
  local a = self.a
  if a[5] == 0 or self.total == 0 then
    return t
  end
  local n = #a
  return min(a[4], a[n - 2] * self.slice + a[n] * self.quantum + self.window)
end

function Rolling:admissibleAt(t, need)
  local a = self.a
  local steps, total = a[5], self.total
  if min(steps, total) <= need then
    return t
  end
  local byStaircase = t
  if steps > need then
    byStaircase = a[4] - need * a[3]
  end
  local byRing = t
  if total > need then
    local left = total
    for j = 6, #a, 3 do
      left = left - a[j + 1]
      if left <= need then
        byRing = a[j] * self.slice + a[j + 2] * self.quantum + self.window
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
  self.a[2] = self.last
  return cmsgpack.pack(self.a)
end

-- Calendar counter ---------------------------------------------------------------------------

local Calendar = {}
Calendar.__index = Calendar

local function newCalendar(key, limit, start, stop, nextStop, seed, seedNext, raw)
  local c = setmetatable({key = key, limit = limit, quota = true, seed = seed, seedNext = seedNext,
    periodStart = start, periodEnd = stop, nextEnd = nextStop}, Calendar)
  local a = decode(raw, 2)
  if a then
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
  local c
  if ARGV[b] == 'r' then
    c = newRolling(KEYS[i], limit, tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]),
      tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), raw)
  else
    c = newCalendar(KEYS[i], limit, tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]),
      tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), raw)
  end
  -- each counter's time never goes back before its latest charge (Counter.time)
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

-- Only a charge writes. What reading a counter changes (slices that left the window, the
-- staircase's steps) follows from the stored state and the time alone, so it need not be kept; and
-- the stored time is that of the latest charge, which is all the estimates rely on (a request at
-- an earlier time than a rejection or a peek, but not than the latest charge, is decided soundly).
-- A flood of rejected requests therefore costs Redis reads only.
if admit and mode == 'c' then
  for i = 1, n do
    store(cs[i], times[i])
  end
end
return quotas(out)
