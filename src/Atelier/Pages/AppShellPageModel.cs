using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Pages;

/// <summary>
/// A page that hosts one of the React apps (/chat, /studio): signed in with the site cookie, it renders the app's
/// mount point, and the app asks <c>POST ?handler=Token</c> (antiforgery-checked) for a short-lived bearer token for
/// the JSON API and the SignalR hubs.
/// </summary>
[Authorize(AuthenticationSchemes = CookieAuthenticationDefaults.AuthenticationScheme)]
internal abstract class AppShellPageModel(AppDb db, TokenService tokens, IOptions<AtelierOptions> options) : PageModel
{
    public Guid UserId { get; private set; }

    public string DisplayName { get; private set; } = "";

    public IActionResult OnGet()
    {
        if (User.UserId() is not { } id)
        {
            return Challenge();
        }
        UserId = id;
        DisplayName = User.Identity?.Name ?? "";
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostTokenAsync(CancellationToken ct)
    {
        var id = User.UserId();
        var user = id is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Unauthorized();
        }
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new { accessToken = tokens.CreateAccessToken(user), expiresIn = (int)options.Value.Auth.AccessTokenLifetime.TotalSeconds });
    }
}
