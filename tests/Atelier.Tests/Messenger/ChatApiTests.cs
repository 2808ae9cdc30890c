using System.Text.Json;
using Atelier.Tests.Media;

namespace Atelier.Tests.Messenger;

/// <summary>The messenger over REST (docs/chat.md): conversations, members, messages, receipts, limits.</summary>
public abstract class ChatApiTests(AtelierFactory app)
{
    [Fact]
    public async Task DirectChat_IsOnePerPair_WhoeverOpensIt()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");

        var first = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "direct", userId = bob.Id });
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var conversation = await first.Content.ReadFromJsonAsync<JsonElement>();
        conversation.GetProperty("kind").GetString().ShouldBe("direct");
        conversation.GetProperty("title").GetString().ShouldBe(bob.Name);
        conversation.GetProperty("members").GetArrayLength().ShouldBe(2);

        var fromBob = await bob.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "direct", userId = ann.Id });
        fromBob.StatusCode.ShouldBe(HttpStatusCode.OK);
        var same = await fromBob.Content.ReadFromJsonAsync<JsonElement>();
        same.GetProperty("id").GetGuid().ShouldBe(conversation.GetProperty("id").GetGuid());
        same.GetProperty("title").GetString().ShouldBe(ann.Name);

        var self = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "direct", userId = ann.Id });
        self.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ChatApps.ProblemAsync(self, "userId")).FieldMessage!.ShouldContain("someone else");
        var nobody = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "direct", userId = Guid.NewGuid() });
        (await ChatApps.ProblemAsync(nobody, "userId")).FieldMessage!.ShouldContain("no such user");
        var members = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{same.GetProperty("id").GetGuid()}/members/{Guid.NewGuid()}", new { });
        members.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Messages_GetSequenceNumbers_AndARepeatedClientMessageIdStoresOne()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Band", bob);

        var one = await ann.SendAsync(group, "one");
        var two = await bob.SendAsync(group, "two");
        one.GetProperty("seq").GetInt64().ShouldBe(1);
        two.GetProperty("seq").GetInt64().ShouldBe(2);
        two.GetProperty("senderName").GetString().ShouldBe(bob.Name);

        var key = Guid.NewGuid().ToString();
        var sent = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = key, text = "only once" });
        sent.StatusCode.ShouldBe(HttpStatusCode.Created);
        var retried = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = key, text = "only once" });
        retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        var a = await sent.Content.ReadFromJsonAsync<JsonElement>();
        var b = await retried.Content.ReadFromJsonAsync<JsonElement>();
        b.GetProperty("id").GetGuid().ShouldBe(a.GetProperty("id").GetGuid());
        b.GetProperty("seq").GetInt64().ShouldBe(3);

        // Ten racing retries of one send still store one message.
        var racing = Guid.NewGuid().ToString();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = racing, text = "raced" })));
        answers.ShouldAllBe(r => r.IsSuccessStatusCode);
        answers.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);

        var history = await bob.HistoryAsync(group);
        ChatApps.Texts(history).ShouldBe(["one", "two", "only once", "raced"]);
        ChatApps.Seqs(history).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public async Task History_PagesBackwardsAndCatchesUpForwards()
    {
        var ann = await app.UserAsync("Ann");
        var group = await ann.GroupAsync("Solo");
        for (var i = 1; i <= 12; i++)
        {
            await ann.SendAsync(group, $"m{i}");
        }

        var newest = await ann.HistoryAsync(group, "?limit=5");
        ChatApps.Seqs(newest).ShouldBe([8, 9, 10, 11, 12]);
        newest.GetProperty("hasMore").GetBoolean().ShouldBeTrue();
        var older = await ann.HistoryAsync(group, "?before=8&limit=5");
        ChatApps.Seqs(older).ShouldBe([3, 4, 5, 6, 7]);
        var oldest = await ann.HistoryAsync(group, "?before=3&limit=5");
        ChatApps.Seqs(oldest).ShouldBe([1, 2]);
        oldest.GetProperty("hasMore").GetBoolean().ShouldBeFalse();
        var after = await ann.HistoryAsync(group, "?after=9");
        ChatApps.Texts(after).ShouldBe(["m10", "m11", "m12"]);
        after.GetProperty("hasMore").GetBoolean().ShouldBeFalse();

        var both = await ann.Api.GetAsync($"/api/v1/conversations/{group}/messages?before=5&after=2");
        both.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ann.Api.GetAsync($"/api/v1/conversations/{group}/messages?limit=500")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task NonMembers_FindNothing_AndCannotWrite()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var eve = await app.UserAsync("Eve");
        var group = await ann.GroupAsync("Private", bob);
        var message = await ann.SendAsync(group, "secret plans");
        var messageId = message.GetProperty("id").GetGuid();

        (await eve.Api.GetAsync($"/api/v1/conversations/{group}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.GetAsync($"/api/v1/conversations/{group}/messages")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var send = await eve.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = "x", text = "hi" });
        send.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ChatApps.ProblemAsync(send)).Title.ShouldBe("Conversation not found.");
        (await eve.Api.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "mine now" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.DeleteAsync($"/api/v1/messages/{messageId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.PostAsJsonAsync($"/api/v1/messages/{messageId}/reactions", new { emoji = "👀" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/read", new { seq = 1 })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.PostAsync($"/api/v1/conversations/{group}/typing", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.PatchAsJsonAsync($"/api/v1/conversations/{group}", new { name = "Mine" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await eve.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/members/{eve.Id}", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var list = await eve.Api.GetFromJsonAsync<JsonElement>("/api/v1/conversations");
        list.GetProperty("items").EnumerateArray().ShouldNotContain(c => c.GetProperty("id").GetGuid() == group);
        var search = await eve.Api.GetFromJsonAsync<JsonElement>("/api/v1/messages/search?q=secret");
        search.GetProperty("items").GetArrayLength().ShouldBe(0);
        var found = await bob.Api.GetFromJsonAsync<JsonElement>("/api/v1/messages/search?q=SECRET");
        found.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ShouldBe([messageId]);

        (await new HttpClient(app.Server.CreateHandler()) { BaseAddress = app.Server.BaseAddress }.GetAsync("/api/v1/conversations"))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Groups_HaveRoles_ToInviteRemovePromoteAndLeave()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var cat = await app.UserAsync("Cat");
        var dan = await app.UserAsync("Dan");
        var group = await ann.GroupAsync("Crew", bob, cat);

        var rename = await bob.Api.PatchAsJsonAsync($"/api/v1/conversations/{group}", new { name = "Bob's" });
        rename.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bob.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/members/{dan.Id}", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bob.Api.DeleteAsync($"/api/v1/conversations/{group}/members/{cat.Id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var renamed = await ann.Api.PatchAsJsonAsync($"/api/v1/conversations/{group}", new { name = "  Crew 2  ", description = "Weekend sessions" });
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Crew 2");
        var tooLong = await ann.Api.PatchAsJsonAsync($"/api/v1/conversations/{group}", new { name = new string('x', 101) });
        (await ChatApps.ProblemAsync(tooLong, "name")).FieldMessage!.ShouldContain("100");

        var promoted = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/members/{bob.Id}", new { role = "admin" });
        promoted.StatusCode.ShouldBe(HttpStatusCode.OK);
        Role(await promoted.Content.ReadFromJsonAsync<JsonElement>(), bob.Id).ShouldBe("admin");
        var invited = await bob.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/members/{dan.Id}", new { });
        invited.StatusCode.ShouldBe(HttpStatusCode.OK);
        Role(await invited.Content.ReadFromJsonAsync<JsonElement>(), dan.Id).ShouldBe("member");
        (await dan.Api.GetAsync($"/api/v1/conversations/{group}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var badRole = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/members/{dan.Id}", new { role = "king" });
        (await ChatApps.ProblemAsync(badRole, "role")).FieldMessage!.ShouldContain("member");

        (await bob.Api.DeleteAsync($"/api/v1/conversations/{group}/members/{cat.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await cat.Api.GetAsync($"/api/v1/conversations/{group}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.Api.DeleteAsync($"/api/v1/conversations/{group}/members/{ann.Id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The owner leaves: the admin becomes the owner.
        (await ann.Api.DeleteAsync($"/api/v1/conversations/{group}/members/{ann.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ann.Api.GetAsync($"/api/v1/conversations/{group}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var left = await bob.Api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{group}");
        left.GetProperty("myRole").GetString().ShouldBe("owner");
        left.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()).ShouldBe([bob.Id, dan.Id], ignoreOrder: true);
    }

    [Fact]
    public async Task EditDeleteAndReactions_FollowWhoMayDoWhat()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var cat = await app.UserAsync("Cat");
        var group = await ann.GroupAsync("Edits", bob, cat);
        var bobs = (await bob.SendAsync(group, "typo here")).GetProperty("id").GetGuid();
        var cats = (await cat.SendAsync(group, "rude words")).GetProperty("id").GetGuid();

        (await ann.Api.PatchAsJsonAsync($"/api/v1/messages/{bobs}", new { text = "not yours" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var edited = await bob.Api.PatchAsJsonAsync($"/api/v1/messages/{bobs}", new { text = "no typo here" });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await edited.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("text").GetString().ShouldBe("no typo here");
        body.GetProperty("editedAt").ValueKind.ShouldBe(JsonValueKind.String);

        (await cat.Api.DeleteAsync($"/api/v1/messages/{bobs}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var removed = await ann.Api.DeleteAsync($"/api/v1/messages/{cats}"); // the owner moderates
        removed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var tombstone = await removed.Content.ReadFromJsonAsync<JsonElement>();
        tombstone.GetProperty("deleted").GetBoolean().ShouldBeTrue();
        tombstone.GetProperty("text").GetString().ShouldBe("");
        var history = await bob.HistoryAsync(group);
        ChatApps.Texts(history).ShouldBe(["no typo here", ""]);
        history.GetProperty("items")[1].GetProperty("deleted").GetBoolean().ShouldBeTrue();
        (await cat.Api.PatchAsJsonAsync($"/api/v1/messages/{cats}", new { text = "back" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        async Task<JsonElement> ReactAsync(ChatUser who, string emoji)
        {
            var response = await who.Api.PostAsJsonAsync($"/api/v1/messages/{bobs}/reactions", new { emoji });
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reactions");
        }
        await ReactAsync(ann, "👍");
        await ReactAsync(cat, "👍");
        var reactions = await ReactAsync(ann, "🎸");
        reactions.GetArrayLength().ShouldBe(2);
        reactions[0].GetProperty("emoji").GetString().ShouldBe("👍");
        reactions[0].GetProperty("count").GetInt32().ShouldBe(2);
        reactions[0].GetProperty("userIds").EnumerateArray().Select(u => u.GetGuid()).ShouldBe([ann.Id, cat.Id], ignoreOrder: true);
        reactions = await ReactAsync(ann, "👍"); // toggled off
        reactions[0].GetProperty("count").GetInt32().ShouldBe(1);
        var bad = await ann.Api.PostAsJsonAsync($"/api/v1/messages/{bobs}/reactions", new { emoji = "two words" });
        (await ChatApps.ProblemAsync(bad, "emoji")).FieldMessage!.ShouldContain("without spaces");
    }

    [Fact]
    public async Task ReadMarks_DriveUnreadCounts()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Reads", bob);
        for (var i = 0; i < 3; i++)
        {
            await ann.SendAsync(group, $"news {i}");
        }

        async Task<JsonElement> ConversationAsync(ChatUser who) => await who.Api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{group}");
        (await ConversationAsync(bob)).GetProperty("unread").GetInt32().ShouldBe(3);
        (await ConversationAsync(ann)).GetProperty("unread").GetInt32().ShouldBe(0); // her own messages
        var list = await bob.Api.GetFromJsonAsync<JsonElement>("/api/v1/conversations");
        var entry = list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == group);
        entry.GetProperty("unread").GetInt32().ShouldBe(3);
        entry.GetProperty("lastMessage").GetProperty("text").GetString().ShouldBe("news 2");
        entry.GetProperty("lastSeq").GetInt64().ShouldBe(3);

        (await bob.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/read", new { seq = 2 })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ConversationAsync(bob)).GetProperty("unread").GetInt32().ShouldBe(1);
        await bob.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/read", new { seq = 1 }); // never backwards
        (await ConversationAsync(bob)).GetProperty("readUpToSeq").GetInt64().ShouldBe(2);
        await bob.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/read", new { seq = 999 }); // never past the newest
        var seen = await ConversationAsync(ann);
        seen.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == bob.Id)
            .GetProperty("readUpToSeq").GetInt64().ShouldBe(3);
        (await ConversationAsync(bob)).GetProperty("unread").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task BadInput_GetsClearErrors()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var group = await ann.GroupAsync("Limits", bob);
        async Task<HttpResponseMessage> PostAsync(object body) => await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", body);

        var huge = await PostAsync(new { clientMessageId = "1", text = new string('a', 8001) });
        huge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ChatApps.ProblemAsync(huge, "text")).FieldMessage!.ShouldContain("8,000");
        (await PostAsync(new { clientMessageId = "2", text = new string('a', 8000) })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ChatApps.ProblemAsync(await PostAsync(new { clientMessageId = "3", text = "   " }), "text")).FieldMessage!.ShouldContain("Write something");
        (await ChatApps.ProblemAsync(await PostAsync(new { text = "hi" }), "clientMessageId")).FieldMessage!.ShouldContain("required");
        var foreign = Guid.NewGuid();
        (await ChatApps.ProblemAsync(await PostAsync(new { clientMessageId = "4", text = "see", attachmentIds = new[] { foreign } }), "attachmentIds"))
            .FieldMessage!.ShouldContain(foreign.ToString());
        var elsewhere = await ann.GroupAsync("Other");
        var otherMessage = (await ann.SendAsync(elsewhere, "there")).GetProperty("id").GetGuid();
        (await ChatApps.ProblemAsync(await PostAsync(new { clientMessageId = "5", text = "re", replyToId = otherMessage }), "replyToId"))
            .FieldMessage!.ShouldContain("not a message of this conversation");
        var malformed = await ann.Api.PostAsync($"/api/v1/conversations/{group}/messages",
            new StringContent("{\"clientMessageId\": 5, ", System.Text.Encoding.UTF8, "application/json"));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var unknownKind = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "channel" });
        (await ChatApps.ProblemAsync(unknownKind, "kind")).FieldMessage!.ShouldContain("group");
        var noName = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "group", memberIds = new[] { bob.Id } });
        (await ChatApps.ProblemAsync(noName, "name")).FieldMessage!.ShouldContain("needs a name");
        var ghost = await ann.Api.PostAsJsonAsync("/api/v1/conversations", new { kind = "group", name = "G", memberIds = new[] { foreign } });
        (await ChatApps.ProblemAsync(ghost, "memberIds")).FieldMessage!.ShouldContain(foreign.ToString());
        (await ann.Api.GetAsync("/api/v1/messages/search?q=a")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ann.Api.GetAsync("/api/v1/conversations?cursor=nonsense")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Replies_Mentions_AndAttachmentsOnlyMembersCanOpen()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var eve = await app.UserAsync("Eve");
        var group = await ann.GroupAsync("Media", bob);

        using var upload = new MultipartFormDataContent();
        var png = await File.ReadAllBytesAsync(await MediaFixtures.PngWithAlphaAsync());
        upload.Add(new ByteArrayContent(png), "file", "sketch.png");
        upload.Add(new StringContent("Private"), "visibility");
        var uploaded = await bob.Api.PostAsync("/api/v1/media", upload);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var mediaId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var question = await ann.SendAsync(group, $"@{bob.Name} can you send the sketch? mail me at ann@{bob.Name}.org");
        question.GetProperty("mentions").EnumerateArray().Select(m => m.GetGuid()).ShouldBe([bob.Id]);
        var answer = await bob.SendAsync(group, "here", replyToId: question.GetProperty("id").GetGuid(), attachmentIds: [mediaId]);
        var quote = answer.GetProperty("replyTo");
        quote.GetProperty("seq").GetInt64().ShouldBe(1);
        quote.GetProperty("senderName").GetString().ShouldBe(ann.Name);
        quote.GetProperty("text").GetString()!.ShouldStartWith($"@{bob.Name} can you");
        var attachment = answer.GetProperty("attachments")[0];
        attachment.GetProperty("kind").GetString().ShouldBe("image");
        attachment.GetProperty("fileName").GetString().ShouldBe("sketch.png");
        var url = attachment.GetProperty("url").GetString()!;

        (await ann.Api.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await eve.Api.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ann.SendAsync(group, "thanks")).GetProperty("replyTo").ValueKind.ShouldBe(JsonValueKind.Null);
        var reread = await ann.HistoryAsync(group);
        reread.GetProperty("items")[1].GetProperty("attachments")[0].GetProperty("url").GetString().ShouldBe(url);

        // Someone else's media cannot be attached.
        var stolen = await ann.Api.PostAsJsonAsync($"/api/v1/conversations/{group}/messages", new { clientMessageId = "s", text = "mine", attachmentIds = new[] { mediaId } });
        (await ChatApps.ProblemAsync(stolen, "attachmentIds")).FieldMessage!.ShouldContain("not one of your media items");
    }

    [Fact]
    public async Task UserSearch_FindsPeopleByNameOrExactEmail_ButNotYourself()
    {
        var ann = await app.UserAsync("Zelda");
        var bob = await app.UserAsync("Zelda");
        var hits = await ann.Api.GetFromJsonAsync<JsonElement>("/api/v1/users/search?q=" + Uri.EscapeDataString(bob.Name[..8].ToLowerInvariant()));
        var ids = hits.EnumerateArray().Select(h => h.GetProperty("id").GetGuid()).ToList();
        ids.ShouldContain(bob.Id);
        ids.ShouldNotContain(ann.Id);
        hits.EnumerateArray().First(h => h.GetProperty("id").GetGuid() == bob.Id).GetProperty("presence").GetProperty("status").GetString().ShouldBe("offline");
        (await ann.Api.GetAsync("/api/v1/users/search?q=")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheConversationList_PagesByLatestActivity()
    {
        var ann = await app.UserAsync("Ann");
        var first = await ann.GroupAsync("First");
        var second = await ann.GroupAsync("Second");
        var third = await ann.GroupAsync("Third");
        await ann.SendAsync(first, "first is busiest now");

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await ann.Api.GetFromJsonAsync<JsonElement>("/api/v1/conversations?limit=1" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        seen.ShouldBe([first, third, second]);
    }

    private static string Role(JsonElement conversation, Guid user) =>
        conversation.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == user).GetProperty("role").GetString()!;
}

public sealed class ChatApiTests_Sqlite(ChatSqliteApp app) : ChatApiTests(app), IClassFixture<ChatSqliteApp>;

public sealed class ChatApiTests_Postgres(ChatPostgresApp app) : ChatApiTests(app), IClassFixture<ChatPostgresApp>;
