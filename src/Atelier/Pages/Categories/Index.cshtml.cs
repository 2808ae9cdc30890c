using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;

namespace Atelier.Pages.Categories;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = PublishingExtensions.PublicPages)]
internal sealed class IndexModel(PostQueries posts) : PageModel
{
    public IReadOnlyList<CategoryNode> Roots { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Roots = (await posts.CategoriesAsync(ct)).Roots;
}
