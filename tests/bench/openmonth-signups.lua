-- wrk -s tests/bench/openmonth-signups.lua URL -- REQUESTS_FILE THREADS
-- The load of tests/bench/module-openmonth.sh: POSTs sign-ups to one
-- activity, each request another seeded citizen, until every line of
-- REQUESTS_FILE has been sent once (or wrk's -d is up). The file, made by
-- openmonth-signups.mjs before the clock starts, has one request a line:
-- "PATH<TAB>COOKIE<TAB>BODY". Thread k of THREADS sends lines k, k+THREADS, ...
--
-- wrk, not node: the load generator shares the 2 cores with what it
-- measures, and node's HTTP client took a fifth of them (perf), as much as
-- nginx and the workers together. pgbench, the yardstick, is C too.
--
-- wrk 4.1 quirks this script works with: its -d always runs to the end
-- (a thread's stop() ends only that thread), so the time of the sign-ups is
-- taken here, from the first request to the last answer; and it calls
-- request() once in the first thread before connecting, to check what the
-- script makes. That call gets a GET of a static file put in front of the
-- thread's lines; were it ever sent, its 200 would not count.
--
-- At the end one line: "figures SIGNUPS OTHER SECONDS RATE P50_MS P99_MS
-- ERRORS", where SIGNUPS are 303 answers to the POSTs, OTHER the status
-- codes of any other answers to them ("-" if none), SECONDS from the first
-- request to the last answer, and ERRORS wrk's socket errors and timeouts.

local threads = {}

local function now()  -- wall clock in seconds; only at the start and end
    local p = io.popen("date +%s.%N")
    local t = tonumber(p:read("*l"))
    p:close()
    return t
end

function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
end

function init(args)
    local nthreads = tonumber(args[2])
    lines = {}
    if tid == 0 then
        lines[1] = wrk.format("GET", "/static/site.css")
    end
    posts = 0
    local i = 0
    for line in io.lines(args[1]) do
        if i % nthreads == tid then
            local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
            lines[#lines + 1] = wrk.format("POST", path, {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["Cookie"] = cookie,
            }, body)
            posts = posts + 1
        end
        i = i + 1
    end
    sent, answered, signups, other, t0, t1 = 0, 0, 0, "", 0, 0
end

function request()
    if sent == 0 then
        t0 = now()
    end
    sent = sent + 1
    return lines[sent]
end

-- Once a thread's lines are all sent its connections wait (longer than any
-- run) instead of sending more, until its last answers are in.
function delay()
    return sent >= #lines and 3600000 or 0
end

function response(status, headers, body)
    if status == 200 then  -- the static file, not a sign-up
        return
    end
    answered = answered + 1
    if status == 303 then
        signups = signups + 1
    else
        other = other .. " " .. status
    end
    if answered == posts then
        t1 = now()
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local n, other, t0, t1, finished = 0, "", math.huge, 0, true
    for _, t in ipairs(threads) do
        n = n + t:get("signups")
        other = other .. t:get("other")
        t0 = math.min(t0, t:get("t0"))
        t1 = math.max(t1, t:get("t1"))
        finished = finished and t:get("t1") > 0
    end
    -- a thread that did not finish its lines ran until wrk's -d ended
    local secs = finished and (t1 - t0) or summary.duration / 1e6
    local e = summary.errors
    io.write(string.format("figures %d %s %.2f %.1f %.2f %.2f %d\n", n,
        other == "" and "-" or (other:sub(2):gsub(" ", ",")), secs, n / secs,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.connect + e.read + e.write + e.timeout))
end
