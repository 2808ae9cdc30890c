using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Atelier.Features.Accounts;

namespace Atelier.Pages.Account;

[EnableRateLimiting(Platform.Http.RateLimits.AuthPolicy)]
internal sealed class ResetPasswordModel(AccountService accounts) : PageModel
{
    [BindProperty(SupportsGet = true), Required, EmailAddress, MaxLength(256)]
    public string Email { get; set; } = "";

    [BindProperty(SupportsGet = true), Required, MaxLength(200)]
    public string Code { get; set; } = "";

    [BindProperty, Required, DataType(DataType.Password), Display(Name = "New password"),
     MinLength(8, ErrorMessage = "The password needs at least 8 characters."), MaxLength(256)]
    public string NewPassword { get; set; } = "";

    public bool Done { get; private set; }

    public void OnGet() => ModelState.Clear();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (!await accounts.ResetPasswordAsync(Email, Code, NewPassword, ct))
        {
            ModelState.AddModelError("", "The reset link is invalid or has expired. Ask for a new one.");
            return Page();
        }
        Done = true;
        return Page();
    }
}
