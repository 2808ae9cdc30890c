using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Pages.Chat;

/// <summary>
/// <c>/chat</c>: the messenger's web app (React, web/src/chat). The page is signed in with the site cookie; the app
/// asks <c>POST /chat?handler=Token</c> (antiforgery-checked) for a short-lived bearer token for the API and the hub.
/// </summary>
[Authorize(AuthenticationSchemes = CookieAuthenticationDefaults.AuthenticationScheme)]
internal sealed class IndexModel(AppDb db, TokenService tokens, IOptions<AtelierOptions> options) : PageModel
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
