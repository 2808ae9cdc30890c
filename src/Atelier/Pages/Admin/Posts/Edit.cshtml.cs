using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Atelier.Features.Publishing;
using Atelier.Platform.Html;
using Atelier.Platform.Http;

namespace Atelier.Pages.Admin.Posts;

/// <summary>
/// Writing a post (<c>/admin/posts/new</c>) or changing one (<c>/admin/posts/{slug}/edit</c>) through
/// <see cref="PostWriter"/>, with a live preview and image uploads for /app/editor.js.
/// </summary>
[RequestSizeLimit(PostImages.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = PostImages.MaxBytes + 1024 * 1024)]
internal sealed class EditModel(PostWriter writer, PostImages images, TimeProvider time) : PageModel
{
    public const int MaxSourceLength = 500_000;

    public enum PublishMode { Draft, Now, Schedule }

    public sealed class PostForm : IValidatableObject
    {
        [Required, MaxLength(300), RegularExpression(@"(?s).*\S.*", ErrorMessage = "The title cannot be blank.")]
        public string Title { get; set; } = "";

        [MaxLength(200), Display(Name = "Slug")]
        public string? Slug { get; set; }

        public PostKind Kind { get; set; }

        [MaxLength(MaxSourceLength), Display(Name = "Markdown")]
        public string? Source { get; set; }

        [MaxLength(1000)]
        public string? Summary { get; set; }

        [MaxLength(1000), Display(Name = "Tags")]
        public string? Tags { get; set; }

        /// <summary>One path per line, levels separated by "/" (Music/Synthesis).</summary>
        [MaxLength(2500), Display(Name = "Categories")]
        public string? Categories { get; set; }

        [MaxLength(1000), Display(Name = "Cover image URL")]
        public string? CoverUrl { get; set; }

        [Display(Name = "Featured on the home page")]
        public bool Featured { get; set; }

        [MaxLength(200)]
        public string? Series { get; set; }

        [Range(0, 100_000), Display(Name = "Order in the series")]
        public int? SeriesOrder { get; set; }

        [MaxLength(300), Display(Name = "SEO title")]
        public string? SeoTitle { get; set; }

        [MaxLength(1000), Display(Name = "SEO description")]
        public string? SeoDescription { get; set; }

        public PublishMode Publish { get; set; }

        /// <summary>UTC, for <see cref="PublishMode.Schedule"/>.</summary>
        [Display(Name = "Publish at (UTC)")]
        public DateTime? PublishAt { get; set; }

        public string[] TagList() => (Tags ?? "").Split([',', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

        public string[] CategoryList() => (Categories ?? "").Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (CategoryList().Length > CategoryPath.MaxCount)
            {
                yield return new ValidationResult($"At most {CategoryPath.MaxCount} categories.", [nameof(Categories)]);
            }
            foreach (var category in CategoryList())
            {
                if (CategoryPath.Parse(category, out var error) is null)
                {
                    yield return new ValidationResult($"{category}: {error}", [nameof(Categories)]);
                }
            }
            if (TagList().Length > 30)
            {
                yield return new ValidationResult("At most 30 tags.", [nameof(Tags)]);
            }
            if (CoverUrl is { } cover && !HtmlSanitizer.IsSafeUrl(cover))
            {
                yield return new ValidationResult("Give a web address (https://…) or a path on this site (/assets/…).", [nameof(CoverUrl)]);
            }
            if (Publish == PublishMode.Schedule && PublishAt is null)
            {
                yield return new ValidationResult("Choose when to publish.", [nameof(PublishAt)]);
            }
        }
    }

    [BindProperty]
    public PostForm Input { get; set; } = new();

    [TempData]
    public string? Message { get; set; }

    /// <summary>The post's slug before this edit; null for a new post.</summary>
    public string? CurrentSlug { get; private set; }

    public string? EditPath => CurrentSlug is null ? null : EditUrl(CurrentSlug);

    public bool FromVault { get; private set; }

    public bool WasPublished { get; private set; }

    /// <summary>The public address, while the post is visible.</summary>
    public string? PublicUrl { get; private set; }

    public string PreviewHtml { get; private set; } = "";

    public IReadOnlyList<RevisionDto> Revisions { get; private set; } = [];

    /// <summary>What the saved/unsaved indicator says first: "saved", "new" or "unsaved" (a form that did not save).</summary>
    public string SaveState { get; private set; } = "new";

