-- Appended to every wrk script by measure() in bench/lib.sh: one machine-readable line after the run, with the
-- percentiles wrk's --latency table leaves out (p95). Latencies in ms; errors split into non-2xx/3xx answers and
-- socket errors (connect, read, write, timeout).
done = function(summary, latency, requests)
  local e = summary.errors
  local function ms(p) return latency:percentile(p) / 1000 end
  io.write(string.format("BENCH-RESULT %.2f %.2f %.2f %.2f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6), ms(50), ms(90), ms(95), ms(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
