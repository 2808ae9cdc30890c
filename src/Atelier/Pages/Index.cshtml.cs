using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Accounts;
using Atelier.Features.Publishing;

namespace Atelier.Pages;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Atelier.Features.Publishing.PublishingExtensions.PublicPages)]
internal sealed class IndexModel(AccountService accounts, PostQueries posts) : PageModel
{
    public bool HasOwner { get; private set; }
    public IReadOnlyList<PostCard> Featured { get; private set; } = [];
    public IReadOnlyList<PostCard> Recent { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        HasOwner = await accounts.OwnerExistsAsync(ct);
        Featured = await posts.FeaturedAsync(6, ct);
        Recent = (await posts.ListAsync(null, 10, null, null, ct))!.Items;
    }
}
