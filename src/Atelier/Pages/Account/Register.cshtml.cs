using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Atelier.Features.Accounts;

namespace Atelier.Pages.Account;

[EnableRateLimiting(Platform.Http.RateLimits.AuthPolicy)]
internal sealed class RegisterModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    public bool Done { get; private set; }

    public sealed class RegisterInput
    {
        [Required, MaxLength(100), RegularExpression(@".*\S.*", ErrorMessage = "The name must not be blank.")]
        public string DisplayName { get; set; } = "";

        [Required, EmailAddress, MaxLength(256)]
        public string Email { get; set; } = "";

        [Required, DataType(DataType.Password), MinLength(8, ErrorMessage = "The password needs at least 8 characters."), MaxLength(256)]
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
        await accounts.RegisterAsync(Input.Email, Input.Password, Input.DisplayName, ct);
        Done = true;
        return Page();
    }
}
