using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Atelier.Graph;
using Atelier.Graph.Osc;

namespace Atelier.Features.Studio.Runs;

/// <summary>
/// The server runs in progress: each is a task of its own driving a <see cref="GraphEvaluator"/> in real time and
/// streaming what it does to the owner's studio connections. Runs end by themselves (finished, step limit), when their
/// owner stops them, or when the host shuts down (<see cref="StopAsync"/> cancels and waits for every one).
/// </summary>
internal sealed partial class StudioRuns(IHubContext<StudioHub, IStudioClient> hub, IOptionsMonitor<StudioRunOptions> options,
    TimeProvider time, ILogger<StudioRuns> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<Guid, Run> _runs = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _starting = new();

    private sealed record Run(Guid Id, Guid OwnerId, CancellationTokenSource Stop)
    {
        public Task Task { get; set; } = Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OscAllowList.Parse(options.CurrentValue.OscAllowedHosts).Invalid is { Count: > 0 } invalid)
        {
            LogInvalidAllowList(string.Join(", ", invalid));
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts a run of <paramref name="graph"/> for <paramref name="ownerId"/>, or null when they already have the most runs allowed.</summary>
    public Guid? Start(Guid ownerId, CompiledGraph graph, TimeSpan duration)
    {
        Run run;
        lock (_starting)
        {
            if (_runs.Values.Count(r => r.OwnerId == ownerId) >= RunLimits.MaxConcurrentPerUser)
            {
                return null;
            }
            run = new Run(Guid.CreateVersion7(), ownerId, CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token));
            _runs[run.Id] = run;
        }
        // The request returns 202 at once; the run must not carry the request's execution context (its log scopes,
        // its trace activity) through minutes of work after the request is gone.
        using (ExecutionContext.SuppressFlow())
        {
            run.Task = Task.Run(() => ExecuteAsync(run, graph, duration), CancellationToken.None);
        }
        return run.Id;
    }

    /// <summary>Stops a run of <paramref name="ownerId"/>; false when they have no such run (anyone else's looks the same).</summary>
    public bool Stop(Guid ownerId, Guid runId)
    {
        if (!_runs.TryGetValue(runId, out var run) || run.OwnerId != ownerId)
        {
            return false;
        }
        try
        {
            run.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended between the lookup and now.
        }
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        await Task.WhenAll(_runs.Values.Select(r => r.Task)).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _shutdown.Dispose();

    private async Task ExecuteAsync(Run run, CompiledGraph graph, TimeSpan duration)
    {
        var client = hub.Clients.Group(StudioHub.GroupOf(run.OwnerId));
        var allowList = OscAllowList.Parse(options.CurrentValue.OscAllowedHosts);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Dictionary<string, object>(StringComparer.Ordinal);
        var lastFlush = long.MinValue;
        string reason;
        using var sender = new OscUdpSender(allowList);

        Task Log(string level, string? node, string message) => client.RunLog(run.Id, new RunLogEntry(time.GetUtcNow(), level, node, message));

        async Task FlushValuesAsync()
        {
            if (pending.Count > 0)
            {
                var values = new Dictionary<string, object>(pending, StringComparer.Ordinal);
                pending.Clear();
                lastFlush = time.GetTimestamp();
                await client.RunValues(run.Id, values);
            }
        }

        async ValueTask OnStepAsync(StepResult step, CancellationToken ct)
        {
            foreach (var entry in step.Logs)
            {
                await Log("info", entry.NodeId, entry.Message);
            }
            foreach (var request in step.Osc)
            {
                var (outcome, error) = await sender.SendAsync(request.Host, request.Port, request.ToMessage().Encode(), ct);
                var target = $"{request.Host}:{request.Port}";
                // One warning per node and target: a clock would otherwise repeat it on every beat.
                if (outcome != OscSendOutcome.Sent && refused.Add(request.NodeId + " " + target))
                {
                    var message = outcome == OscSendOutcome.NotAllowed
                        ? $"OSC to {target} is not allowed; an administrator can allow it in Atelier:Studio:OscAllowedHosts"
                        : $"OSC to {target} failed: {error}";
                    LogOscRefused(run.Id, request.NodeId, message);
                    await Log("warn", request.NodeId, message);
                }
            }
            foreach (var (node, value) in step.Changed)
            {
                pending[node] = value.Kind == ValueKind.Text ? value.Text! : value.Number;
            }
            if (lastFlush == long.MinValue || time.GetElapsedTime(lastFlush) >= RunLimits.ValuesInterval)
            {
                await FlushValuesAsync();
            }
        }

        try
        {
            var ignored = graph.Ignored.Count > 0 ? $"; {graph.Ignored.Count} browser-only node(s) left out ({string.Join(", ", graph.Ignored.Take(10))})" : "";
            await Log("info", null, $"Run started: {graph.Order.Count} node(s), up to {duration.TotalSeconds:0} s{ignored}.");
            var end = await GraphRunner.RunAsync(new GraphEvaluator(graph), time, duration, RunLimits.MaxSteps, OnStepAsync, run.Stop.Token);
            reason = end switch
            {
                RunEnd.Finished => "finished",
                RunEnd.Stopped => "stopped",
                _ => $"error: the run reached its limit of {RunLimits.MaxSteps} steps",
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRunFailed(e, run.Id);
            reason = "error: the run failed on the server";
        }
        _runs.TryRemove(run.Id, out _);
        run.Stop.Dispose();
        try
        {
            await FlushValuesAsync();
            await client.RunEnded(run.Id, reason);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRunFailed(e, run.Id);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Run {RunId}, node {NodeId}: {Message}")]
    private partial void LogOscRefused(Guid runId, string nodeId, string message);

    [LoggerMessage(LogLevel.Error, "Studio run {RunId} failed")]
    private partial void LogRunFailed(Exception exception, Guid runId);

    [LoggerMessage(LogLevel.Warning, "Atelier:Studio:OscAllowedHosts has entries that are not host:port or host:* and allow nothing: {Entries}")]
    private partial void LogInvalidAllowList(string entries);
}
