using System.Text.Json;
using Atelier.Platform.Cluster;

namespace Atelier.Tests.Messenger;

/// <summary>A second Atelier instance on the same PostgreSQL database, as behind a proxy in production.</summary>
public sealed class SecondChatInstance(string connectionString) : AtelierFactory(Db.Postgres)
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = ChatApps.With(base.Settings());
        settings["ConnectionStrings:Atelier"] = connectionString;
        return settings;
    }
}

/// <summary>Members connected to different instances hear each other: events travel through PostgreSQL NOTIFY.</summary>
public sealed class ChatClusterTests(ChatPostgresApp app) : IClassFixture<ChatPostgresApp>
{
    [Fact]
    public async Task MembersOnDifferentInstances_GetEveryEvent_EvenMessagesTooLongForOneNotification()
    {
        await using var second = new SecondChatInstance(app.ConnectionString!);
        await ((IAsyncLifetime)second).InitializeAsync();
        _ = second.Server; // start it
        foreach (var instance in new AtelierFactory[] { app, second })
        {
            var bus = instance.Services.GetRequiredService<PostgresClusterBus>();
            for (var i = 0; i < 100 && !bus.Listening; i++)
            {
                await Task.Delay(100);
            }
            bus.Listening.ShouldBeTrue();
        }
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Across", bob);
        await using var a = await HubClient.ConnectAsync(app.Server, "/hubs/chat", ann.Token);
        await using var b = await HubClient.ConnectAsync(second.Server, "/hubs/chat", bob.Token);

        var online = await a.NextAsync("PresenceChanged"); // her own, then Bob's from the other instance
        if (online.GetProperty("userId").GetGuid() == ann.Id)
        {
            online = await a.NextAsync("PresenceChanged");
        }
        online.GetProperty("userId").GetGuid().ShouldBe(bob.Id);

        await a.InvokeAsync<JsonElement>("Send", group, "k1", "hello from instance one", null, null);
        (await b.NextAsync("MessageCreated")).GetProperty("text").GetString().ShouldBe("hello from instance one");
        (await a.NextAsync("MessageCreated")).GetProperty("text").GetString().ShouldBe("hello from instance one"); // her own devices too

        var long_ = string.Concat(Enumerable.Repeat("долгое сообщение ", 470)).Trim(); // ~16 KB of UTF-8, over NOTIFY's 8,000 bytes
        long_.Length.ShouldBeLessThanOrEqualTo(8000);
        await b.InvokeAsync<JsonElement>("Send", group, "k2", long_, null, null);
        (await a.NextAsync("MessageCreated")).GetProperty("text").GetString().ShouldBe(long_);

        await a.InvokeAsync<JsonElement>("Send", group, "k3", "got it?", null, null);
        await b.NextAsync("MessageCreated");
        await b.InvokeAsync("MarkRead", group, 3);
        var read = await a.NextAsync("ReadUpTo");
        read.GetProperty("userId").GetGuid().ShouldBe(bob.Id);
        read.GetProperty("seq").GetInt64().ShouldBe(3);
    }
}
