using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Atelier.Features.Media;
using Atelier.Features.Publishing;
using Atelier.Platform;

namespace Atelier.Pages.Posts;

[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Atelier.Features.Publishing.PublishingExtensions.PublicPages)]
internal sealed class ShowModel(PostQueries posts, MediaEmbeds media, IOptions<AtelierOptions> options, SiteSettingsStore settings) : PageModel
{
    public PostView? Post { get; private set; }
    public string CanonicalUrl { get; private set; } = "";
    /// <summary>Open Graph, Twitter card and JSON-LD for the layout's head.</summary>
    public PostHead? Head { get; private set; }
    /// <summary>The body with albums and media players filled in as they are now (see <see cref="MediaEmbeds"/>).</summary>
    public IReadOnlyList<PostPart> Body { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        Post = await posts.GetAsync(slug, ct);
        if (Post is null)
        {
            // A renamed note or changed slug keeps its old address working.
            return await posts.RedirectAsync("/posts/" + slug, ct) is { } target
                ? RedirectPermanent("/posts/" + Uri.EscapeDataString(target["/posts/".Length..]))
                : NotFound();
        }
        var site = Site.From(options.Value, await settings.GetAsync(ct));
        CanonicalUrl = site.BaseUrl + Post.Card.Url;
        Head = PostHead.For(Post, site, CanonicalUrl);
        Body = await media.RenderAsync(Post.Html, ct);
        return Page();
    }
}
