using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Platform.Data;

namespace Atelier.Platform.Jobs;

public sealed class JobOptions
{
    /// <summary>Concurrent workers on each instance. 0 turns background processing off on this instance.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>First retry delay; each later retry doubles it (with jitter), capped at one hour.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed job may run before another instance may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Succeeded jobs older than this are deleted.</summary>
    public TimeSpan KeepSucceeded { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>The attempt a handler is running (scoped to the job): on the last one it may record the failure for the user.</summary>
public sealed class JobRun
{
    public int Attempt { get; internal set; } = 1;
    public int MaxAttempts { get; internal set; } = 1;
    public bool IsLastAttempt => Attempt >= MaxAttempts;
}

/// <summary>What the health check and metrics read about this instance's workers.</summary>
public sealed class JobWorkerState
{
    private long _lastLoopTicks;
    public DateTime LastLoopAt => new(Interlocked.Read(ref _lastLoopTicks), DateTimeKind.Utc);
    internal void Beat(DateTime now) => Interlocked.Exchange(ref _lastLoopTicks, now.Ticks);
}

internal sealed class JobWorker(
    IDbContextFactory<AppDb> dbFactory,
    IServiceScopeFactory scopes,
    JobQueue queue,
    JobWorkerState state,
    TimeProvider time,
    IOptions<JobOptions> options,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}";
    private DateTime _nextCleanup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Math.Max(0, options.Value.Workers);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => LoopAsync(stoppingToken)));
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            state.Beat(time.GetUtcNow().UtcDateTime);
            bool worked;
            try
            {
                worked = await RunOneAsync(ct);
                await CleanupAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be briefly unreachable; keep the worker alive and try again after a pause.
                logger.LogWarning(ex, "Job worker loop failed");
                worked = false;
            }
            if (!worked)
            {
                try
                {
                    await queue.WaitAsync(options.Value.PollInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and runs one due job. Returns false when nothing was due.</summary>
    internal async Task<bool> RunOneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidate = await db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Pending && j.RunAt <= now)
                || (j.Status == JobStatus.Running && j.LockedUntil < now))
            .OrderBy(j => j.RunAt)
            .Select(j => new { j.Id, j.Status, j.Attempts, j.MaxAttempts, j.Kind, j.Payload })
            .FirstOrDefaultAsync(ct);
        if (candidate is null)
        {
            return false;
        }

        // Optimistic claim: only one instance's update matches the status and attempt count it read.
        var claimed = await db.Jobs
            .Where(j => j.Id == candidate.Id && j.Status == candidate.Status && j.Attempts == candidate.Attempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Running)
                .SetProperty(j => j.Attempts, candidate.Attempts + 1)
                .SetProperty(j => j.LockedBy, _instance)
                .SetProperty(j => j.LockedUntil, now + options.Value.Lease), ct);
        if (claimed == 0)
        {
            return true; // someone else took it; look for the next one straight away
        }

        var attempt = candidate.Attempts + 1;
        string? error = null;
        // Each job gets a scope of its own: handlers may use a DbContext and other scoped services.
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetServices<IJobHandler>().FirstOrDefault(h => h.Kind == candidate.Kind);
        var run = scope.ServiceProvider.GetRequiredService<JobRun>();
        run.Attempt = attempt;
        run.MaxAttempts = candidate.MaxAttempts;
        if (handler is null)
        {
            error = $"No handler is registered for job kind '{candidate.Kind}'.";
            attempt = candidate.MaxAttempts;
        }
        else
        {
            using var lease = CancellationTokenSource.CreateLinkedTokenSource(ct);
            lease.CancelAfter(options.Value.Lease);
            try
            {
                await handler.HandleAsync(candidate.Payload, lease.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down: hand the job back untouched so the next instance runs it.
                await db.Jobs.Where(j => j.Id == candidate.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Pending)
                    .SetProperty(j => j.Attempts, candidate.Attempts)
                    .SetProperty(j => j.LockedBy, (string?)null)
                    .SetProperty(j => j.LockedUntil, (DateTime?)null), CancellationToken.None);
                throw;
            }
            catch (Exception ex)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        var done = time.GetUtcNow().UtcDateTime;
        if (error is null)
        {
            await db.Jobs.Where(j => j.Id == candidate.Id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.CompletedAt, done)
                .SetProperty(j => j.LockedUntil, (DateTime?)null)
                .SetProperty(j => j.LastError, (string?)null), CancellationToken.None);
            return true;
        }

        if (error.Length > 2000)
        {
            error = error[..2000];
        }
        var dead = attempt >= candidate.MaxAttempts;
        var retryAt = done + Backoff(attempt);
        logger.LogWarning("Job {JobId} ({Kind}) attempt {Attempt} failed{Outcome}: {Error}", candidate.Id, candidate.Kind,
            attempt, dead ? " and is dead-lettered" : $", retrying at {retryAt:O}", error);
        await db.Jobs.Where(j => j.Id == candidate.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, dead ? JobStatus.Dead : JobStatus.Pending)
            .SetProperty(j => j.RunAt, dead ? done : retryAt)
            .SetProperty(j => j.CompletedAt, dead ? done : null)
            .SetProperty(j => j.LockedUntil, (DateTime?)null)
            .SetProperty(j => j.LastError, error), CancellationToken.None);
        return true;
    }

    private TimeSpan Backoff(int attempt)
    {
        var baseDelay = options.Value.RetryBaseDelay;
        var exp = baseDelay * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = exp > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : exp;
        return capped * (0.8 + Random.Shared.NextDouble() * 0.4);
    }

    private async Task CleanupAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now + TimeSpan.FromHours(1);
        var before = now - options.Value.KeepSucceeded;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Jobs.Where(j => j.Status == JobStatus.Succeeded && j.CompletedAt < before).ExecuteDeleteAsync(ct);
    }
}

internal static class JobExtensions
{
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<JobOptions>(builder.Configuration.GetSection("Atelier:Jobs"));
        builder.Services.AddSingleton<JobQueue>();
        builder.Services.AddScoped<JobRun>();
        builder.Services.AddSingleton<JobWorkerState>();
        builder.Services.AddHostedService<JobWorker>();
        return builder;
    }
}
