using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;

namespace Atelier.Features.Accounts;

public sealed record RegisterRequest(
    [property: Required, EmailAddress, MaxLength(256)] string Email,
    [property: Required, MinLength(8), MaxLength(256)] string Password,
    [property: Required, MaxLength(100), RegularExpression(@".*\S.*", ErrorMessage = "The display name must not be blank.")] string DisplayName);

public sealed record ConfirmEmailRequest([property: Required] Guid? UserId, [property: Required, MaxLength(200)] string Code);

public sealed record EmailRequest([property: Required, EmailAddress, MaxLength(256)] string Email);

public sealed record LoginRequest([property: Required, MaxLength(256)] string Email, [property: Required, MaxLength(256)] string Password);

public sealed record RefreshRequest([property: Required, MaxLength(200)] string RefreshToken);

public sealed record ResetPasswordRequest(
    [property: Required, EmailAddress, MaxLength(256)] string Email,
    [property: Required, MaxLength(200)] string Code,
    [property: Required, MinLength(8), MaxLength(256)] string NewPassword);

public sealed record UpdateProfileRequest([property: Required, MaxLength(100), RegularExpression(@".*\S.*", ErrorMessage = "The display name must not be blank.")] string DisplayName);

public sealed record ProfileDto(Guid Id, string Email, string DisplayName, string Role, bool EmailConfirmed, DateTime CreatedAt);

internal static class AccountsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth").RequireRateLimiting(Platform.Http.RateLimits.AuthPolicy);
        auth.MapPost("/register", RegisterAsync).WithSummary("Register with email and password; a confirmation email follows.");
        auth.MapPost("/confirm-email", ConfirmEmailAsync).WithSummary("Confirm an email address with the code from the email.");
        auth.MapPost("/resend-confirmation", ResendAsync).WithSummary("Send the confirmation email again.");
        auth.MapPost("/login", LoginAsync).WithSummary("Sign in; returns a short-lived access token and a refresh token.");
        auth.MapPost("/refresh", RefreshAsync).WithSummary("Exchange a refresh token for a new pair. Reusing a rotated token revokes its family.");
        auth.MapPost("/logout", LogoutAsync).WithSummary("Revoke the refresh token (and its family).");
        auth.MapPost("/forgot-password", ForgotAsync).WithSummary("Email a password-reset link.");
        auth.MapPost("/reset-password", ResetAsync).WithSummary("Set a new password with the code from the email.");

        // Mapped on the API group itself: a "/me" sub-group would give the route a trailing slash ("/api/v1/me/").
        api.MapGet("/me", GetMeAsync).WithTags("Profile").WithSummary("The signed-in user's profile.")
            .RequireApi(AccountsExtensions.ApiUser);
        api.MapPatch("/me", UpdateMeAsync).WithTags("Profile").WithSummary("Change the display name.")
            .RequireApi(AccountsExtensions.ApiUser);
    }

    private static async Task<Accepted> RegisterAsync(RegisterRequest request, AccountService accounts, CancellationToken ct)
    {
        await accounts.RegisterAsync(request.Email, request.Password, request.DisplayName, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ConfirmEmailAsync(ConfirmEmailRequest request, AccountService accounts, CancellationToken ct) =>
        await accounts.ConfirmEmailAsync(request.UserId!.Value, request.Code, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 400, title: "The confirmation code is invalid or has expired.",
                detail: "Ask for a new confirmation email.");

    private static async Task<Accepted> ResendAsync(EmailRequest request, AccountService accounts, CancellationToken ct)
    {
        await accounts.ResendConfirmationAsync(request.Email, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, AccountService accounts, HttpContext http, CancellationToken ct)
    {
        var outcome = await accounts.PasswordSignInAsync(request.Email, request.Password, ct);
        return outcome.Status switch
        {
            SignInStatus.Success => TypedResults.Ok(await accounts.IssueTokensAsync(outcome.User!, null, ct)),
            SignInStatus.NotConfirmed => TypedResults.Problem(statusCode: 403, title: "Email address not confirmed.",
                detail: "Open the link in the confirmation email, or ask for a new one."),
            SignInStatus.LockedOut => LockedOut(http, outcome.RetryAfter),
            _ => TypedResults.Problem(statusCode: 401, title: "Invalid email or password."),
        };
    }

    internal static ProblemHttpResult LockedOut(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: 429, title: "Too many failed sign-in attempts.",
            detail: $"The account is locked for {seconds} seconds.");
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(RefreshRequest request, AccountService accounts, CancellationToken ct) =>
        await accounts.RefreshAsync(request.RefreshToken, ct) is { } pair
            ? TypedResults.Ok(pair)
            : TypedResults.Problem(statusCode: 401, title: "The refresh token is invalid, expired or revoked.", detail: "Sign in again.");

    private static async Task<NoContent> LogoutAsync(RefreshRequest request, AccountService accounts, CancellationToken ct)
    {
        await accounts.LogoutAsync(request.RefreshToken, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Accepted> ForgotAsync(EmailRequest request, AccountService accounts, CancellationToken ct)
    {
        await accounts.ForgotPasswordAsync(request.Email, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetAsync(ResetPasswordRequest request, AccountService accounts, CancellationToken ct) =>
        await accounts.ResetPasswordAsync(request.Email, request.Code, request.NewPassword, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 400, title: "The reset code is invalid or has expired.", detail: "Ask for a new reset email.");

    private static async Task<Results<Ok<ProfileDto>, NotFound>> GetMeAsync(ClaimsPrincipal principal, AppDb db, CancellationToken ct)
    {
        var id = principal.UserId();
        return await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new ProfileDto(u.Id, u.Email, u.DisplayName, u.Role, u.EmailConfirmed, u.CreatedAt))
            .SingleOrDefaultAsync(ct) is { } profile ? TypedResults.Ok(profile) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<ProfileDto>, NotFound>> UpdateMeAsync(
        UpdateProfileRequest request, ClaimsPrincipal principal, AppDb db, CancellationToken ct)
    {
        var id = principal.UserId();
        var name = request.DisplayName.Trim();
        var updated = await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, name), ct);
        return updated == 0 ? TypedResults.NotFound() : await GetMeAsync(principal, db, ct);
    }
}
