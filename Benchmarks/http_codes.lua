-- wrk script: each request asks for a random code from CODES_FILE, as PREFIX .. code .. SUFFIX.
-- Settings come from the environment: HTTP_BENCH_CODES, HTTP_BENCH_PREFIX, HTTP_BENCH_SUFFIX.
local codes = {}

function init(args)
    local file = assert(io.open(os.getenv("HTTP_BENCH_CODES"), "r"))
    for line in file:lines() do
        if #line > 0 then codes[#codes + 1] = line end
    end
    file:close()
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

local prefix = os.getenv("HTTP_BENCH_PREFIX") or "/"
local suffix = os.getenv("HTTP_BENCH_SUFFIX") or ""

function request()
    return wrk.format("GET", prefix .. codes[math.random(#codes)] .. suffix)
end
