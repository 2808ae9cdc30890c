using Npgsql;

namespace Atelier.Tests.Platform;

/// <summary>Readiness follows the database: an instance that cannot reach PostgreSQL says so with 503.</summary>
public sealed class HealthOutageTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    [Fact]
    public async Task Ready_Is503WhenTheDatabaseIsUnreachable_AndRecovers()
    {
        var client = app.CreateClient();
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var database = new NpgsqlConnectionStringBuilder(app.ConnectionString).Database!;
        var admin = (await PostgresServer.GetAsync()).AdminConnectionString;
        await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false");
        await ExecuteAsync(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        NpgsqlConnection.ClearAllPools();
        try
        {
            var down = await client.GetAsync("/health/ready");
            down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var body = await down.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            body.GetProperty("status").GetString().ShouldBe("Unhealthy");
            body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("Unhealthy");
            // Liveness is about the process, not its dependencies: a proxy should not restart it for a database outage.
            (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
            // API calls that need the database fail cleanly: 503 problem details with a hint when to retry.
            var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.org", password = "whatever 1" });
            login.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            login.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            login.Headers.RetryAfter.ShouldNotBeNull();
        }
        finally
        {
            await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true");
        }
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task ExecuteAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
