using System.Net.Http.Json;
using Atelier.Platform.Cluster;

namespace Atelier.Tests.Platform;

public sealed class ClusterMessageTests
{
    [Theory]
    [InlineData("content", "")]
    [InlineData("chat", "a|b|c")]
    public void Messages_RoundTrip_EvenWithSeparatorsInThePayload(string channel, string payload)
    {
        PostgresClusterBus.TryDecode(PostgresClusterBus.Encode("me", channel, payload), out var instance, out var c, out var p).ShouldBeTrue();
        (instance, c, p).ShouldBe(("me", channel, payload));
    }

    [Theory]
    [InlineData("")]
    [InlineData("only|two")]
    [InlineData("|content|x")]
    public void ForeignMessages_AreIgnored(string message) =>
        PostgresClusterBus.TryDecode(message, out _, out _, out _).ShouldBeFalse();
}

/// <summary>Two instances of one Atelier on one PostgreSQL database and data folder, as behind a load balancer.</summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private readonly PostgresApp _first = new();
    private PeerApp? _second;

    private sealed class PeerApp(AtelierFactory first) : AtelierFactory(Db.Postgres)
    {
        public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

        protected override IDictionary<string, string?> Settings()
        {
            var s = base.Settings();
            s["Atelier:DataPath"] = first.DataPath;
            s["ConnectionStrings:Atelier"] = first.ConnectionString;
            return s;
        }
    }

    public async ValueTask InitializeAsync()
    {
        await _first.InitializeAsync();
        _first.CreateClient().Dispose();
        _second = new PeerApp(_first);
        await _second.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task PublishingOnOneInstance_RefreshesTheCachedPagesOfTheOther()
    {
        var owner = _first.CreateClient((await _first.OwnerAsync(_first.CreateClient())).AccessToken);
        var created = await owner.PostAsJsonAsync("/api/v1/posts", new { title = "Tour dates", source = "Berlin in May.", status = "Published" });
        created.EnsureSuccessStatusCode();

        // The second instance renders the page and keeps it in its output cache (for a minute when nothing is said).
        var reader = _second!.CreateClient();
        (await reader.GetStringAsync("/posts/tour-dates")).ShouldContain("Berlin in May.");
        (await reader.GetStringAsync("/")).ShouldContain("Tour dates");

        (await owner.PutAsJsonAsync("/api/v1/posts/tour-dates", new { title = "Tour dates", source = "Berlin is moved to June.", status = "Published" }))
            .EnsureSuccessStatusCode();

        (await EventuallyAsync(() => reader.GetStringAsync("/posts/tour-dates"), page => page.Contains("moved to June", StringComparison.Ordinal)))
            .ShouldBeTrue("the second instance still serves the old page");

        (await owner.DeleteAsync("/api/v1/posts/tour-dates")).EnsureSuccessStatusCode();
        (await EventuallyAsync(() => reader.GetStringAsync("/"), page => !page.Contains("Tour dates", StringComparison.Ordinal)))
            .ShouldBeTrue("the second instance's home page still lists the deleted post");
    }

    /// <summary>Polls for up to 10 s (far below the cache's minute, so a missed notification fails the test).</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<string>> read, Func<string, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            if (done(await read()))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
