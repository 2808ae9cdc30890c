using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Accounts;

namespace Atelier.Pages.Account;

internal sealed class ConfirmEmailModel(AccountService accounts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public bool? Confirmed { get; private set; }

    public void OnGet()
    {
        if (UserId is null || string.IsNullOrEmpty(Code))
        {
            Confirmed = false;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Confirmed = UserId is { } id && !string.IsNullOrEmpty(Code) && Code.Length <= 200
            && await accounts.ConfirmEmailAsync(id, Code, ct);
        if (Confirmed == false)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
