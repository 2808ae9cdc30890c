namespace Atelier.Tests.Platform;

public sealed class RateLimitTests(RateLimitTests.App app) : IClassFixture<RateLimitTests.App>
{
    public sealed class App() : AtelierFactory(Db.Sqlite)
    {
        protected override IDictionary<string, string?> Settings()
        {
            var s = base.Settings();
            s["Atelier:RateLimits:AuthPerMinute"] = "5";
            s["Atelier:RateLimits:GlobalPerMinute"] = "40";
            return s;
        }
    }

    [Fact]
    public async Task BruteForceOnAuth_Gets429ProblemWithRetryAfter()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.44");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 7; i++)
        {
            last = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody{i}@example.org", password = "guess guess" });
            statuses.Add(last.StatusCode);
        }
        statuses.Take(5).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses.Skip(5).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
        last!.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        last.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        // Health probes are never limited, so a proxy or orchestrator keeps seeing the instance.
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GlobalLimit_AppliesPerClient_ButNotToHealthProbes()
    {
        // Each client is told apart by its address, here as the trusted local proxy reports it.
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var limitedAfter = 0;
        for (var i = 1; i <= 60 && limitedAfter == 0; i++)
        {
            if ((await client.GetAsync("/api/v1/admin/status")).StatusCode == HttpStatusCode.TooManyRequests)
            {
                limitedAfter = i;
            }
        }
        limitedAfter.ShouldBe(41);
        for (var i = 0; i < 5; i++)
        {
            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        var other = app.CreateClient();
        other.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.9");
        (await other.GetAsync("/api/v1/admin/status")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GlobalLimit_CountsSignedInUsersByAccount_NotByTheirAddress()
    {
        // Two API users behind the same address (one office, one NAT) each get their own allowance.
        var shared = "203.0.113.200";
        async Task<Tokens> UserAsync(string setupAddress)
        {
            var setup = app.CreateClient(); // registering takes three auth calls: each user from its own address
            setup.DefaultRequestHeaders.Add("X-Forwarded-For", setupAddress);
            return await app.RegisterConfirmedAsync(setup, $"user-{Guid.NewGuid():N}@example.org");
        }
        var first = await UserAsync("198.51.100.77");
        var second = await UserAsync("198.51.100.78");

        var a = app.CreateClient(first.AccessToken);
        a.DefaultRequestHeaders.Add("X-Forwarded-For", shared);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 41; i++)
        {
            statuses.Add((await a.GetAsync("/api/v1/me")).StatusCode);
        }
        statuses.Take(40).ShouldAllBe(s => s == HttpStatusCode.OK);
        statuses[40].ShouldBe(HttpStatusCode.TooManyRequests);

        var b = app.CreateClient(second.AccessToken);
        b.DefaultRequestHeaders.Add("X-Forwarded-For", shared);
        (await b.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
