-- wrk: staff members browsing the workspace. Every connection cycles through the workspace pages with the session
-- cookies listed in WORKSPACE_SESSIONS (one spruce_session value a line), pausing WORKSPACE_THINK_MS between two
-- of its requests, as a person reading the page would. The requests are formatted once in init.
local requests = {}
local count = 0
local next_index = 1
local think = tonumber(os.getenv("WORKSPACE_THINK_MS") or "0")

function init(args)
    local pages = {"/workspace/links", "/workspace/invite", "/workspace/invitations", "/workspace/links/4827163"}
    for session in io.lines(os.getenv("WORKSPACE_SESSIONS")) do
        if #session > 0 then
            for _, page in ipairs(pages) do
                count = count + 1
                requests[count] = wrk.format("GET", page, {["Cookie"] = "spruce_session=" .. session})
            end
        end
    end
    next_index = math.random(count)
end

function delay()
    return think
end

function request()
    next_index = next_index % count + 1
    return requests[next_index]
end