    public async Task<IActionResult> OnGetAsync(string? slug, CancellationToken ct)
    {
        if (slug is null)
        {
            return Page();
        }
        if (await writer.FindWritableAsync(slug, User, ct) is not { } post)
        {
            return NotFound();
        }
        await ShowAsync(post, ct);
        // The form shows what the author chose: tags and summary that come from the text itself are left out, so
        // that they keep following the text.
        var rendered = await writer.PreviewAsync(post.Source, post.Id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        Input = new PostForm
        {
            Title = post.Title,
            Slug = post.Slug,
            Kind = post.Kind,
            Source = post.Source,
            Summary = post.Summary == Summaries.From(rendered) ? null : post.Summary,
            Tags = string.Join(", ", post.Tags.Select(t => t.Tag).Except(rendered.Tags).Order(StringComparer.Ordinal)),
            Categories = string.Join('\n', post.Categories.Select(c => c.Path).Order(StringComparer.Ordinal)),
            CoverUrl = post.CoverUrl,
            Featured = post.Featured,
            Series = post.Series,
            SeriesOrder = post.SeriesOrder,
            SeoTitle = post.SeoTitle,
            SeoDescription = post.SeoDescription,
            Publish = post.Status == PostStatus.Draft ? PublishMode.Draft : post.PublishedAt > now ? PublishMode.Schedule : PublishMode.Now,
            PublishAt = post.PublishedAt,
        };
        SaveState = "saved";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? slug, CancellationToken ct)
    {
        var post = slug is null ? null : await writer.FindWritableAsync(slug, User, ct);
        if (slug is not null && post is null)
        {
            return NotFound();
        }
        if (post is not null)
        {
            await ShowAsync(post, ct);
        }
        SaveState = "unsaved";
        if (!ModelState.IsValid)
        {
            await PreviewInputAsync(post, ct);
            return Page();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var (status, publishedAt) = Input.Publish switch
        {
            PublishMode.Draft => (PostStatus.Draft, (DateTime?)null),
            // Publishing now keeps the date of a post already out, and replaces a date still to come.
            PublishMode.Now => (PostStatus.Published, post?.PublishedAt is { } at && at <= now && post.Status == PostStatus.Published ? at : now),
            _ => (PostStatus.Published, Input.PublishAt),
        };
        var request = new PostRequest(Input.Title, Input.Slug, Input.Kind, Input.Source ?? "", Input.Summary, status, publishedAt,
            Input.TagList(), Input.CoverUrl, Input.Featured, Input.Series, Input.SeriesOrder, Input.SeoTitle, Input.SeoDescription,
            Input.CategoryList());
        var result = post is null ? await writer.CreateAsync(request, User, ct) : await writer.UpdateAsync(post.Slug, request, User, ct);
        switch (result)
        {
            case { Post: { } saved }:
                Message = saved.Status == PostStatus.Draft ? "Draft saved."
                    : saved.PublishedAt > now ? $"Scheduled for {saved.PublishedAt:yyyy-MM-dd HH:mm} UTC."
                    : "Published.";
                return Redirect(EditUrl(saved.Slug));
            case { Error: PostWriteError.SlugTaken, Slug: var taken }:
                ModelState.AddModelError($"{nameof(Input)}.{nameof(PostForm.Slug)}", $"The slug '{taken}' is taken; choose another.");
                break;
            case { Error: PostWriteError.FromVault }:
                ModelState.AddModelError("", "This post comes from a vault: edit the note in the vault.");
                break;
            default:
                return NotFound();
        }
        await PreviewInputAsync(post, ct);
        return Page();
    }

    /// <summary>The Markdown rendered as the published post would be, for the live preview.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(string? slug, [FromForm(Name = "source")] string? source, CancellationToken ct)
    {
        if (source?.Length > MaxSourceLength)
        {
            return new PageProblem(413, "The text is too long to preview.", $"Posts may have up to {MaxSourceLength} characters.");
        }
        var post = slug is null ? null : await writer.FindWritableAsync(slug, User, ct);
        if (slug is not null && post is null)
        {
            return NotFound();
        }
        return Content((await writer.PreviewAsync(source ?? "", post?.Id, ct)).Html, "text/html; charset=utf-8");
    }

    /// <summary>Stores a pasted, dropped or picked image and answers the Markdown that shows it.</summary>
    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            return new PageProblem(400, "No image was sent.", "Send the image as the form field 'file'.");
        }
        if (file.Length > PostImages.MaxBytes)
        {
            return new PageProblem(413, "The image is too large.", $"Images may be up to {PostImages.MaxBytes / 1024 / 1024} MB.");
        }
        return await images.SaveAsync(file, ct) is { } image
            ? new JsonResult(image)
            : new PageProblem(415, "That file is not an image Atelier can show.", "Upload PNG, JPEG, GIF or WebP images.");
    }

    public async Task<IActionResult> OnPostRestoreAsync(string? slug, Guid revisionId, CancellationToken ct)
    {
        if (slug is null)
        {
            return NotFound();
        }
        switch (await writer.RestoreAsync(slug, revisionId, User, ct))
        {
            case { Post: { } post }:
                Message = "The earlier version is back.";
                return Redirect(EditUrl(post.Slug));
            case { Error: PostWriteError.FromVault }:
                Message = "This post comes from a vault: edit the note in the vault.";
                return Redirect(EditUrl(slug));
            default:
                return NotFound();
        }
    }

    /// <summary>A form sent back to fix shows the preview of what was typed (unless it is too long to keep anyway).</summary>
    private async Task PreviewInputAsync(Post? post, CancellationToken ct) =>
        PreviewHtml = Input.Source is { Length: > MaxSourceLength } ? "" : (await writer.PreviewAsync(Input.Source ?? "", post?.Id, ct)).Html;

    private static string EditUrl(string slug) => $"/admin/posts/{Uri.EscapeDataString(slug)}/edit";

    /// <summary>What the page shows about an existing post besides the form.</summary>
    private async Task ShowAsync(Post post, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        CurrentSlug = post.Slug;
        FromVault = post.VaultId is not null;
        WasPublished = post.Status == PostStatus.Published && post.PublishedAt <= now;
        PublicUrl = WasPublished ? "/posts/" + Uri.EscapeDataString(post.Slug) : null;
        PreviewHtml = post.Html;
        Revisions = FromVault ? [] : await writer.RevisionsAsync(post.Id, ct);
    }
}
