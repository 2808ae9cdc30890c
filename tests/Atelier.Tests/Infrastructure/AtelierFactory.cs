using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

[assembly: AssemblyFixture(typeof(Atelier.Tests.Infrastructure.PostgresLifetime))]

namespace Atelier.Tests.Infrastructure;

public enum Db { Sqlite, Postgres }

/// <summary>
/// The real Atelier host in memory, with a data folder and a database of its own: a SQLite file, or a fresh
/// database on the shared PostgreSQL. Subclasses pick the provider and add settings.
/// </summary>
public abstract class AtelierFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    protected AtelierFactory(Db db) => Db = db;

    public Db Db { get; }
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "atelier-test-" + Guid.NewGuid().ToString("N")[..10]);
    public string? ConnectionString { get; private set; }
    public string MailFolder => Path.Combine(DataPath, "mail");
    public const string PublicUrl = "http://atelier.test";

    public virtual async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataPath);
        if (Db == Db.Postgres)
        {
            ConnectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }
    }

    /// <summary>Settings every test host gets; override <see cref="Settings"/> to add or change some.</summary>
    protected virtual IDictionary<string, string?> Settings()
    {
        var s = new Dictionary<string, string?>
        {
            ["Atelier:DataPath"] = DataPath,
            ["Atelier:PublicUrl"] = PublicUrl,
            ["Atelier:Database:Provider"] = Db.ToString(),
            ["Atelier:RateLimits:GlobalPerMinute"] = "0",
            ["Atelier:RateLimits:AuthPerMinute"] = "0",
            ["Atelier:Jobs:PollInterval"] = "00:00:00.200",
            ["Atelier:Jobs:RetryBaseDelay"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (ConnectionString is not null)
        {
            s["ConnectionStrings:Atelier"] = ConnectionString;
        }
        return s;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the host only looks in the content root's wwwroot; the test host's content root is the
        // project folder, so point it at the build's static web assets (the front end) explicitly.
        builder.UseStaticWebAssets();
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(Settings()));
        builder.ConfigureTestServices(ConfigureServices);
    }

    /// <summary>Extra services for a test host (e.g. job handlers that only tests need).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }

    // ---- helpers for the account flow ----

    /// <summary>Waits for the next mail to <paramref name="to"/> (sent by a background job) and returns its decoded text.</summary>
    public async Task<string> WaitForMailAsync(string to, string subjectContains, int skip = 0)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = Directory.Exists(MailFolder)
                ? Directory.GetFiles(MailFolder, "*.eml").Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f))).OrderBy(f => f.Time)
                    .Select(f => Eml.TryRead(f.File)).OfType<Eml>().Where(m => m.To.Contains(to, StringComparison.OrdinalIgnoreCase)
                        && m.Subject.Contains(subjectContains, StringComparison.OrdinalIgnoreCase)).Skip(skip).FirstOrDefault()
                : null;
            if (found is not null)
            {
                return found.Body;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail '{subjectContains}' to {to} in {MailFolder}.");
    }

    public int MailCount(string to) => !Directory.Exists(MailFolder) ? 0
        : Directory.GetFiles(MailFolder, "*.eml").Count(f => Eml.TryRead(f)?.To.Contains(to, StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>Registers, confirms through the emailed link and signs in; returns the tokens.</summary>
    public async Task<Tokens> RegisterConfirmedAsync(HttpClient client, string email, string password = "correct horse 1")
    {
        (await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = "Tester" })).EnsureSuccessStatusCode();
        var (userId, code) = ConfirmLink(await WaitForMailAsync(email, "Confirm"));
        (await client.PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId, code })).EnsureSuccessStatusCode();
        return await LoginAsync(client, email, password);
    }

    public static async Task<Tokens> LoginAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    public static (string UserId, string Code) ConfirmLink(string mail)
    {
        var match = Regex.Match(mail, @"http://atelier\.test/account/confirm-email\?userId=([0-9a-f-]{36})&code=([A-Za-z0-9_%-]+)");
        match.Success.ShouldBeTrue($"no confirmation link in: {mail}");
        return (match.Groups[1].Value, Uri.UnescapeDataString(match.Groups[2].Value));
    }

    /// <summary>A client that does not follow redirects, to see where pages send people.</summary>
    public HttpClient CreatePageClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A browser-like client (cookies, no automatic redirects) signed in through the login form.</summary>
    public async Task<HttpClient> SignedInPageClientAsync(string email, string password)
    {
        var client = CreatePageClient();
        var signedIn = await SubmitFormAsync(client, "/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password,
        });
        signedIn.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect, "signing in failed");
        return client;
    }

    /// <summary>Reads the antiforgery token of the first form on a page.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        match.Success.ShouldBeTrue("the page has no antiforgery token");
        return match.Groups[1].Value;
    }

    /// <summary>GETs a page and posts its form back with the given fields (and its antiforgery token).</summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(HttpClient client, string path, IDictionary<string, string> fields, string? postPath = null)
    {
        var page = await client.GetAsync(path);
        page.EnsureSuccessStatusCode();
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(await page.Content.ReadAsStringAsync()) };
        return await client.PostAsync(postPath ?? path, new FormUrlEncodedContent(form));
    }

    public HttpClient CreateClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>Creates the owner through the same service the CLI and /setup use, and signs in.</summary>
    public async Task<Tokens> OwnerAsync(HttpClient client, string email = "owner@atelier.test", string password = "owner password 1")
    {
        using (var scope = Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<Features.Accounts.AccountService>();
            await accounts.CreateOwnerAsync(email, password, "Owner", CancellationToken.None);
        }
        return await LoginAsync(client, email, password);
    }

    /// <summary>Registers and confirms a user and makes them an Author (the owner, created if need be, promotes them).</summary>
    public async Task RegisterAuthorAsync(string email, string password = "correct horse 1")
    {
        var client = CreateClient();
        var owner = await OwnerAsync(client);
        var tokens = await RegisterConfirmedAsync(client, email, password);
        var id = (await CreateClient(tokens.AccessToken).GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        (await CreateClient(owner.AccessToken).PutAsJsonAsync($"/api/v1/admin/users/{id}/role", new { role = "Author" })).EnsureSuccessStatusCode();
    }
}

public sealed record Tokens(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Reads the .eml files SmtpClient writes to the pickup folder.</summary>
public sealed record Eml(string To, string Subject, string Body)
{
    /// <summary>The message, or null while the mail job is still writing the file.</summary>
    public static Eml? TryRead(string path)
    {
        string text;
        try
        {
            // SmtpClient writes pickup files in place: a file touched in the last moments may still be growing.
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromMilliseconds(300))
            {
                return null;
            }
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0 || !text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            return null;
        }
        var head = text[..split];
        var body = text[(split + 4)..];
        string Header(string name) => Regex.Match(head, $@"^{name}: (.*)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        if (Header("Content-Transfer-Encoding").Equals("base64", StringComparison.OrdinalIgnoreCase))
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", "", StringComparison.Ordinal)));
        }
        var subject = Header("Subject");
        var encoded = Regex.Match(subject, @"^=\?utf-8\?B\?(.*)\?=$", RegexOptions.IgnoreCase);
        if (encoded.Success)
        {
            subject = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Groups[1].Value));
        }
        return new Eml(Header("To"), subject, body);
    }
}

public sealed class SqliteApp() : AtelierFactory(Db.Sqlite);

public sealed class PostgresApp() : AtelierFactory(Db.Postgres);
