using System.Text.RegularExpressions;
using Atelier.Tests.Publishing;

namespace Atelier.Tests.Admin;

/// <summary>The owner adds a vault in the admin, watches its import, reads the log and syncs again.</summary>
public abstract class VaultPagesTests(AtelierFactory app) : IDisposable
{
    private readonly string _vault = TestVault.Copy();

    public void Dispose()
    {
        Directory.Delete(_vault, recursive: true);
        GC.SuppressFinalize(this);
    }

    private async Task<HttpClient> OwnerPagesAsync()
    {
        await app.OwnerAsync(app.CreateClient(), "owner@atelier.test", "owner password 1");
        return await app.SignedInPageClientAsync("owner@atelier.test", "owner password 1");
    }

    private static async Task<string> WaitUntilDoneAsync(HttpClient client, string url)
    {
        for (var i = 0; i < 200; i++)
        {
            var page = await client.GetStringAsync(url);
            if (!page.Contains("this page refreshes until it is done", StringComparison.Ordinal))
            {
                return page;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the import never finished");
    }

    [Fact]
    public async Task Owner_AddsAFolderVault_SeesItsImportLog_AndSyncsAgain()
    {
        var client = await OwnerPagesAsync();
        var name = "Notes " + Guid.NewGuid().ToString("N")[..6];

        var added = await AtelierFactory.SubmitFormAsync(client, "/admin/vaults", new Dictionary<string, string>
        {
            ["Input.Name"] = name, ["Input.Kind"] = "folder", ["Input.Location"] = _vault, ["Input.PublishRule"] = "frontmatter",
        });
        added.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var showUrl = added.Headers.Location!.OriginalString;
        showUrl.ShouldMatch(@"^/admin/vaults/[0-9a-f-]{36}\?import=[0-9a-f-]{36}$");

        var log = await WaitUntilDoneAsync(client, showUrl);
        log.ShouldContain($"<h1 class=\"text-3xl font-bold\">{name}</h1>");
        log.ShouldContain(": succeeded</h2>");
        Regex.Match(log, @"<dt>Created</dt><dd>(\d+)</dd>").Groups[1].Value.ShouldNotBe("0");
        log.ShouldContain("Broken.md");            // the note with unreadable front matter is reported, not fatal
        log.ShouldContain("data-testid=\"unresolved-links\"");

        (await client.GetStringAsync("/admin/vaults")).ShouldContain(name);

        // Syncing again changes nothing in the vault: every note is unchanged.
        var vaultId = showUrl["/admin/vaults/".Length..showUrl.IndexOf('?', StringComparison.Ordinal)];
        (await client.GetStringAsync("/admin/vaults")).ShouldContain($"action=\"/admin/vaults/{vaultId}?handler=Sync\"");
        var again = await AtelierFactory.SubmitFormAsync(client, "/admin/vaults/" + vaultId, new Dictionary<string, string>(),
            postPath: $"/admin/vaults/{vaultId}?handler=Sync");
        again.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        again.Headers.Location!.OriginalString.ShouldNotBe(showUrl);
        var second = await WaitUntilDoneAsync(client, again.Headers.Location!.OriginalString);
        Regex.Match(second, @"<dt>Created</dt><dd>(\d+)</dd>").Groups[1].Value.ShouldBe("0");
        Regex.Match(second, @"<dt>Unchanged</dt><dd>(\d+)</dd>").Groups[1].Value.ShouldNotBe("0");
        Regex.Matches(second, "<li><a href=\"/admin/vaults/").Count.ShouldBe(2);
    }

    [Fact]
    public async Task AddingAVault_WithABadSource_KeepsTheFormAndSaysWhatIsWrong()
    {
        var client = await OwnerPagesAsync();
        var response = await AtelierFactory.SubmitFormAsync(client, "/admin/vaults", new Dictionary<string, string>
        {
            ["Input.Name"] = "Relative", ["Input.Kind"] = "folder", ["Input.Location"] = "notes/elsewhere", ["Input.PublishRule"] = "all",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        page.ShouldContain("An absolute path of an existing folder on the server is required.");
        page.ShouldContain("value=\"notes/elsewhere\"");

        var git = await AtelierFactory.SubmitFormAsync(client, "/admin/vaults", new Dictionary<string, string>
        {
            ["Input.Name"] = "Git", ["Input.Kind"] = "git", ["Input.Location"] = "https://git.example.org/me/notes.git", ["Input.Branch"] = "--upload-pack=evil",
            ["Input.PublishRule"] = "all",
        });
        (await git.Content.ReadAsStringAsync()).ShouldContain("Not a branch name.");
    }

    [Fact]
    public async Task Members_CannotSeeTheVaults()
    {
        await app.RegisterConfirmedAsync(app.CreateClient(), "reader@example.org", "member password");
        var member = await app.SignedInPageClientAsync("reader@example.org", "member password");
        var denied = await member.GetAsync("/admin/vaults");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.ToString().ShouldContain("/account/access-denied");
    }
}

public sealed class VaultPagesTests_Sqlite(SqliteApp app) : VaultPagesTests(app), IClassFixture<SqliteApp>;

public sealed class VaultPagesTests_Postgres(PostgresApp app) : VaultPagesTests(app), IClassFixture<PostgresApp>;
