-- Rotating queries for bench/search.sh: each request asks GET /api/v1/search for the next query of the list, in turn.
-- Each wrk thread starts at a different place in the list.
-- The queries, one a line, from the file named by BENCH_QUERIES (bench/wrk/search-queries.txt).
local queries = {}
for line in io.lines(os.getenv("BENCH_QUERIES")) do
  if line ~= "" then queries[#queries + 1] = line end
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local paths = {}
for i, q in ipairs(queries) do paths[i] = wrk.path .. "?q=" .. encode(q) end

-- setup() runs in the main Lua state once per thread; position is a global of that thread's own state.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("position", threads * 7)
end

position = 0
function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
