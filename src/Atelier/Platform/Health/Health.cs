using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Platform.Health;

internal sealed class DatabaseHealthCheck(IDbContextFactory<AppDb> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            // A real query against our schema: a reachable server with a missing schema is not ready either.
            await db.Keys.AsNoTracking().Select(k => k.Name).FirstOrDefaultAsync(ct);
            return HealthCheckResult.Healthy($"{db.Database.ProviderName} reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database is unreachable.", ex);
        }
    }
}

internal sealed class JobQueueHealthCheck(IDbContextFactory<AppDb> factory, JobWorkerState state, IOptions<JobOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow().UtcDateTime;
            var pending = await db.Jobs.CountAsync(j => j.Status == JobStatus.Pending, ct);
            var overdue = await db.Jobs.CountAsync(j => j.Status == JobStatus.Pending && j.RunAt < now.AddMinutes(-5), ct);
            var dead = await db.Jobs.CountAsync(j => j.Status == JobStatus.Dead, ct);
            var data = new Dictionary<string, object> { ["pending"] = pending, ["overdue"] = overdue, ["dead"] = dead };
            if (options.Value.Workers > 0 && now - state.LastLoopAt > options.Value.PollInterval * 5 + TimeSpan.FromSeconds(30))
            {
                return HealthCheckResult.Degraded("The job workers of this instance have stopped polling.", data: data);
            }
            return overdue > 0
                ? HealthCheckResult.Degraded($"{overdue} job(s) waiting for more than five minutes.", data: data)
                : HealthCheckResult.Healthy($"{pending} pending, {dead} dead-lettered", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The job queue cannot be read.", ex);
        }
    }
}

internal static class HealthExtensions
{
    public static IHostApplicationBuilder AddAtelierHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<JobQueueHealthCheck>("jobs", tags: ["ready"]);
        return builder;
    }

    public static IEndpointRouteBuilder MapAtelierHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = 200,
                [HealthStatus.Degraded] = 200,
                [HealthStatus.Unhealthy] = 503,
            },
        }).DisableRateLimiting();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = e.Value.Duration.TotalMilliseconds,
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JobQueue.Json, context.RequestAborted);
    }
}
