-- wrk script for bench/redis-rest: POSTs one Redis command as a JSON array per request, as
-- @upstash/redis does, to Postbox's /redis. COMMAND (SET or GET) and TOKEN come from the
-- environment; keys are key:0 .. key:9999, values 3 bytes (redis-benchmark's defaults).
local command = os.getenv("COMMAND") or "GET"
local token = os.getenv("TOKEN")
local n = 0

request = function()
  n = n + 1
  local key = "key:" .. (n % 10000)
  local body
  if command == "SET" then
    body = '["SET","' .. key .. '","xxx"]'
  else
    body = '["GET","' .. key .. '"]'
  end
  return wrk.format("POST", "/redis", { ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json" }, body)
end

local non200 = 0
response = function(status)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format('RESULT {"requests":%d,"rps":%.0f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect
      + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
