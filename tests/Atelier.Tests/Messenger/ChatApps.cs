using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;

namespace Atelier.Tests.Messenger;

/// <summary>Test hosts for the messenger: the send limit is 60 per 10 s, so tests can send 50 in a row and still meet it.</summary>
public sealed class ChatSqliteApp() : AtelierFactory(Db.Sqlite)
{
    protected override IDictionary<string, string?> Settings() => ChatApps.With(base.Settings());
}

public sealed class ChatPostgresApp() : AtelierFactory(Db.Postgres)
{
    protected override IDictionary<string, string?> Settings() => ChatApps.With(base.Settings());
}

/// <summary>A person in a chat test: their id, bearer token, and an API client signed in as them.</summary>
public sealed record ChatUser(Guid Id, string Name, string Token, HttpClient Api);

public static class ChatApps
{
    public const int SendLimit = 60;

    public static IDictionary<string, string?> With(IDictionary<string, string?> settings)
    {
        settings["Atelier:Chat:SendsPer10Seconds"] = SendLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>A confirmed member, written straight to the database (registration is tested elsewhere), with a token.</summary>
    public static async Task<ChatUser> UserAsync(this AtelierFactory app, string name)
    {
        var unique = $"{name} {Guid.NewGuid().ToString("N")[..6]}";
        var user = await app.MemberAsync(unique, $"{Guid.NewGuid():N}@chat.test");
        var token = app.Services.GetRequiredService<TokenService>().CreateAccessToken(user);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ChatUser(user.Id, unique, token, client);
    }

    /// <summary>
    /// A confirmed member written straight to the database (registration has tests of its own); with a password when
    /// they are to sign in through the pages.
    /// </summary>
    internal static async Task<User> MemberAsync(this AtelierFactory app, string displayName, string email, string? password = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = new User { Email = email, NormalizedEmail = User.Normalize(email), DisplayName = displayName, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
        if (password is not null)
        {
            user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>().HashPassword(user, password);
        }
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    public static async Task<Guid> GroupAsync(this ChatUser owner, string name, params ChatUser[] members)
    {
        var response = await owner.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "group", name, memberIds = members.Select(m => m.Id) });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> SendAsync(this ChatUser user, Guid conversation, string text, string? clientMessageId = null, Guid? replyToId = null, Guid[]? attachmentIds = null)
    {
        var response = await user.Api.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages",
            new { clientMessageId = clientMessageId ?? Guid.NewGuid().ToString(), text, replyToId, attachmentIds });
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> HistoryAsync(this ChatUser user, Guid conversation, string query = "")
    {
        var response = await user.Api.GetAsync($"/api/v1/conversations/{conversation}/messages{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static List<string> Texts(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()!)];

    public static List<long> Seqs(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64())];

    /// <summary>The problem's title and the message of the field it names.</summary>
    public static async Task<(string Title, string? FieldMessage)> ProblemAsync(HttpResponseMessage response, string? field = null)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var title = problem.GetProperty("title").GetString()!;
        return (title, field is null ? null : problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }
}
