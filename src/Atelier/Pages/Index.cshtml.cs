using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Accounts;

namespace Atelier.Pages;

internal sealed class IndexModel(AccountService accounts) : PageModel
{
    public bool HasOwner { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => HasOwner = await accounts.OwnerExistsAsync(ct);
}
