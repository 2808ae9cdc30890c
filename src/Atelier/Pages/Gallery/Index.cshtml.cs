using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Media;
using Atelier.Features.Publishing;

namespace Atelier.Pages.Gallery;

/// <summary>The public albums, most recently changed first.</summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = PublishingExtensions.PublicPages)]
internal sealed class IndexModel(Galleries galleries) : PageModel
{
    public List<GalleryCard> Albums { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Albums = await galleries.ListAsync(ct);
}
