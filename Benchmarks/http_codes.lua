-- wrk script: each request asks for a random code from HTTP_BENCH_CODES, as HTTP_BENCH_PREFIX .. code .. HTTP_BENCH_SUFFIX.
-- The requests are formatted once in init: formatting one per request in Lua cost the client about as much CPU
-- as the server spent answering, on the same two cores, and showed up as server slowness.
local requests = {}
local count = 0

function init(args)
    local prefix = os.getenv("HTTP_BENCH_PREFIX") or "/"
    local suffix = os.getenv("HTTP_BENCH_SUFFIX") or ""
    for line in io.lines(os.getenv("HTTP_BENCH_CODES")) do
        if #line > 0 then
            count = count + 1
            requests[count] = wrk.format("GET", prefix .. line .. suffix)
        end
    end
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
    return requests[math.random(count)]
end
