using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;

namespace Atelier.Pages.Archive;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = PublishingExtensions.PublicPages)]
internal sealed class IndexModel(PostQueries posts) : PageModel
{
    public IReadOnlyList<PostQueries.ArchiveEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = await posts.ArchiveAsync(ct);
}
