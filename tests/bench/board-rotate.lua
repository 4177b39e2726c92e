-- wrk -s tests/bench/board-rotate.lua URL -- PATHS_FILE
-- GETs the paths of PATHS_FILE (one a line) in turn, each thread from its
-- own place in the list. With many more paths than a worker keeps copies of
-- (PAGECACHE_SLOTS in fcgi/pagecache.h), a view never finds a copy, so this
-- measures pages made from the database every time. Headers given with -H
-- go with every request.
local paths, i, threads = {}, 0, 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

function init(args)
    for line in io.lines(args[1]) do
        paths[#paths + 1] = line
    end
    i = (tid or 0) * 97
end

function request()
    i = i + 1
    return wrk.format("GET", paths[(i % #paths) + 1])
end
