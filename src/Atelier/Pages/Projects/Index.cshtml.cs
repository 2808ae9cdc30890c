using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;
using Atelier.Platform.Http;

namespace Atelier.Pages.Projects;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = PublishingExtensions.PublicPages)]
internal sealed class IndexModel(PostQueries posts) : PageModel
{
    public Page<PostCard> Projects { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken ct)
    {
        if (await posts.ListAsync(cursor, 24, null, PostKind.Project, ct) is not { } page)
        {
            return BadRequest();
        }
        Projects = page;
        return Page();
    }
}
