using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Atelier.Platform.Cluster;

/// <summary>
/// Reacts to a message on one channel, on every instance of this Atelier (e.g. dropping cached pages when content
/// changed). Registered as a singleton <see cref="IClusterHandler"/>; must be cheap and idempotent.
/// </summary>
public interface IClusterHandler
{
    string Channel { get; }

    /// <summary>
    /// <paramref name="payload"/> is what was published, or null after this instance was cut off from the others for a while
    /// (messages may have been missed: resynchronise).
    /// </summary>
    Task HandleAsync(string? payload, CancellationToken ct);
}

/// <summary>Tells every instance of this Atelier, this one included, that something happened.</summary>
public interface IClusterBus
{
    Task PublishAsync(string channel, string payload, CancellationToken ct);
}

/// <summary>
/// The handlers of each channel, shared by both buses. Resolved on first use: handlers may depend on services that
/// publish on the bus themselves.
/// </summary>
internal sealed class ClusterHandlers(IServiceProvider services, ILogger<ClusterHandlers> log)
{
    private readonly Lazy<ILookup<string, IClusterHandler>> _byChannel = new(
        () => services.GetServices<IClusterHandler>().ToLookup(h => h.Channel, StringComparer.Ordinal));

    public IEnumerable<string> Channels => _byChannel.Value.Select(g => g.Key);

    public async Task DispatchAsync(string channel, string? payload, CancellationToken ct)
    {
        foreach (var handler in _byChannel.Value[channel])
        {
            try
            {
                await handler.HandleAsync(payload, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Cluster handler {Handler} failed on channel {Channel}", handler.GetType().Name, channel);
            }
        }
    }
}

/// <summary>One instance (SQLite): messages go straight to this process's handlers.</summary>
internal sealed class InProcessClusterBus(ClusterHandlers handlers) : IClusterBus
{
    public Task PublishAsync(string channel, string payload, CancellationToken ct) => handlers.DispatchAsync(channel, payload, ct);
}

/// <summary>
/// Several instances on one PostgreSQL: a message is handled here at once and sent to the others with <c>NOTIFY</c>;
/// a background listener (<c>LISTEN</c> on its own connection) hands theirs to our handlers. When the listener loses its
/// connection it reconnects with backoff and tells every handler to resynchronise (payload null).
/// Notifications go through an outbox: one sender, on a connection it keeps, sends everything queued so far (in order,
/// up to <see cref="MaxBatch"/>) in one round trip. A publisher waits until its notification has gone out (or failed,
/// with a warning), as the command line needs before it exits; many publishers at once share round trips instead of
/// each taking a pooled connection.
/// </summary>
internal sealed class PostgresClusterBus(
    IConfiguration configuration, IOptions<AtelierOptions> options, ClusterHandlers handlers, ILogger<PostgresClusterBus> log)
    : BackgroundService, IClusterBus, IAsyncDisposable
{
    public const string PgChannel = "atelier_cluster";
    public const int MaxBatch = 64;

    /// <summary>Notifications waiting beyond this many (the database unreachable for a while) are dropped, with a warning.</summary>
    public const int MaxQueued = 10_000;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly Channel<Outgoing> _outbox = Channel.CreateBounded<Outgoing>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _senderLock = new();
    private Task? _sender;
    private long _dropped;
    private string ConnectionString => configuration.GetConnectionString("Atelier")!;

    private sealed record Outgoing(string Message, TaskCompletionSource Sent);

    /// <summary>Set while the listener is connected (for health and tests).</summary>
    public bool Listening { get; private set; }

    public async Task PublishAsync(string channel, string payload, CancellationToken ct)
    {
        await handlers.DispatchAsync(channel, payload, ct);
        var outgoing = new Outgoing(Encode(_instance, channel, payload), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_outbox.Writer.TryWrite(outgoing))
        {
            // The change itself is stored; other instances catch up when their listener reconnects (or their caches expire).
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped % 1000 == 1)
            {
                log.LogWarning("Could not notify the other instances on channel {Channel}: {Count} notifications dropped so far", channel, dropped);
            }
            return;
        }
        lock (_senderLock)
        {
            if (_sender is null || _sender.IsCompleted)
            {
                _sender = Task.Run(() => SendAsync(_closing.Token));
            }
        }
        await outgoing.Sent.Task.WaitAsync(ct);
    }

