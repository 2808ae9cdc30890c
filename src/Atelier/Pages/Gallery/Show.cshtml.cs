using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Atelier.Features.Media;
using Atelier.Features.Publishing;
using Atelier.Platform;

namespace Atelier.Pages.Gallery;

/// <summary>A public album: its pictures, audio, video and models in the album's order. Private and unknown albums are not found.</summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = PublishingExtensions.PublicPages)]
internal sealed class ShowModel(Galleries galleries, IOptions<AtelierOptions> options, SiteSettingsStore settings) : PageModel
{
    public GalleryView Gallery { get; private set; } = null!;
    public string CanonicalUrl { get; private set; } = "";
    public string SiteName { get; private set; } = "";

    /// <summary>The cover (or the first picture) as an absolute URL, for link previews.</summary>
    public string? Image { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await galleries.GetAsync(slug, ct) is not { } gallery)
        {
            return NotFound();
        }
        var site = Site.From(options.Value, await settings.GetAsync(ct));
        Gallery = gallery;
        SiteName = site.Title;
        CanonicalUrl = site.BaseUrl + gallery.Url;
        Image = site.Absolute(gallery.PreviewImage);
        return Page();
    }
}
