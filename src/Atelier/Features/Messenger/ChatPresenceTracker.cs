using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;

namespace Atelier.Features.Messenger;

/// <summary>
/// Presence across devices and instances: each hub connection is a row; a user is online while any of their rows is
/// live and not away, away while all are away, offline otherwise (last seen: when the last one closed). Each instance
/// refreshes its rows every <see cref="Heartbeat"/>; rows of an instance that died stop counting after
/// <see cref="ChatQueries.ConnectionStale"/> and are removed later.
/// </summary>
internal sealed class ChatPresenceTracker(IServiceScopeFactory scopes, TimeProvider time, ILogger<ChatPresenceTracker> log) : BackgroundService
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>This process, as written on its connection rows.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public Task ConnectedAsync(string connectionId, Guid userId) => ChangeAsync(userId, db =>
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.ChatConnections.Add(new ChatConnection { ConnectionId = connectionId, UserId = userId, Instance = Instance, ConnectedAt = now, SeenAt = now });
        return db.SaveChangesAsync();
    });

    public Task DisconnectedAsync(string connectionId, Guid userId) => ChangeAsync(userId, async db =>
    {
        await db.ChatConnections.Where(c => c.ConnectionId == connectionId).ExecuteDeleteAsync();
        await SeenAsync(db, userId);
    });

    public Task SetAwayAsync(string connectionId, Guid userId, bool away) => ChangeAsync(userId, async db =>
    {
        await db.ChatConnections.Where(c => c.ConnectionId == connectionId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Away, away).SetProperty(c => c.SeenAt, time.GetUtcNow().UtcDateTime));
        if (away)
        {
            await SeenAsync(db, userId);
        }
    });

    /// <summary>Runs a change and tells the user's contacts when it changed their status.</summary>
    private async Task ChangeAsync(Guid userId, Func<AppDb, Task> change)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var before = await ChatQueries.PresenceAsync(db, userId, now, CancellationToken.None);
        await change(db);
        var after = await ChatQueries.PresenceAsync(db, userId, time.GetUtcNow().UtcDateTime, CancellationToken.None);
        if (after.Status != before.Status)
        {
            await scope.ServiceProvider.GetRequiredService<ChatEvents>().PresenceChangedAsync(new PresenceChangedDto(userId, after.Status, after.LastSeenAt));
        }
    }

    private async Task SeenAsync(AppDb db, Guid userId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await db.ChatPresence.Where(p => p.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastSeenAt, now)) == 0)
        {
            db.ChatPresence.Add(new ChatPresence { UserId = userId, LastSeenAt = now });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another device wrote it at the same moment
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Heartbeat, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<AppDb>();
                    var now = time.GetUtcNow().UtcDateTime;
                    await db.ChatConnections.Where(c => c.Instance == Instance).ExecuteUpdateAsync(s => s.SetProperty(c => c.SeenAt, now), stoppingToken);
                    var dead = now - 10 * ChatQueries.ConnectionStale;
                    await db.ChatConnections.Where(c => c.SeenAt < dead).ExecuteDeleteAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Could not refresh this instance's chat connections");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            await db.ChatConnections.Where(c => c.Instance == Instance).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogDebug(e, "Could not remove this instance's chat connections at shutdown");
        }
    }
}