    /// <summary>Sends the outbox until the instance stops: each batch in one round trip on a connection kept open.</summary>
    private async Task SendAsync(CancellationToken closing)
    {
        NpgsqlConnection? connection = null;
        var batch = new List<Outgoing>(MaxBatch);
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(closing))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _outbox.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(ConnectionString);
                        await connection.OpenAsync(closing);
                    }
                    await using var notify = new NpgsqlBatch(connection);
                    foreach (var outgoing in batch)
                    {
                        notify.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
                        {
                            Parameters = { new() { Value = PgChannel }, new() { Value = outgoing.Message } },
                        });
                    }
                    await notify.ExecuteNonQueryAsync(closing);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Could not notify the other instances of {Count} events", batch.Count);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                finally
                {
                    foreach (var outgoing in batch)
                    {
                        outgoing.Sent.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
        }
        finally
        {
            // A batch in flight was answered above; what is still queued will not go out now.
            while (_outbox.Reader.TryRead(out var left))
            {
                left.Sent.TrySetResult();
            }
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await CloseOutboxAsync(cancellationToken);
    }

    /// <summary>The command line's end: its last notifications still go out before the connection closes.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await CloseOutboxAsync(timeout.Token);
        Dispose();
    }

    /// <summary>What is queued still goes out (the sender ends once the closed outbox is empty), unless time runs out.</summary>
    private async Task CloseOutboxAsync(CancellationToken ct)
    {
        _outbox.Writer.TryComplete();
        if (_sender is { } sender)
        {
            try
            {
                await sender.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await _closing.CancelAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        await ListenAsync(stoppingToken);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload, stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {PgChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                Listening = true;
                if (!first)
                {
                    log.LogInformation("Cluster listener reconnected; resynchronising");
                    foreach (var channel in handlers.Channels)
                    {
                        await handlers.DispatchAsync(channel, null, stoppingToken);
                    }
                }
                first = false;
                backoff = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                Listening = false;
                first = false;
                log.LogWarning(e, "Cluster listener lost its connection; retrying in {Delay}", backoff);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        Listening = false;
    }

    private void OnNotification(string message, CancellationToken ct)
    {
        if (!TryDecode(message, out var instance, out var channel, out var payload) || instance == _instance)
        {
            return;
        }
        // Not on the connection's reading thread: a slow handler must not hold up the next notification.
        _ = Task.Run(() => handlers.DispatchAsync(channel, payload, ct), ct);
    }

    internal static string Encode(string instance, string channel, string payload) => $"{instance}|{channel}|{payload}";

    internal static bool TryDecode(string message, out string instance, out string channel, out string payload)
    {
        var parts = message.Split('|', 3);
        (instance, channel, payload) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : ("", "", "");
        return parts.Length == 3 && parts[0].Length > 0 && parts[1].Length > 0;
    }
}

internal static class ClusterExtensions
{
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        // Decided when first used, from the bound options (test hosts and the command line add configuration late).
        builder.Services.AddSingleton<ClusterHandlers>();
        builder.Services.AddSingleton<InProcessClusterBus>();
        builder.Services.AddSingleton<PostgresClusterBus>();
        builder.Services.AddSingleton<IClusterBus>(sp =>
            sp.GetRequiredService<IOptions<AtelierOptions>>().Value.Database.Provider == DatabaseProvider.Postgres
                ? sp.GetRequiredService<PostgresClusterBus>()
                : sp.GetRequiredService<InProcessClusterBus>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresClusterBus>());
        return builder;
    }
}
