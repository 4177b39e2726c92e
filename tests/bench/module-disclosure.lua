-- wrk -s tests/bench/module-disclosure.lua: one summary line at the end,
-- "figures REQ_PER_S P50_MS P99_MS ERRORS" (errors: socket errors, timeouts
-- and answers other than 2xx/3xx), read by module-disclosure.sh.
done = function(summary, latency, requests)
    local e = summary.errors
    local bad = e.connect + e.read + e.write + e.timeout + e.status
    io.write(string.format("figures %.2f %.2f %.2f %d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
