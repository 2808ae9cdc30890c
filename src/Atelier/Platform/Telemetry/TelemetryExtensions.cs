using System.Text;
using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Platform.Telemetry;

internal static class TelemetryExtensions
{
    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication",
        "System.Runtime", "System.Net.Http", "Npgsql", "Microsoft.EntityFrameworkCore", "Atelier",
    ];

    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        // Structured JSON logs; the trace and span ids of the request ride along in every entry's scope.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (builder.Configuration.GetValue("Atelier:Logging:Json", true))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        builder.Services.AddSingleton(sp => new PrometheusExporter(Meters, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        return builder;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (PrometheusExporter exporter, IDbContextFactory<AppDb> dbFactory, CancellationToken ct) =>
        {
            var text = new StringBuilder(exporter.Scrape());
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var counts = await db.Jobs.AsNoTracking().GroupBy(j => j.Status)
                    .Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
                PrometheusExporter.AppendGauge(text, "atelier_jobs", "Jobs in the durable queue by status.",
                    Enum.GetValues<JobStatus>().Select(s => (
                        $"status=\"{s.ToString().ToLowerInvariant()}\"",
                        (double)(counts.FirstOrDefault(c => c.Status == s)?.Count ?? 0))));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PrometheusExporter.AppendGauge(text, "atelier_jobs_scrape_error", "1 when the job queue could not be read.", [("", 1)]);
            }
            return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        }).ExcludeFromDescription().DisableRateLimiting();
        return app;
    }
}
