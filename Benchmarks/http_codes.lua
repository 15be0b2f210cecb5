-- wrk script: each request asks for a random code from HTTP_BENCH_CODES, as HTTP_BENCH_PREFIX .. code .. HTTP_BENCH_SUFFIX.
-- The requests are formatted once in init: formatting one per request in Lua cost the client about as much CPU
-- as the server spent answering, on the same two cores, and showed up as server slowness.
-- Every request carries a phone browser's User-Agent, as a patient's would: the funnel classifies it (people
-- against link previews and crawlers) and hashes it into the day's visitor sketch, and that cost is measured.
local requests = {}
local headers = {
    ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        .. "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
}
local count = 0

function init(args)
    local prefix = os.getenv("HTTP_BENCH_PREFIX") or "/"
    local suffix = os.getenv("HTTP_BENCH_SUFFIX") or ""
    for line in io.lines(os.getenv("HTTP_BENCH_CODES")) do
        if #line > 0 then
            count = count + 1
            requests[count] = wrk.format("GET", prefix .. line .. suffix, headers)
        end
    end
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
    return requests[math.random(count)]
end
