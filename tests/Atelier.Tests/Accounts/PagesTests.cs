namespace Atelier.Tests.Accounts;

/// <summary>The server-rendered account pages and the first-run set-up, through HTTP with cookies and antiforgery.</summary>
public abstract class PagesTests(AtelierFactory app)
{
    [Fact]
    public async Task Setup_CreatesTheOwner_SignsIn_ShowsAdmin_AndThenIsGone()
    {
        var client = app.CreatePageClient();
        var home = await (await client.GetAsync("/")).Content.ReadAsStringAsync();
        home.ShouldContain("href=\"/setup\"");

        var noToken = await client.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Mallory", ["Input.Email"] = "mallory@example.org", ["Input.Password"] = "password 123",
        }));
        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var invalid = await AtelierFactory.SubmitFormAsync(client, "/setup", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Olga", ["Input.Email"] = "not an email", ["Input.Password"] = "short",
        });
        invalid.StatusCode.ShouldBe(HttpStatusCode.OK);
        var invalidHtml = await invalid.Content.ReadAsStringAsync();
        invalidHtml.ShouldContain("The password needs at least 8 characters.");
        invalidHtml.ShouldContain("not a valid e-mail address");

        var created = await AtelierFactory.SubmitFormAsync(client, "/setup", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Olga", ["Input.Email"] = "olga@example.org", ["Input.Password"] = "owner password 1",
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        created.Headers.Location!.OriginalString.ShouldBe("/admin");

        var admin = await client.GetAsync("/admin");
        admin.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await admin.Content.ReadAsStringAsync();
        html.ShouldContain("System status");
        html.ShouldContain(app.Db.ToString());
        html.ShouldContain("20261121000000_Initial");
        html.ShouldContain("pickup folder");

        var jobs = await (await client.GetAsync("/admin/jobs?status=succeeded")).Content.ReadAsStringAsync();
        jobs.ShouldContain("Background jobs");
        (await client.GetAsync("/admin/jobs?status=bogus")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await client.GetAsync("/setup")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CreatePageClient().GetAsync("/setup")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await client.GetAsync("/")).Content.ReadAsStringAsync()).ShouldNotContain("href=\"/setup\"");

        // The owner can use the API with the same credentials.
        await AtelierFactory.LoginAsync(app.CreateClient(), "olga@example.org", "owner password 1");
    }

    [Fact]
    public async Task Admin_SendsAnonymousVisitorsToSignIn_AndRefusesMembers()
    {
        var anonymous = app.CreatePageClient();
        var redirect = await anonymous.GetAsync("/admin");
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirect.Headers.Location!.ToString().ShouldContain("/account/login?ReturnUrl=%2Fadmin");

        var email = $"member-{Guid.NewGuid():N}@example.org";
        await app.RegisterConfirmedAsync(app.CreateClient(), email, "member password");
        var member = app.CreatePageClient();
        var signedIn = await AtelierFactory.SubmitFormAsync(member, "/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = "member password",
        });
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Headers.Location!.OriginalString.ShouldBe("/");
        var denied = await member.GetAsync("/admin");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.ToString().ShouldContain("/account/access-denied");
        (await member.GetAsync("/account/access-denied")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Login_WithWrongPassword_SaysSo_AndKeepsVisitorsOnLocalReturnUrls()
    {
        var client = app.CreatePageClient();
        var wrong = await AtelierFactory.SubmitFormAsync(client, "/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = "nobody@example.org", ["Input.Password"] = "whatever 123",
        });
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("Invalid email or password.");

        var email = $"member-{Guid.NewGuid():N}@example.org";
        await app.RegisterConfirmedAsync(app.CreateClient(), email, "member password");
        var external = await AtelierFactory.SubmitFormAsync(client, "/account/login?returnUrl=https%3A%2F%2Fevil.example%2F", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = "member password", ["returnUrl"] = "https://evil.example/",
        });
        external.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        external.Headers.Location!.OriginalString.ShouldBe("/");

        var signedOut = await AtelierFactory.SubmitFormAsync(client, "/account/logout", new Dictionary<string, string>());
        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await client.GetAsync("/")).Content.ReadAsStringAsync()).ShouldContain("Sign in");
    }

    [Fact]
    public async Task RegisterPage_SendsMail_AndTheConfirmPageConfirmsOnClick()
    {
        var client = app.CreatePageClient();
        var email = $"page-{Guid.NewGuid():N}@example.org";
        var registered = await AtelierFactory.SubmitFormAsync(client, "/account/register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Paula", ["Input.Email"] = email, ["Input.Password"] = "paula password",
        });
        (await registered.Content.ReadAsStringAsync()).ShouldContain("we have sent a confirmation link");

        var (userId, code) = AtelierFactory.ConfirmLink(await app.WaitForMailAsync(email, "Confirm"));
        var confirmPath = $"/account/confirm-email?userId={userId}&code={Uri.EscapeDataString(code)}";
        // Opening the link alone (as a mail scanner would) confirms nothing.
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "paula password" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var confirmed = await AtelierFactory.SubmitFormAsync(client, confirmPath, new Dictionary<string, string> { ["userId"] = userId, ["code"] = code });
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await confirmed.Content.ReadAsStringAsync()).ShouldContain("Email confirmed");
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "paula password" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var reused = await AtelierFactory.SubmitFormAsync(client, confirmPath, new Dictionary<string, string> { ["userId"] = userId, ["code"] = code });
        reused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await reused.Content.ReadAsStringAsync()).ShouldContain("invalid or has expired");
    }
}

public sealed class PagesTests_Sqlite(SqliteApp app) : PagesTests(app), IClassFixture<SqliteApp>;

public sealed class PagesTests_Postgres(PostgresApp app) : PagesTests(app), IClassFixture<PostgresApp>;
