using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atelier.Tests.Publishing;

public abstract class VaultsApiTests(AtelierFactory app) : IDisposable
{
    private readonly string _vault = TestVault.Copy();

    public void Dispose()
    {
        Directory.Delete(_vault, recursive: true);
        GC.SuppressFinalize(this);
    }

    private async Task<HttpClient> AdminAsync()
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        return client;
    }

    private static async Task<JsonElement> WaitForImportAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 150; i++)
        {
            var import = await client.GetFromJsonAsync<JsonElement>(location);
            if (import.GetProperty("status").GetString() is "succeeded" or "failed")
            {
                return import;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the import never finished");
    }

    [Fact]
    public async Task FolderVault_SyncRunsInTheBackground_AndTheImportLogIsReadable()
    {
        var admin = await AdminAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/vaults", new { name = "Folder " + Guid.NewGuid().ToString("N")[..6], source = new { kind = "folder", path = _vault }, publishRule = "frontmatter" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var vault = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = vault.GetProperty("id").GetGuid();

        var sync = await admin.PostAsync($"/api/v1/vaults/{id}/sync", null);
        sync.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var import = await WaitForImportAsync(admin, sync.Headers.Location!.OriginalString);

        import.GetProperty("status").GetString().ShouldBe("succeeded");
        var log = import.GetProperty("log");
        log.GetProperty("created").GetInt32().ShouldBe(7);
        log.GetProperty("errors").EnumerateArray().ShouldContain(e => e.GetProperty("path").GetString() == "Broken.md");
        log.GetProperty("unresolvedLinks").EnumerateArray().ShouldContain(l => l.GetProperty("target").GetString() == "Nonexistent"
            && l.GetProperty("source").GetString() == "Welcome.md");
        (await admin.GetAsync($"/api/v1/vaults/{id}/imports/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PostAsync($"/api/v1/vaults/{Guid.NewGuid()}/sync", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreatingAVault_ValidatesTheSource_AndIsForAdminsOnly()
    {
        var admin = await AdminAsync();
        var relative = await admin.PostAsJsonAsync("/api/v1/vaults", new { name = "Bad", source = new { kind = "folder", path = "relative/path" } });
        relative.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await relative.Content.ReadAsStringAsync()).ShouldContain("source.path");
        (await admin.PostAsJsonAsync("/api/v1/vaults", new { name = "Bad", source = new { kind = "git", url = "--upload-pack=touch /tmp/x" } }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/api/v1/vaults", new { name = "Bad", source = new { kind = "ftp", path = _vault } }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var name = "Dup " + Guid.NewGuid().ToString("N")[..6];
        (await admin.PostAsJsonAsync("/api/v1/vaults", new { name, source = new { kind = "folder", path = _vault } })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/v1/vaults", new { name, source = new { kind = "folder", path = _vault } })).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var member = await app.RegisterConfirmedAsync(app.CreateClient(), $"m-{Guid.NewGuid():N}@example.org");
        (await app.CreateClient(member.AccessToken).PostAsJsonAsync("/api/v1/vaults", new { name = "Mine", source = new { kind = "folder", path = _vault } }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GitVault_IsClonedAndImported_AndASignedWebhookStartsAnImport()
    {
        Git(_vault, "init", "-q", "-b", "main");
        Git(_vault, "add", "-A");
        Git(_vault, "-c", "user.email=t@example.org", "-c", "user.name=Test", "commit", "-q", "-m", "vault");
        var admin = await AdminAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/vaults", new
        {
            name = "Git " + Guid.NewGuid().ToString("N")[..6],
            source = new { kind = "git", url = new Uri(_vault).AbsoluteUri, branch = "main" },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var vault = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = vault.GetProperty("id").GetGuid();
        var secret = vault.GetProperty("webhookSecret").GetString()!;
        vault.GetProperty("webhookUrl").GetString().ShouldBe($"http://atelier.test/api/v1/vaults/{id}/webhook");

        var first = await WaitForImportAsync(admin, (await admin.PostAsync($"/api/v1/vaults/{id}/sync", null)).Headers.Location!.OriginalString);
        first.GetProperty("status").GetString().ShouldBe("succeeded", first.ToString());
        first.GetProperty("log").GetProperty("created").GetInt32().ShouldBe(7);

        // A new commit, announced by a push webhook.
        await File.AppendAllTextAsync(Path.Combine(_vault, "notes", "Harmony.md"), "\nPushed paragraph.\n");
        Git(_vault, "-c", "user.email=t@example.org", "-c", "user.name=Test", "commit", "-q", "-am", "more");
        var body = Encoding.UTF8.GetBytes("{\"ref\":\"refs/heads/main\"}");
        var anonymous = app.CreateClient();
        var unsigned = new ByteArrayContent(body);
        (await anonymous.PostAsync($"/api/v1/vaults/{id}/webhook", unsigned)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var forged = new ByteArrayContent(body);
        forged.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("wrong"u8.ToArray(), body)));
        (await anonymous.PostAsync($"/api/v1/vaults/{id}/webhook", forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var signed = new ByteArrayContent(body);
        signed.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        var hook = await anonymous.PostAsync($"/api/v1/vaults/{id}/webhook", signed);
        hook.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var second = await WaitForImportAsync(admin, hook.Headers.Location!.OriginalString);
        second.GetProperty("status").GetString().ShouldBe("succeeded", second.ToString());
        second.GetProperty("log").GetProperty("updated").GetInt32().ShouldBe(1);
        second.GetProperty("log").GetProperty("unchanged").GetInt32().ShouldBe(6);
    }

    private static void Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);
    }
}

public sealed class VaultsApiTests_Sqlite(SqliteApp app) : VaultsApiTests(app), IClassFixture<SqliteApp>;

public sealed class VaultsApiTests_Postgres(PostgresApp app) : VaultsApiTests(app), IClassFixture<PostgresApp>;
