using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Pages.Studio;

/// <summary>
/// <c>/studio</c> and <c>/studio/{id}</c>: the node-graph editor (React, web/src/studio), opening that patch when an id
/// is given. Signed in with the site cookie; the app asks <c>POST /studio?handler=Token</c> (antiforgery-checked) for
/// a short-lived bearer token for the patches API and the studio hub, as /chat does.
/// </summary>
[Authorize(AuthenticationSchemes = CookieAuthenticationDefaults.AuthenticationScheme)]
internal sealed class IndexModel(AppDb db, TokenService tokens, IOptions<AtelierOptions> options) : PageModel
{
    public Guid UserId { get; private set; }

    public string DisplayName { get; private set; } = "";

    /// <summary>The patch to open; the editor checks it exists and says so when it does not (or is private).</summary>
    [FromRoute]
    public Guid? Id { get; set; }

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
