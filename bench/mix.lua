-- wrk: each request a different address, read from the file MIX_FILE (one path per line), each
-- thread (wrk runs two at most) starting half a file after the other, so no address repeats
-- within a run and no cache answers.
-- MIX_START moves the start (the warm-up run reads other addresses than the timed run).
local paths = {}
for line in io.lines(os.getenv("MIX_FILE")) do
  paths[#paths + 1] = line
end
local start = tonumber(os.getenv("MIX_START") or "0")
local threads = 0
local position = 0

function setup(thread)
  thread:set("offset", start + threads * math.floor(#paths / 2))
  threads = threads + 1
end

function init(args)
  position = offset or 0
end

function request()
  position = position + 1
  return wrk.format("GET", paths[(position % #paths) + 1])
end
