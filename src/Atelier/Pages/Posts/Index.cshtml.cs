using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;
using Atelier.Platform.Http;

namespace Atelier.Pages.Posts;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Atelier.Features.Publishing.PublishingExtensions.PublicPages)]
internal sealed class IndexModel(PostQueries posts) : PageModel
{
    public Page<PostCard> Posts { get; private set; } = new([], null);
    public string Heading { get; private set; } = "Posts";

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken ct)
    {
        if (await posts.ListAsync(cursor, 20, null, null, ct) is not { } page)
        {
            return BadRequest();
        }
        Posts = page;
        return Page();
    }
}
