using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;
using Atelier.Platform.Http;

namespace Atelier.Pages.Tags;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Atelier.Features.Publishing.PublishingExtensions.PublicPages)]
internal sealed class ShowModel(PostQueries posts) : PageModel
{
    public string Tag { get; private set; } = "";
    public Page<PostCard> Posts { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string tag, string? cursor, CancellationToken ct)
    {
        Tag = tag.Trim().ToLowerInvariant();
        if (Tag.Length is 0 or > 100 || await posts.ListAsync(cursor, 20, Tag, null, ct) is not { } page)
        {
            return NotFound();
        }
        if (page.Items.Count == 0 && cursor is null)
        {
            return NotFound();
        }
        Posts = page;
        return Page();
    }
}
