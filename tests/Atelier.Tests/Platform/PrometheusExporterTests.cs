using System.Diagnostics.Metrics;
using Atelier.Platform.Telemetry;

namespace Atelier.Tests.Platform;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Histogram_IsWrittenWithCumulativeBuckets_SumAndCount_PerLabelSet()
    {
        using var meter = new Meter("Test.Histogram." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter([meter.Name]);
        var histogram = meter.CreateHistogram<double>("http.server.request.duration", unit: "s", description: "Duration.");
        histogram.Record(0.003, new KeyValuePair<string, object?>("http.route", "/a"));
        histogram.Record(0.02, new KeyValuePair<string, object?>("http.route", "/a"));
        histogram.Record(30, new KeyValuePair<string, object?>("http.route", "/a"));
        histogram.Record(0.5, new KeyValuePair<string, object?>("http.route", "/b"));

        var text = exporter.Scrape();

        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram\n");
        text.ShouldContain("http_server_request_duration_seconds_bucket{http_route=\"/a\",le=\"0.005\"} 1\n");
        text.ShouldContain("http_server_request_duration_seconds_bucket{http_route=\"/a\",le=\"0.025\"} 2\n");
        text.ShouldContain("http_server_request_duration_seconds_bucket{http_route=\"/a\",le=\"10\"} 2\n");
        text.ShouldContain("http_server_request_duration_seconds_bucket{http_route=\"/a\",le=\"+Inf\"} 3\n");
        text.ShouldContain("http_server_request_duration_seconds_count{http_route=\"/a\"} 3\n");
        text.ShouldContain("http_server_request_duration_seconds_sum{http_route=\"/a\"} 30.023\n");
        text.ShouldContain("http_server_request_duration_seconds_count{http_route=\"/b\"} 1\n");
        // One TYPE line per metric, however many series.
        text.Split('\n').Count(l => l.StartsWith("# TYPE http_server_request_duration_seconds ", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public void CountersGetTotal_UpDownCountersAreGauges_AndLabelValuesAreEscaped()
    {
        using var meter = new Meter("Test.Counters." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter([meter.Name]);
        var counter = meter.CreateCounter<long>("jobs.completed");
        var active = meter.CreateUpDownCounter<long>("http.server.active_requests");
        counter.Add(2, new KeyValuePair<string, object?>("kind", "say \"hi\"\\now\n"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "say \"hi\"\\now\n"));
        active.Add(5);
        active.Add(-2);

        var text = exporter.Scrape();

        text.ShouldContain("# TYPE jobs_completed_total counter\n");
        text.ShouldContain("jobs_completed_total{kind=\"say \\\"hi\\\"\\\\now\\n\"} 5\n");
        text.ShouldContain("# TYPE http_server_active_requests gauge\n");
        text.ShouldContain("http_server_active_requests 3\n");
    }

    [Fact]
    public void ObservableGauges_AreSampledAtScrape_AndOtherMetersAreIgnored()
    {
        using var meter = new Meter("Test.Observable." + Guid.NewGuid().ToString("N"));
        using var other = new Meter("Test.Other." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter([meter.Name]);
        var value = 1;
        meter.CreateObservableGauge("queue.depth", () => value);
        other.CreateCounter<int>("not.exported").Add(1);

        exporter.Scrape().ShouldContain("queue_depth 1\n");
        value = 7;
        var text = exporter.Scrape();
        text.ShouldContain("queue_depth 7\n");
        text.ShouldNotContain("not_exported");
    }

    [Fact]
    public void TheSameTags_InAnyOrder_AndBoxedAnew_CountInOneSeries_AndManyTagSetsAreAllKept()
    {
        using var meter = new Meter("Test.TagSets." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter([meter.Name]);
        var counter = meter.CreateCounter<long>("requests");
        object status = 200;
        counter.Add(1, new("status", status), new("route", "/a"));
        counter.Add(1, new("route", "/a"), new("status", (object)200));
        counter.Add(1, new("status", (object)200), new("route", "/a"));
        counter.Add(1, new("status", (object)404), new("route", "/a"));
        // More tag sets than an instrument remembers: every one is still counted, in its own series.
        Parallel.For(0, 400, i => counter.Add(1, new KeyValuePair<string, object?>("user", i % 100)));

        var text = exporter.Scrape();

        text.ShouldContain("requests_total{route=\"/a\",status=\"200\"} 3\n");
        text.ShouldContain("requests_total{route=\"/a\",status=\"404\"} 1\n");
        for (var i = 0; i < 100; i++)
        {
            text.ShouldContain($"requests_total{{user=\"{i}\"}} 4\n");
        }
    }
}
