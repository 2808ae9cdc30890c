using System.Text.Json;

namespace Atelier.Tests.Messenger;

/// <summary>A host whose send limit is 5 per 10 s, so a flood meets it however slowly a busy machine runs the sends.</summary>
public sealed class ChatFloodApp() : AtelierFactory(Db.Sqlite)
{
    public const int Limit = 5;

    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Atelier:Chat:SendsPer10Seconds"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}

/// <summary>The per-user send limit, over the hub and the REST API together (docs/chat.md, "Limits").</summary>
public sealed class ChatFloodTests(ChatFloodApp app) : IClassFixture<ChatFloodApp>
{
    [Fact]
    public async Task AFloodOverRest_IsRefusedWithRetryAfter_RetriesAreStillAnswered_AndOthersStillSend()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Flood", bob);
        HttpResponseMessage? refused = null;
        var created = 0;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = $"f{i}", text = $"spam {i}" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.Created);
                created++;
            }
        }
        refused.ShouldNotBeNull();
        created.ShouldBeGreaterThanOrEqualTo(ChatFloodApp.Limit); // the whole allowance first
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
        (await ChatApps.ProblemAsync(refused)).Title.ShouldStartWith("Too many messages: wait");
        // A retry of a stored message is not a new send: it is answered, not refused.
        (await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = "f0", text = "spam 0" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bob.SendAsync(group, "I can still talk")).GetProperty("text").GetString().ShouldBe("I can still talk");
    }

    [Fact]
    public async Task AFloodOverTheHub_GetsAClearError_AndNobodysConnectionBreaks()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Hub flood", bob);
        await using var a = await HubClient.ConnectAsync(app.Server, "/hubs/chat", ann.Token);
        await using var b = await HubClient.ConnectAsync(app.Server, "/hubs/chat", bob.Token);
        HubCallException? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            try
            {
                await a.InvokeAsync<JsonElement>("Send", group, $"h{i}", $"flood {i}", null, null);
            }
            catch (HubCallException e)
            {
                refused = e;
            }
        }
        refused.ShouldNotBeNull();
        refused.Message.ShouldContain("Too many messages: wait");
        (await b.InvokeAsync<JsonElement>("Send", group, "calm", "calm", null, null)).GetProperty("text").GetString().ShouldBe("calm");
        a.Closed.IsCompleted.ShouldBeFalse();
        b.Closed.IsCompleted.ShouldBeFalse();
        await a.InvokeAsync("Typing", group); // still a working connection
        // The REST API counts against the same allowance.
        // The REST API counts against the same allowance (one send refills every 2 s: of three in a row, one is refused).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = $"r{i}", text = "via REST" })).StatusCode);
        }
        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
    }
}
