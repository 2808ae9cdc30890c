using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;

namespace Atelier.Features.Messenger;

/// <summary>
/// <c>atelier chat-fixture --users N [--group-size 10] --out FILE</c>: people and groups for the messenger's load
/// benchmark (bench/chat.sh). The users have no password (nobody can sign in as them); their access tokens live as long
/// as <c>Atelier:Auth:AccessTokenLifetime</c>.
/// </summary>
internal static class ChatFixture
{
    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration config)
    {
        if (!int.TryParse(config["users"], out var count) || count < 2 || count > 100_000
            || !int.TryParse(config["group-size"] ?? "10", out var size) || size < 2 || size > ChatLimits.MaxMembers
            || string.IsNullOrWhiteSpace(config["out"]))
        {
            await Console.Error.WriteLineAsync("chat-fixture needs --users N (2–100000), --out FILE and optionally --group-size (2–200).");
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var now = DateTime.UtcNow;
        var run = Guid.NewGuid().ToString("N")[..8];
        var users = new List<User>(count);
        for (var i = 0; i < count; i++)
        {
            var email = $"load-{run}-{i}@fixture.invalid";
            users.Add(new User { Email = email, NormalizedEmail = User.Normalize(email), DisplayName = $"Load {i}", EmailConfirmed = true, CreatedAt = now });
        }
        var groups = new List<(Guid Id, List<Guid> Members)>();
        foreach (var chunk in users.Chunk(size).Where(c => c.Length >= 2))
        {
            var conversation = new Conversation
            {
                Kind = ConversationKind.Group, Name = $"Load {run} {groups.Count}", CreatedById = chunk[0].Id, CreatedAt = now, LastActivityAt = now,
            };
            db.Conversations.Add(conversation);
            foreach (var (user, index) in chunk.Select((u, i) => (u, i)))
            {
                db.ChatMembers.Add(new ChatMember
                {
                    ConversationId = conversation.Id, UserId = user.Id, Role = index == 0 ? MemberRole.Owner : MemberRole.Member, JoinedAt = now,
                });
            }
            groups.Add((conversation.Id, [.. chunk.Select(u => u.Id)]));
        }
        db.Users.AddRange(users);
        await db.SaveChangesAsync();
        var output = new
        {
            Users = users.Select(u => new { u.Id, Token = tokens.CreateAccessToken(u) }),
            Conversations = groups.Select(g => new { g.Id, MemberIds = g.Members }),
        };
        await File.WriteAllTextAsync(config["out"]!, JsonSerializer.Serialize(output, ChatJson.Options));
        Console.WriteLine($"Created {users.Count} users in {groups.Count} groups; wrote {config["out"]}.");
        return 0;
    }
}
