using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Atelier.Features.Accounts;

namespace Atelier.Pages.Account;

[EnableRateLimiting(Platform.Http.RateLimits.AuthPolicy)]
internal sealed class LoginModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool NotConfirmed { get; private set; }

    public sealed class LoginInput
    {
        [Required, EmailAddress, MaxLength(256)]
        public string Email { get; set; } = "";

        [Required, DataType(DataType.Password), MaxLength(256)]
        public string Password { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var outcome = await accounts.PasswordSignInAsync(Input.Email, Input.Password, ct);
        switch (outcome.Status)
        {
            case SignInStatus.Success:
                await CookieSignIn.SignInAsync(HttpContext, outcome.User!);
                var fallback = outcome.User!.Role is Roles.Owner or Roles.Admin ? "/admin" : "/";
                return LocalRedirect(CookieSignIn.SafeReturnUrl(ReturnUrl, fallback));
            case SignInStatus.NotConfirmed:
                await accounts.ResendConfirmationAsync(Input.Email, ct);
                NotConfirmed = true;
                return Page();
            case SignInStatus.LockedOut:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = ((int)Math.Ceiling(outcome.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                ModelState.AddModelError("", $"Too many failed attempts. Try again in {Math.Ceiling(outcome.RetryAfter.TotalMinutes)} minute(s).");
                return Page();
            default:
                ModelState.AddModelError("", "Invalid email or password.");
                return Page();
        }
    }
}
