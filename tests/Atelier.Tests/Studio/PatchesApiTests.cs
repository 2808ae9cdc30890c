using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Atelier.Features.Studio;
using Atelier.Tests.Messenger;

namespace Atelier.Tests.Studio;

/// <summary>The patches API through HTTP: who may read and write, visibility, fork, versions, import/export, faults.</summary>
public abstract class PatchesApiTests(AtelierFactory app)
{
    private static Guid Id(JsonElement patch) => patch.GetProperty("id").GetGuid();

    [Fact]
    public async Task Create_GivesAUniqueSlugFromTheName_AndAnEmptyDocumentByDefault()
    {
        var ann = await app.UserAsync("Ann");
        var name = $"Night Drone {Guid.NewGuid():N}"[..20];
        var first = await ann.CreatePatchAsync(name);
        var second = await ann.CreatePatchAsync(name);
        var slug = first.GetProperty("slug").GetString()!;
        slug.ShouldStartWith("night-drone-");
        second.GetProperty("slug").GetString().ShouldBe(slug + "-2");
        first.GetProperty("visibility").GetString().ShouldBe("private");
        first.GetProperty("version").GetInt32().ShouldBe(1);
        first.GetProperty("canEdit").GetBoolean().ShouldBeTrue();
        first.GetProperty("owner").GetProperty("displayName").GetString().ShouldBe(ann.Name);
        var document = first.GetProperty("document");
        document.GetProperty("format").GetString().ShouldBe("atelier.patch");
        document.GetProperty("nodes").GetArrayLength().ShouldBe(0);

        var cyrillic = await ann.CreatePatchAsync("Ночной гул");
        cyrillic.GetProperty("slug").GetString()!.ShouldStartWith("ночной-гул");
        var bySlug = await ann.Api.GetAsync($"/api/v1/patches/by-slug/{Uri.EscapeDataString(cyrillic.GetProperty("slug").GetString()!)}");
        bySlug.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task EveryValidationFault_IsA400NamingThePathAndTheProblem()
    {
        var ann = await app.UserAsync("Ann");
        var patch = await ann.CreatePatchAsync("Faults", StudioApps.Simple());

        var doc = StudioApps.Simple();
        doc["nodes"]![0]!["params"]!["frequency"] = 25000;
        var (paths, messages) = await StudioApps.FaultsAsync(await ann.SaveAsync(Id(patch), doc));
        paths.ShouldBe(["document.nodes[0].params.frequency"]);
        messages.ShouldBe(["nodes[0].params.frequency: 25000 is above the maximum 20000 Hz of core.oscillator.frequency."]);

        doc = StudioApps.Simple();
        doc["nodes"]![0]!["type"] = "core.oscilator";
        (_, messages) = await StudioApps.FaultsAsync(await ann.SaveAsync(Id(patch), doc));
        messages.ShouldContain("nodes[0].type: Unknown node type 'core.oscilator'.");

        doc = StudioApps.Simple();
        doc["edges"]![0]!["to"]!["node"] = "nowhere";
        (paths, _) = await StudioApps.FaultsAsync(await ann.SaveAsync(Id(patch), doc));
        paths.ShouldBe(["document.edges[0].to.node"]);

        doc = StudioApps.Simple();
        doc["version"] = 7;
        (_, messages) = await StudioApps.FaultsAsync(await ann.SaveAsync(Id(patch), doc));
        messages.ShouldHaveSingleItem().ShouldContain("version 7 is newer");

        (paths, _) = await StudioApps.FaultsAsync(await ann.Api.PostAsJsonAsync("/api/v1/patches", new { name = "", visibility = "secret" }));
        paths.ShouldBe(["name", "visibility"], ignoreOrder: true);

        // Import: the body is the document, checked for size before it is parsed.
        var tooBig = new StringContent("{\"format\":\"atelier.patch\",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        (_, messages) = await StudioApps.FaultsAsync(await ann.Api.PostAsync("/api/v1/patches/import", tooBig));
        messages.ShouldHaveSingleItem().ShouldContain("over the limit of 1048576 bytes");
        var notJson = new StringContent("not json", Encoding.UTF8, "application/json");
        (paths, _) = await StudioApps.FaultsAsync(await ann.Api.PostAsync("/api/v1/patches/import", notJson));
        paths.ShouldBe(["document"]);

        // Nothing was saved by any of that.
        var current = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{Id(patch)}");
        current.GetProperty("version").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task APrivatePatch_IsInvisibleToOthers_AndNoOneButTheOwnerWritesAny()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var secret = Id(await ann.CreatePatchAsync("Secret", StudioApps.Simple()));
        var open = Id(await ann.CreatePatchAsync("Open", StudioApps.Simple(), "public"));
        var anonymous = app.CreateClient();

        (await bob.Api.GetAsync($"/api/v1/patches/{secret}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync($"/api/v1/patches/{secret}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.Api.GetAsync($"/api/v1/patches/{secret}/versions")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.Api.GetAsync($"/api/v1/patches/{secret}/versions/1")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.Api.GetAsync($"/api/v1/patches/{secret}/export")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.SaveAsync(secret, StudioApps.Simple())).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.Api.DeleteAsync($"/api/v1/patches/{secret}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bob.Api.PostAsJsonAsync($"/api/v1/patches/{secret}/fork", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var read = await bob.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{open}");
        read.GetProperty("canEdit").GetBoolean().ShouldBeFalse();
        (await bob.SaveAsync(open, StudioApps.Simple())).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bob.Api.DeleteAsync($"/api/v1/patches/{open}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bob.Api.PostAsync($"/api/v1/patches/{open}/versions/1/restore", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.PutAsJsonAsync($"/api/v1/patches/{open}", new { name = "x", document = StudioApps.Simple() })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsJsonAsync("/api/v1/patches", new { name = "x" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var after = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{open}");
        after.GetProperty("version").GetInt32().ShouldBe(1);
        (await ann.Api.DeleteAsync($"/api/v1/patches/{secret}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ann.Api.GetAsync($"/api/v1/patches/{secret}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnlistedAndPublicPatches_AreReadableAnonymously_OnlyPublicOnesAreListed()
    {
        var ann = await app.UserAsync("Ann");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var unlisted = await ann.CreatePatchAsync($"Link only {tag}", StudioApps.Simple(), "unlisted");
        var listed = await ann.CreatePatchAsync($"Everyone {tag}", StudioApps.Simple(), "public");
        await ann.CreatePatchAsync($"Mine {tag}", StudioApps.Simple());
        var anonymous = app.CreateClient();

        var byId = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{Id(unlisted)}");
        byId.GetProperty("document").GetProperty("nodes").GetArrayLength().ShouldBe(4);
        byId.GetProperty("canEdit").GetBoolean().ShouldBeFalse();
        (await anonymous.GetAsync($"/api/v1/patches/by-slug/{listed.GetProperty("slug").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync($"/api/v1/patches/{Id(unlisted)}/export")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var publicList = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/patches?scope=public&q={tag}");
        Names(publicList).ShouldBe([$"Everyone {tag}"]);
        (await anonymous.GetAsync("/api/v1/patches?scope=mine")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var mine = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches?scope=mine&q={tag}");
        Names(mine).ShouldBe([$"Mine {tag}", $"Everyone {tag}", $"Link only {tag}"]);
        (await ann.Api.GetAsync("/api/v1/patches?scope=everything")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static List<string> Names(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];

    [Fact]
    public async Task TheMineList_PagesNewestFirst_WithACursor()
    {
        var ann = await app.UserAsync("Ann");
        var made = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            made.Add(Id(await ann.CreatePatchAsync($"P{i}")));
        }
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await ann.Api.GetFromJsonAsync<JsonElement>("/api/v1/patches?scope=mine&limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            page.GetProperty("items").GetArrayLength().ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(Id));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        seen.ShouldBe(Enumerable.Reverse(made));
        (await ann.Api.GetAsync("/api/v1/patches?scope=mine&cursor=garbage")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Fork_IsAPrivateCopyOwnedByTheForker_AndLeavesTheOriginalAlone()
    {
        var ann = await app.UserAsync("Ann");
        var bob = await app.UserAsync("Bob");
        var original = await ann.CreatePatchAsync("Bassline", StudioApps.Simple(), "public");

        var response = await bob.Api.PostAsJsonAsync($"/api/v1/patches/{Id(original)}/fork", new { });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var fork = await response.Content.ReadFromJsonAsync<JsonElement>();
        fork.GetProperty("name").GetString().ShouldBe("Bassline (fork)");
        fork.GetProperty("visibility").GetString().ShouldBe("private");
        fork.GetProperty("owner").GetProperty("id").GetGuid().ShouldBe(bob.Id);
        fork.GetProperty("forkedFrom").GetProperty("id").GetGuid().ShouldBe(Id(original));
        fork.GetProperty("forkedFrom").GetProperty("slug").GetString().ShouldBe(original.GetProperty("slug").GetString());
        fork.GetProperty("document").GetProperty("nodes").GetArrayLength().ShouldBe(4);
        fork.GetProperty("canEdit").GetBoolean().ShouldBeTrue();

        var changed = StudioApps.Simple();
        ((JsonArray)changed["nodes"]!).RemoveAt(3);
        ((JsonArray)changed["edges"]!).RemoveAt(2);
        (await bob.SaveAsync(Id(fork), changed, "My bassline")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ann.Api.GetAsync($"/api/v1/patches/{Id(fork)}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var untouched = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{Id(original)}");
        untouched.GetProperty("document").GetProperty("nodes").GetArrayLength().ShouldBe(4);
        untouched.GetProperty("name").GetString().ShouldBe("Bassline");
        untouched.GetProperty("version").GetInt32().ShouldBe(1);

        var named = await (await ann.Api.PostAsJsonAsync($"/api/v1/patches/{Id(original)}/fork", new { name = "Take two" })).Content.ReadFromJsonAsync<JsonElement>();
        named.GetProperty("name").GetString().ShouldBe("Take two");
    }

    [Fact]
    public async Task Versions_CheckpointsAppend_AutosavesCoalesce_AndRestoreMakesANewVersion()
    {
        var ann = await app.UserAsync("Ann");
        var id = Id(await ann.CreatePatchAsync("Versions", StudioApps.Simple()));
        JsonObject WithFrequency(int hz)
        {
            var doc = StudioApps.Simple();
            doc["nodes"]![0]!["params"]!["frequency"] = hz;
            return doc;
        }

        (await ann.SaveAsync(id, WithFrequency(220), baseVersion: 1)).StatusCode.ShouldBe(HttpStatusCode.OK); // v2
        var auto = await ann.SaveAsync(id, WithFrequency(330), baseVersion: 2, checkpoint: false);                 // folds into v2
        (await auto.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().ShouldBe(2);
        (await ann.SaveAsync(id, WithFrequency(550), baseVersion: 2, checkpoint: false)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ann.SaveAsync(id, WithFrequency(660), baseVersion: 2)).StatusCode.ShouldBe(HttpStatusCode.OK); // v3

        var versions = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{id}/versions");
        var numbers = versions.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()).ToList();
        numbers.ShouldBe([3, 2, 1]);
        versions.GetProperty("items")[0].GetProperty("author").GetProperty("displayName").GetString().ShouldBe(ann.Name);
        versions.GetProperty("items")[0].GetProperty("nodeCount").GetInt32().ShouldBe(4);

        var two = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{id}/versions/2");
        two.GetProperty("document").GetProperty("nodes")[0].GetProperty("params").GetProperty("frequency").GetInt32().ShouldBe(550);
        (await ann.Api.GetAsync($"/api/v1/patches/{id}/versions/99")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var restored = await ann.Api.PostAsync($"/api/v1/patches/{id}/versions/1/restore", null);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK);
        var patch = await restored.Content.ReadFromJsonAsync<JsonElement>();
        patch.GetProperty("version").GetInt32().ShouldBe(4);
        patch.GetProperty("document").GetProperty("nodes")[0].GetProperty("params").GetProperty("frequency").GetInt32().ShouldBe(440);
        (await ann.Api.PostAsync($"/api/v1/patches/{id}/versions/42/restore", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ASaveFromAStaleVersion_Is409_AndChangesNothing()
    {
        var ann = await app.UserAsync("Ann");
        var id = Id(await ann.CreatePatchAsync("Two tabs", StudioApps.Simple()));
        (await ann.SaveAsync(id, StudioApps.Simple(), "Tab one", baseVersion: 1)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stale = await ann.SaveAsync(id, StudioApps.Simple(), "Tab two", baseVersion: 1);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        stale.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("version 2");
        var current = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{id}");
        current.GetProperty("name").GetString().ShouldBe("Tab one");
        current.GetProperty("version").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task ExportThenImport_RoundTripsTheDocument()
    {
        var ann = await app.UserAsync("Ann");
        var original = await ann.CreatePatchAsync("Round trip", StudioApps.Simple());
        var export = await ann.Api.GetAsync($"/api/v1/patches/{Id(original)}/export");
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        export.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        export.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe($"{original.GetProperty("slug").GetString()}.atelier-patch.json");
        var file = await export.Content.ReadAsByteArrayAsync();

        var imported = await ann.Api.PostAsync("/api/v1/patches/import?name=Back%20again", new ByteArrayContent(file) { Headers = { ContentType = new("application/json") } });
        imported.StatusCode.ShouldBe(HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        var copy = await imported.Content.ReadFromJsonAsync<JsonElement>();
        copy.GetProperty("name").GetString().ShouldBe("Back again");
        copy.GetProperty("visibility").GetString().ShouldBe("private");
        JsonNode.DeepEquals(JsonNode.Parse(copy.GetProperty("document").GetRawText()), JsonNode.Parse(file)).ShouldBeTrue();
        JsonNode.DeepEquals(JsonNode.Parse(copy.GetProperty("document").GetRawText()), JsonNode.Parse(original.GetProperty("document").GetRawText())).ShouldBeTrue();
    }

    [Fact]
    public async Task ALargePatch_OfFiveHundredNodes_SavesAndLoads()
    {
        var ann = await app.UserAsync("Ann");
        var id = Id(await ann.CreatePatchAsync("Big", StudioApps.Large(500)));
        var saved = await ann.SaveAsync(id, StudioApps.Large(500), "Big", baseVersion: 1);
        saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        var loaded = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{id}");
        loaded.GetProperty("nodeCount").GetInt32().ShouldBe(500);
        loaded.GetProperty("document").GetProperty("nodes").GetArrayLength().ShouldBe(500);
    }

    [Fact]
    public async Task ASavesAnswer_IsWhatTheNextLoadReturns()
    {
        var ann = await app.UserAsync("Ann");
        var original = Id(await ann.CreatePatchAsync("Origin", StudioApps.Simple(), visibility: "public"));
        var fork = Id(await (await ann.Api.PostAsJsonAsync($"/api/v1/patches/{original}/fork", new { name = "Mine" })).Content.ReadFromJsonAsync<JsonElement>());
        var doc = StudioApps.Simple();
        doc["nodes"]![0]!["params"]!["frequency"] = 330;

        foreach (var checkpoint in new[] { true, false })
        {
            var saved = await ann.SaveAsync(fork, doc, "Renamed", visibility: "unlisted", checkpoint: checkpoint);
            saved.StatusCode.ShouldBe(HttpStatusCode.OK);
            var answer = JsonNode.Parse(await saved.Content.ReadAsStringAsync())!;
            var loaded = JsonNode.Parse(await ann.Api.GetStringAsync($"/api/v1/patches/{fork}"))!;
            JsonNode.DeepEquals(answer, loaded).ShouldBeTrue($"save answered {answer.ToJsonString()}\nload gave {loaded.ToJsonString()}");
            answer["name"]!.GetValue<string>().ShouldBe("Renamed");
            answer["visibility"]!.GetValue<string>().ShouldBe("unlisted");
            answer["forkedFrom"]!["id"]!.GetValue<Guid>().ShouldBe(original);
            answer["document"]!["nodes"]![0]!["params"]!["frequency"]!.GetValue<double>().ShouldBe(330);
        }
    }

    [Fact]
    public async Task OnlyTheNewestHundredVersions_AreKept()
    {
        var ann = await app.UserAsync("Ann");
        var id = Id(await ann.CreatePatchAsync("Many saves", StudioApps.Simple()));
        for (var i = 0; i < 104; i++) // versions 2…105
        {
            (await ann.SaveAsync(id, StudioApps.Simple(), $"Save {i}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var versions = await ann.Api.GetFromJsonAsync<JsonElement>($"/api/v1/patches/{id}/versions");
        var numbers = versions.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()).ToList();
        numbers.Count.ShouldBe(PatchService.MaxVersions);
        numbers[0].ShouldBe(105);
        numbers[^1].ShouldBe(6);
        (await ann.Api.GetAsync($"/api/v1/patches/{id}/versions/5")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ann.Api.GetAsync($"/api/v1/patches/{id}/versions/6")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ann.Api.PostAsync($"/api/v1/patches/{id}/versions/1/restore", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var restored = await ann.Api.PostAsync($"/api/v1/patches/{id}/versions/6/restore", null);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await restored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().ShouldBe(106);
    }
}

public sealed class PatchesApiTests_Sqlite(StudioSqliteApp app) : PatchesApiTests(app), IClassFixture<StudioSqliteApp>;

public sealed class PatchesApiTests_Postgres(StudioPostgresApp app) : PatchesApiTests(app), IClassFixture<StudioPostgresApp>;
