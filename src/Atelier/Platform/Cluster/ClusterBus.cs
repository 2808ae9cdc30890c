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

/// <summary>The handlers of each channel, shared by both buses.</summary>
internal sealed class ClusterHandlers(IEnumerable<IClusterHandler> handlers, ILogger<ClusterHandlers> log)
{
    private readonly ILookup<string, IClusterHandler> _byChannel = handlers.ToLookup(h => h.Channel, StringComparer.Ordinal);

    public IEnumerable<string> Channels => _byChannel.Select(g => g.Key);

    public async Task DispatchAsync(string channel, string? payload, CancellationToken ct)
    {
        foreach (var handler in _byChannel[channel])
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
/// </summary>
internal sealed class PostgresClusterBus(
    IConfiguration configuration, IOptions<AtelierOptions> options, ClusterHandlers handlers, ILogger<PostgresClusterBus> log)
    : BackgroundService, IClusterBus
{
    public const string PgChannel = "atelier_cluster";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private string ConnectionString => configuration.GetConnectionString("Atelier")!;

    /// <summary>Set while the listener is connected (for health and tests).</summary>
    public bool Listening { get; private set; }

    public async Task PublishAsync(string channel, string payload, CancellationToken ct)
    {
        await handlers.DispatchAsync(channel, payload, ct);
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(ct);
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @message)", connection);
            notify.Parameters.AddWithValue("channel", PgChannel);
            notify.Parameters.AddWithValue("message", Encode(_instance, channel, payload));
            await notify.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The change itself is stored; other instances catch up when their listener reconnects (or their caches expire).
            log.LogWarning(e, "Could not notify the other instances on channel {Channel}", channel);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
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
