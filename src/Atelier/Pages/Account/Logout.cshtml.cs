using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Accounts;

namespace Atelier.Pages.Account;

public sealed class LogoutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await CookieSignIn.SignOutAsync(HttpContext);
        return Redirect("/");
    }
}
