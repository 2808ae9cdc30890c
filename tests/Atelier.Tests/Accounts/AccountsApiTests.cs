using System.Net.Http.Headers;
using System.Text.Json;

namespace Atelier.Tests.Accounts;

public abstract class AccountsApiTests(AtelierFactory app)
{
    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.org";

    [Fact]
    public async Task Register_ConfirmByEmailedLink_Login_ReturnsBearerTokensAndProfile()
    {
        var client = app.CreateClient();
        var email = NewEmail();

        var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "long enough 1", displayName = "Ada" });
        register.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var mail = await app.WaitForMailAsync(email, "Confirm your email");
        var (userId, code) = AtelierFactory.ConfirmLink(mail);

        var early = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "long enough 1" });
        early.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        early.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        (await client.PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId, code })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        // A code works once.
        (await client.PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId, code })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var tokens = await AtelierFactory.LoginAsync(client, email, "long enough 1");
        tokens.TokenType.ShouldBe("Bearer");
        tokens.ExpiresIn.ShouldBeGreaterThan(0);
        tokens.RefreshToken.ShouldNotBeNullOrWhiteSpace();

        var me = await app.CreateClient(tokens.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me");
        me.GetProperty("email").GetString().ShouldBe(email);
        me.GetProperty("displayName").GetString().ShouldBe("Ada");
        me.GetProperty("role").GetString().ShouldBe("Member");
        me.GetProperty("emailConfirmed").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Register_WithTakenEmail_AnswersTheSame_AndDoesNotCreateASecondAccount()
    {
        var client = app.CreateClient();
        var email = NewEmail();
        var first = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "first password", displayName = "One" });
        await app.WaitForMailAsync(email, "Confirm");
        var second = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = email.ToUpperInvariant(), password = "second password", displayName = "Two" });

        second.StatusCode.ShouldBe(first.StatusCode);
        (await second.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        // The original password still holds; the second registration changed nothing but re-sent the confirmation.
        await app.WaitForMailAsync(email, "Confirm", skip: 1);
        var (userId, code) = AtelierFactory.ConfirmLink(await app.WaitForMailAsync(email, "Confirm", skip: 1));
        (await client.PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId, code })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "second password" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "first password" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ResendConfirmation_SendsANewWorkingLink()
    {
        var client = app.CreateClient();
        var email = NewEmail();
        await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "password 123", displayName = "Re" });
        await app.WaitForMailAsync(email, "Confirm");
        (await client.PostAsJsonAsync("/api/v1/auth/resend-confirmation", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await client.PostAsJsonAsync("/api/v1/auth/resend-confirmation", new { email = NewEmail() })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var (userId, code) = AtelierFactory.ConfirmLink(await app.WaitForMailAsync(email, "Confirm", skip: 1));
        (await client.PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId, code })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Login_WithWrongPassword_Is401Problem_AndUnknownEmailLooksTheSame()
    {
        var client = app.CreateClient();
        var email = NewEmail();
        await app.RegisterConfirmedAsync(client, email);

        var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "not the password" });
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = NewEmail(), password = "not the password" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var a = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        var b = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        a.GetProperty("title").GetString().ShouldBe(b.GetProperty("title").GetString());
        wrong.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Login_AfterRepeatedFailures_LocksTheAccountWith429AndRetryAfter_EvenForTheRightPassword()
    {
        var client = app.CreateClient();
        var email = NewEmail();
        await app.RegisterConfirmedAsync(client, email, "the right one 1");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "guess " + i })).StatusCode);
        }
        statuses.Take(4).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses[4].ShouldBe(HttpStatusCode.TooManyRequests);

        var locked = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "the right one 1" });
        locked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        locked.Headers.RetryAfter.ShouldNotBeNull();
        locked.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThan(60);
        locked.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Refresh_RotatesTheToken_AndTheOldOneIsDead()
    {
        var client = app.CreateClient();
        var first = await app.RegisterConfirmedAsync(client, NewEmail());

        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = (await response.Content.ReadFromJsonAsync<Tokens>())!;
        second.RefreshToken.ShouldNotBe(first.RefreshToken);
        (await app.CreateClient(second.AccessToken).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var third = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.RefreshToken });
        third.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_WithRotatedToken_RevokesFamily_SoTheNewestTokenStopsWorkingToo()
    {
        var client = app.CreateClient();
        var email = NewEmail();
        var first = await app.RegisterConfirmedAsync(client, email);
        var second = (await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken })).Content.ReadFromJsonAsync<Tokens>())!;
        // Another device signed in separately is a different family and must survive.
        var otherDevice = await AtelierFactory.LoginAsync(client, email, "correct horse 1");

        var replay = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken });
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        replay.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = otherDevice.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshToken()
    {
        var client = app.CreateClient();
        var tokens = await app.RegisterConfirmedAsync(client, NewEmail());
        (await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = tokens.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ForgotAndResetPassword_ChangesThePassword_AndRevokesEveryRefreshToken()
    {
        var client = app.CreateClient();
        var email = NewEmail();
        var before = await app.RegisterConfirmedAsync(client, email, "old password 1");

        (await client.PostAsJsonAsync("/api/v1/auth/forgot-password", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await client.PostAsJsonAsync("/api/v1/auth/forgot-password", new { email = NewEmail() })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var mail = await app.WaitForMailAsync(email, "Reset your password");
        var match = System.Text.RegularExpressions.Regex.Match(mail, @"/account/reset-password\?email=[^&]+&code=([A-Za-z0-9_%-]+)");
        match.Success.ShouldBeTrue(mail);
        var code = Uri.UnescapeDataString(match.Groups[1].Value);

        (await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email, code = "wrong", newPassword = "new password 1" }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email, code, newPassword = "new password 1" }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = before.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "old password 1" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await AtelierFactory.LoginAsync(client, email, "new password 1");
    }

    [Fact]
    public async Task Me_WithoutToken_Is401_AndPatchChangesDisplayName()
    {
        var client = app.CreateClient();
        (await client.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var forged = app.CreateClient("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");
        (await forged.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var tokens = await app.RegisterConfirmedAsync(client, NewEmail());
        var authed = app.CreateClient(tokens.AccessToken);
        var patched = await authed.PatchAsJsonAsync("/api/v1/me", new { displayName = "  Grace Hopper " });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString().ShouldBe("Grace Hopper");
        (await authed.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("displayName").GetString().ShouldBe("Grace Hopper");

        var blank = await authed.PatchAsJsonAsync("/api/v1/me", new { displayName = "   " });
        blank.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await blank.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("displayName")[0].GetString()
            .ShouldBe("The DisplayName field is required.");
    }

    [Fact]
    public async Task Register_WithInvalidFields_Is400ProblemNamingEachField()
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "not-an-email", password = "short" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var fields = errors.EnumerateObject().Select(p => p.Name).ToList();
        fields.ShouldBe(["email", "password", "displayName"], ignoreOrder: true);
    }
}

public sealed class AccountsApiTests_Sqlite(SqliteApp app) : AccountsApiTests(app), IClassFixture<SqliteApp>;

public sealed class AccountsApiTests_Postgres(PostgresApp app) : AccountsApiTests(app), IClassFixture<PostgresApp>;
