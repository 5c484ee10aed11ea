-- Cycle through the requests of a file, one per line: METHOD<TAB>PATH[<TAB>BODY].
-- Headers given with -H (token, cookie, content type) go on every request.
-- Each thread starts at its own place in the file; done() prints one JSON line.
local threads = {}
local counter = 1
local requests = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      if body == "" then body = nil end
      table.insert(requests, wrk.format(method, path, nil, body))
    end
  end
  counter = ((id or 1) - 1) * math.floor(#requests / 2) % #requests + 1
end

function request()
  local r = requests[counter]
  counter = counter + 1
  if counter > #requests then counter = 1 end
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max))
end
