using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Atelier.Features.Accounts;

namespace Atelier.Pages;

[EnableRateLimiting(Platform.Http.RateLimits.AuthPolicy)]
internal sealed class SetupModel(AccountService accounts, Features.Publishing.ContentChanges changes) : PageModel
{
    [BindProperty]
    public SetupInput Input { get; set; } = new();

    public sealed class SetupInput
    {
        [Required, Display(Name = "Your name"), MaxLength(100)]
        public string DisplayName { get; set; } = "";

        [Required, EmailAddress, MaxLength(256)]
        public string Email { get; set; } = "";

        [Required, DataType(DataType.Password), MinLength(8, ErrorMessage = "The password needs at least 8 characters."), MaxLength(256)]
        public string Password { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await accounts.OwnerExistsAsync(ct) ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await accounts.OwnerExistsAsync(ct))
        {
            return NotFound();
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (await accounts.CreateOwnerAsync(Input.Email, Input.Password, Input.DisplayName, ct) is { } error)
        {
            ModelState.AddModelError("", error);
            return Page();
        }
        await changes.PublishedAsync(ct); // the home page's "set it up" invitation is gone
        var owner = await accounts.FindByEmailAsync(Input.Email, ct);
        await CookieSignIn.SignInAsync(HttpContext, owner!);
        return Redirect("/admin");
    }
}
