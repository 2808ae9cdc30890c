using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Atelier.Features.Accounts;

namespace Atelier.Pages.Account;

[EnableRateLimiting(Platform.Http.RateLimits.AuthPolicy)]
internal sealed class ForgotPasswordModel(AccountService accounts) : PageModel
{
    [BindProperty, Required, EmailAddress, MaxLength(256)]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        await accounts.ForgotPasswordAsync(Email, ct);
        Sent = true;
        return Page();
    }
}
