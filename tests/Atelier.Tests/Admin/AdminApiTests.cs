using System.Text.Json;

namespace Atelier.Tests.Admin;

public abstract class AdminApiTests(AtelierFactory app)
{
    [Fact]
    public async Task Users_ArePagedByKeyset_InStableOrder_WithoutGapsOrRepeats()
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        for (var i = 0; i < 7; i++)
        {
            (await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"page{i}-{Guid.NewGuid():N}@example.org", password = "password 123", displayName = $"P{i}" }))
                .EnsureSuccessStatusCode();
        }
        var admin = app.CreateClient(owner.AccessToken);
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users?limit=100");
        var expected = all.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToList();
        expected.Count.ShouldBeGreaterThanOrEqualTo(8);
        all.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/users?limit=3{(cursor is null ? "" : "&cursor=" + cursor)}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            items.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(items.Select(u => u.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 20);
        seen.ShouldBe(expected);
        pages.ShouldBe((expected.Count + 2) / 3);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("cursor=bm90LWEtY3Vyc29y")]
    [InlineData("cursor=%%%")]
    public async Task Users_WithBadPaging_Is400Problem(string query)
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        var response = await app.CreateClient(owner.AccessToken).GetAsync("/api/v1/admin/users?" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task AdminApi_IsForbiddenToMembers_AndRequiresSignIn()
    {
        var client = app.CreateClient();
        (await client.GetAsync("/api/v1/admin/status")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var member = await app.RegisterConfirmedAsync(client, $"member-{Guid.NewGuid():N}@example.org");
        (await app.CreateClient(member.AccessToken).GetAsync("/api/v1/admin/status")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.CreateClient(member.AccessToken).GetAsync("/api/v1/admin/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Status_ReportsVersionDatabaseMigrationsJobsAndMailMode()
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        var status = await app.CreateClient(owner.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/admin/status");
        status.GetProperty("databaseProvider").GetString().ShouldBe(app.Db.ToString());
        status.GetProperty("migrationsApplied").EnumerateArray().Select(m => m.GetString()).ShouldContain("20261121000000_Initial");
        status.GetProperty("migrationsPending").GetArrayLength().ShouldBe(0);
        status.GetProperty("mailMode").GetString()!.ShouldStartWith("pickup folder");
        status.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
        status.GetProperty("jobs").GetProperty("dead").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Roles_OnlyTheOwnerMakesAdmins_AndTheOwnerCannotBeDemoted()
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        var ownerClient = app.CreateClient(owner.AccessToken);
        var aliceEmail = $"alice-{Guid.NewGuid():N}@example.org";
        var alice = await app.RegisterConfirmedAsync(client, aliceEmail);
        var bob = await app.RegisterConfirmedAsync(client, $"bob-{Guid.NewGuid():N}@example.org");
        var aliceId = (await app.CreateClient(alice.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        var bobId = (await app.CreateClient(bob.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        var ownerId = (await ownerClient.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();

        (await ownerClient.PutAsJsonAsync($"/api/v1/admin/users/{aliceId}/role", new { role = "Admin" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var aliceAdmin = app.CreateClient((await AtelierFactory.LoginAsync(client, aliceEmail, "correct horse 1")).AccessToken);
        (await aliceAdmin.PutAsJsonAsync($"/api/v1/admin/users/{bobId}/role", new { role = "Author" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await aliceAdmin.PutAsJsonAsync($"/api/v1/admin/users/{bobId}/role", new { role = "Admin" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await aliceAdmin.PutAsJsonAsync($"/api/v1/admin/users/{ownerId}/role", new { role = "Member" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ownerClient.PutAsJsonAsync($"/api/v1/admin/users/{bobId}/role", new { role = "Owner" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ownerClient.PutAsJsonAsync($"/api/v1/admin/users/{Guid.NewGuid()}/role", new { role = "Author" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CreateClient(bob.AccessToken).GetAsync("/api/v1/admin/status")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}

public sealed class AdminApiTests_Sqlite(SqliteApp app) : AdminApiTests(app), IClassFixture<SqliteApp>;

public sealed class AdminApiTests_Postgres(PostgresApp app) : AdminApiTests(app), IClassFixture<PostgresApp>;
