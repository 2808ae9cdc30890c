using System.Text.Json;

namespace Atelier.Tests.Messenger;

/// <summary>The messenger in real time, spoken as the SignalR JSON protocol over WebSockets (docs/chat.md, "Hub").</summary>
public abstract class ChatHubTests(AtelierFactory app)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    private Task<HubClient> ConnectAsync(ChatUser user) => HubClient.ConnectAsync(app.Server, "/hubs/chat", user.Token);

    private static Task<JsonElement> SendAsync(HubClient hub, Guid conversation, string text, string? clientMessageId = null, Guid? replyTo = null, Guid[]? attachments = null) =>
        hub.InvokeAsync<JsonElement>("Send", conversation, clientMessageId ?? Guid.NewGuid().ToString(), text, replyTo, attachments);

    [Fact]
    public async Task ThreeMembers_ExchangeMessages_AndAnOutsiderHearsNothing()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var cat = await app.UserAsync("Cat");
        var eve = await app.UserAsync("Eve");
        var group = await ann.GroupAsync("Trio", bob, cat);
        await using var a = await ConnectAsync(ann);
        await using var b = await ConnectAsync(bob);
        await using var c = await ConnectAsync(cat);
        await using var e = await ConnectAsync(eve);

        var sent = await SendAsync(a, group, "hello both");
        sent.GetProperty("seq").GetInt64().ShouldBe(1);
        foreach (var member in new[] { a, b, c })
        {
            var created = await member.NextAsync("MessageCreated");
            created.GetProperty("text").GetString().ShouldBe("hello both");
            created.GetProperty("id").GetGuid().ShouldBe(sent.GetProperty("id").GetGuid());
        }
        (await SendAsync(b, group, "hi Ann")).GetProperty("seq").GetInt64().ShouldBe(2);
        (await SendAsync(c, group, "hey")).GetProperty("seq").GetInt64().ShouldBe(3);
        foreach (var member in new[] { a, b, c })
        {
            (await member.NextAsync("MessageCreated")).GetProperty("text").GetString().ShouldBe("hi Ann");
            (await member.NextAsync("MessageCreated")).GetProperty("text").GetString().ShouldBe("hey");
        }

        // The outsider gets nothing, and an error naming the problem when calling for this conversation.
        await e.AssertNoEventAsync("MessageCreated", Quiet);
        var refused = await Should.ThrowAsync<HubCallException>(() => SendAsync(e, group, "let me in"));
        refused.Message.ShouldContain("Conversation not found.");
        (await Should.ThrowAsync<HubCallException>(() => e.InvokeAsync("Typing", group))).Message.ShouldContain("Conversation not found.");
        (await Should.ThrowAsync<HubCallException>(() => e.InvokeAsync("MarkRead", group, 1))).Message.ShouldContain("Conversation not found.");
        var messageId = sent.GetProperty("id").GetGuid();
        (await Should.ThrowAsync<HubCallException>(() => e.InvokeAsync<JsonElement>("Edit", messageId, "mine"))).Message.ShouldContain("Message not found.");
        (await Should.ThrowAsync<HubCallException>(() => e.InvokeAsync<JsonElement>("React", messageId, "😈"))).Message.ShouldContain("Message not found.");
        (await Should.ThrowAsync<HubCallException>(() => e.InvokeAsync<JsonElement>("Delete", messageId))).Message.ShouldContain("Message not found.");
        // Their connection still works, and nobody else's broke.
        await e.InvokeAsync("SetAway", false);
        (await SendAsync(a, group, "still here")).GetProperty("seq").GetInt64().ShouldBe(4);
        (await c.NextAsync("MessageCreated")).GetProperty("text").GetString().ShouldBe("still here");
        await e.AssertNoEventAsync("MessageCreated", Quiet);
    }

    [Fact]
    public async Task EditsDeletesReactionsTypingAndReads_ReachTheMembersOnly()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var eve = await app.UserAsync("Eve");
        var direct = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "direct", userId = bob.Id });
        var chat = (await direct.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await using var a = await ConnectAsync(ann);
        await using var b = await ConnectAsync(bob);
        await using var e = await ConnectAsync(eve);

        var message = await SendAsync(a, chat, "meet at 8");
        var id = message.GetProperty("id").GetGuid();
        await b.NextAsync("MessageCreated");

        await b.InvokeAsync("Typing", chat);
        var typing = await a.NextAsync("Typing");
        typing.GetProperty("userId").GetGuid().ShouldBe(bob.Id);
        typing.GetProperty("displayName").GetString().ShouldBe(bob.Name);
        typing.GetProperty("expiresAt").GetDateTime().ShouldBeGreaterThan(DateTime.UtcNow.AddSeconds(3));
        await b.InvokeAsync("Typing", chat); // within a second: not passed on again
        await a.AssertNoEventAsync("Typing", Quiet);
        await b.AssertNoEventAsync("Typing", TimeSpan.Zero); // nobody hears their own typing

        await b.InvokeAsync("MarkRead", chat, 1);
        var read = await a.NextAsync("ReadUpTo");
        read.GetProperty("userId").GetGuid().ShouldBe(bob.Id);
        read.GetProperty("seq").GetInt64().ShouldBe(1);

        var edited = await a.InvokeAsync<JsonElement>("Edit", id, "meet at 9");
        edited.GetProperty("editedAt").ValueKind.ShouldBe(JsonValueKind.String);
        (await b.NextAsync("MessageUpdated")).GetProperty("text").GetString().ShouldBe("meet at 9");
        (await Should.ThrowAsync<HubCallException>(() => b.InvokeAsync<JsonElement>("Edit", id, "meet never"))).Message.ShouldContain("Only the author");

        await b.InvokeAsync<JsonElement>("React", id, "👍");
        var reactions = await a.NextAsync("ReactionsChanged");
        reactions.GetProperty("messageId").GetGuid().ShouldBe(id);
        reactions.GetProperty("reactions")[0].GetProperty("emoji").GetString().ShouldBe("👍");
        reactions.GetProperty("reactions")[0].GetProperty("userIds")[0].GetGuid().ShouldBe(bob.Id);

        await a.InvokeAsync<JsonElement>("Delete", id);
        var tombstone = await b.NextAsync("MessageDeleted");
        tombstone.GetProperty("deleted").GetBoolean().ShouldBeTrue();
        tombstone.GetProperty("text").GetString().ShouldBe("");

        foreach (var target in new[] { "MessageCreated", "MessageUpdated", "MessageDeleted", "ReactionsChanged", "Typing", "ReadUpTo" })
        {
            e.Received(target).ShouldBeEmpty(target);
        }
    }

    [Fact]
    public async Task ARetriedSend_StoresOneMessage_AndEveryDeviceOfAMemberHearsIt()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Devices", bob);
        await using var a = await ConnectAsync(ann);
        await using var phone = await ConnectAsync(bob);
        await using var laptop = await ConnectAsync(bob);

        var key = Guid.NewGuid().ToString();
        var first = await SendAsync(a, group, "once", key);
        var again = await SendAsync(a, group, "once", key);
        again.GetProperty("id").GetGuid().ShouldBe(first.GetProperty("id").GetGuid());
        again.GetProperty("seq").GetInt64().ShouldBe(first.GetProperty("seq").GetInt64());
        (await phone.NextAsync("MessageCreated")).GetProperty("clientMessageId").GetString().ShouldBe(key);
        (await laptop.NextAsync("MessageCreated")).GetProperty("clientMessageId").GetString().ShouldBe(key);
        await phone.AssertNoEventAsync("MessageCreated", Quiet); // the retry was answered, not stored or announced again
        ChatApps.Texts(await bob.HistoryAsync(group)).ShouldBe(["once"]);
    }

    [Fact]
    public async Task SendsAtTheSameMoment_GetConsecutiveNumbers_AndTheSameKeyTwiceStoresOnce()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Rush hour", bob);
        // A connection's calls run one after another; devices (connections) run at the same time.
        await using var a = await ConnectAsync(ann);
        await using var a2 = await ConnectAsync(ann);
        await using var b = await ConnectAsync(bob);
        await using var b2 = await ConnectAsync(bob);
        HubClient[] devices = [a, a2, b, b2];

        var sent = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => SendAsync(devices[i % 4], group, $"m{i}")));
        sent.Select(m => m.GetProperty("seq").GetInt64()).Order().ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);

        var key = Guid.NewGuid().ToString();
        var twice = await Task.WhenAll(SendAsync(a, group, "just once", key), SendAsync(a2, group, "just once", key));
        twice[1].GetProperty("id").GetGuid().ShouldBe(twice[0].GetProperty("id").GetGuid());
        twice[0].GetProperty("seq").GetInt64().ShouldBe(9);
        var history = await bob.HistoryAsync(group);
        ChatApps.Texts(history).Count(t => t == "just once").ShouldBe(1);
        ChatApps.Texts(history).Count.ShouldBe(9);
    }

    [Fact]
    public async Task AClientThatDropsAndMisses50Messages_CatchesUpInOrder()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Catch-up", bob);
        await using var a = await ConnectAsync(ann);
        var b = await ConnectAsync(bob);
        await SendAsync(a, group, "before the tunnel");
        var lastSeen = (await b.NextAsync("MessageCreated")).GetProperty("seq").GetInt64();

        await b.AbortAsync(); // the train enters a tunnel
        for (var i = 1; i <= 50; i++)
        {
            await SendAsync(a, group, $"missed {i}");
        }
        await using var back = await ConnectAsync(bob);
        await SendAsync(a, group, "after the tunnel");
        var live = await back.NextAsync("MessageCreated");
        live.GetProperty("seq").GetInt64().ShouldBe(52);

        // The client asks for everything after the last number it has, page by page, as docs/chat.md says.
        var have = new List<JsonElement>();
        var after = lastSeen;
        while (true)
        {
            var page = await bob.HistoryAsync(group, $"?after={after}&limit=20");
            have.AddRange(page.GetProperty("items").EnumerateArray());
            after = have[^1].GetProperty("seq").GetInt64();
            if (!page.GetProperty("hasMore").GetBoolean())
            {
                break;
            }
        }
        have.Select(m => m.GetProperty("seq").GetInt64()).ShouldBe(Enumerable.Range(2, 51).Select(i => (long)i));
        have.Take(50).Select(m => m.GetProperty("text").GetString()).ShouldBe(Enumerable.Range(1, 50).Select(i => $"missed {i}"));
        var list = await bob.Api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{group}");
        list.GetProperty("lastSeq").GetInt64().ShouldBe(52);
        list.GetProperty("unread").GetInt32().ShouldBe(52);
    }

    [Fact]
    public async Task BadInput_GetsClearHubErrors_AndTheConnectionLives()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Errors", bob);
        await using var a = await ConnectAsync(ann);
        await using var b = await ConnectAsync(bob);

        (await Should.ThrowAsync<HubCallException>(() => SendAsync(a, Guid.NewGuid(), "anyone?"))).Message.ShouldContain("Conversation not found.");
        (await Should.ThrowAsync<HubCallException>(() => SendAsync(a, group, new string('x', 8001)))).Message.ShouldContain("at most 8,000 characters");
        var foreign = Guid.NewGuid();
        (await Should.ThrowAsync<HubCallException>(() => SendAsync(a, group, "look", attachments: [foreign]))).Message.ShouldContain(foreign.ToString());
        (await Should.ThrowAsync<HubCallException>(() => SendAsync(a, group, "", ""))).Message.ShouldContain("clientMessageId");
        (await Should.ThrowAsync<HubCallException>(() => a.InvokeAsync<JsonElement>("Send", "not-a-guid", "k", "hi", null, null))).Message.ShouldNotBeNullOrEmpty();
        (await Should.ThrowAsync<HubCallException>(() => a.InvokeAsync<JsonElement>("React", Guid.NewGuid(), "two words"))).Message.ShouldContain("without spaces");

        (await SendAsync(b, group, "calm")).GetProperty("text").GetString().ShouldBe("calm");
        a.Closed.IsCompleted.ShouldBeFalse();
        b.Closed.IsCompleted.ShouldBeFalse();
        await a.InvokeAsync("Typing", group); // still a working connection
    }

    [Fact]
    public async Task Presence_FollowsDevices_AndIsToldToContacts()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var eve = await app.UserAsync("Eve");
        var group = await ann.GroupAsync("Presence", bob);
        await using var a = await ConnectAsync(ann);
        (await a.NextAsync("PresenceChanged")).GetProperty("userId").GetGuid().ShouldBe(ann.Id); // her own devices hear it too
        await using var e = await ConnectAsync(eve);

        async Task<string> StatusOfBobAsync() =>
            (await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{group}")).GetProperty("members").EnumerateArray()
                .Single(m => m.GetProperty("userId").GetGuid() == bob.Id).GetProperty("presence").GetProperty("status").GetString()!;
        (await StatusOfBobAsync()).ShouldBe("offline");

        var phone = await ConnectAsync(bob);
        var online = await a.NextAsync("PresenceChanged");
        online.GetProperty("userId").GetGuid().ShouldBe(bob.Id);
        online.GetProperty("status").GetString().ShouldBe("online");
        (await StatusOfBobAsync()).ShouldBe("online");
        var laptop = await ConnectAsync(bob);
        await laptop.InvokeAsync("SetAway", true);
        await a.AssertNoEventAsync("PresenceChanged", Quiet); // the phone is still active
        await phone.InvokeAsync("SetAway", true);
        (await a.NextAsync("PresenceChanged")).GetProperty("status").GetString().ShouldBe("away");

        await phone.DisposeAsync();
        await a.AssertNoEventAsync("PresenceChanged", Quiet); // the laptop is still connected (away)
        await laptop.DisposeAsync();
        var offline = await a.NextAsync("PresenceChanged");
        offline.GetProperty("status").GetString().ShouldBe("offline");
        offline.GetProperty("lastSeenAt").GetDateTime().ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-1));
        e.Received("PresenceChanged").ShouldBeEmpty(); // Eve shares no conversation with Bob
    }

    [Fact]
    public async Task TheHub_RefusesConnectionsWithoutAValidToken()
    {
        await Should.ThrowAsync<Exception>(() => HubClient.ConnectAsync(app.Server, "/hubs/chat", "not-a-token"));
        await Should.ThrowAsync<Exception>(() => HubClient.ConnectAsync(app.Server, "/hubs/chat"));
    }
}

public sealed class ChatHubTests_Sqlite(ChatSqliteApp app) : ChatHubTests(app), IClassFixture<ChatSqliteApp>;

public sealed class ChatHubTests_Postgres(ChatPostgresApp app) : ChatHubTests(app), IClassFixture<ChatPostgresApp>;
