using System.Text.Json;
using Atelier.Platform.Data;

namespace Atelier.Platform.Jobs;

/// <summary>Handles one kind of job. Throwing means "try again later"; after the last attempt the job is dead-lettered.</summary>
public interface IJobHandler
{
    string Kind { get; }
    Task HandleAsync(string payload, CancellationToken ct);
}

/// <summary>A handler whose payload is a JSON document of <typeparamref name="T"/>.</summary>
public abstract class JobHandler<T> : IJobHandler
{
    public abstract string Kind { get; }

    public Task HandleAsync(string payload, CancellationToken ct) =>
        HandleAsync(JsonSerializer.Deserialize<T>(payload, JobQueue.Json)
            ?? throw new InvalidOperationException($"Job payload for {Kind} is empty."), ct);

    protected abstract Task HandleAsync(T payload, CancellationToken ct);
}

/// <summary>Puts jobs in the jobs table and wakes the local workers.</summary>
public sealed class JobQueue(TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Adds a job to <paramref name="db"/>; it is stored with the caller's <c>SaveChangesAsync</c>, so it commits with the work that caused it.</summary>
    public void Enqueue<T>(AppDb db, string kind, T payload, TimeSpan? delay = null, int maxAttempts = 8)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.Jobs.Add(new Job
        {
            Kind = kind,
            Payload = JsonSerializer.Serialize(payload, Json),
            RunAt = now + (delay ?? TimeSpan.Zero),
            CreatedAt = now,
            MaxAttempts = maxAttempts,
        });
        db.SavedChanges += OnSaved;
    }

    private void OnSaved(object? sender, Microsoft.EntityFrameworkCore.SavedChangesEventArgs e)
    {
        ((AppDb)sender!).SavedChanges -= OnSaved;
        Wake();
    }

    /// <summary>Wakes a sleeping worker of this instance; others find the job on their next poll.</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
