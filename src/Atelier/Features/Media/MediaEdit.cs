namespace Atelier.Features.Media;

/// <summary>
/// The editable metadata of an item (title, alt text, caption, tags, visibility), validated once for the upload form
/// fields and the PATCH body alike. A null value leaves the stored one alone; an empty string clears it.
/// </summary>
internal sealed record MediaEdit(string? Title, string? Alt, string? Caption, IReadOnlyList<string>? Tags, MediaVisibility? Visibility, UploadProblem? Problem = null)
{
    public const int MaxTags = 30;
    public const int MaxTagLength = 50;

    public static MediaEdit From(string? title, string? alt, string? caption, string? tags, string? visibility) =>
        From(title, alt, caption, tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), visibility);

    public static MediaEdit From(string? title, string? alt, string? caption, string[]? tags, string? visibility)
    {
        if ((Invalid(title, "title", 300) ?? Invalid(alt, "alt", 1000) ?? Invalid(caption, "caption", 2000)) is { } tooLong)
        {
            return new(null, null, null, null, null, tooLong);
        }
        MediaVisibility? parsed = null;
        if (!string.IsNullOrEmpty(visibility))
        {
            if (!Enum.TryParse<MediaVisibility>(visibility, ignoreCase: true, out var v) || !Enum.IsDefined(v) || int.TryParse(visibility, out _))
            {
                return new(null, null, null, null, null, new(400, "The visibility is not valid.", "visibility is 'public' or 'private'."));
            }
            parsed = v;
        }
        List<string>? normal = null;
        if (tags is not null)
        {
            normal = [.. tags.Select(Normalize).Where(t => t.Length > 0).Distinct()];
            if (normal.Count > MaxTags || normal.Any(t => t.Length > MaxTagLength))
            {
                return new(null, null, null, null, null, new(400, "The tags are not valid.", $"At most {MaxTags} tags of up to {MaxTagLength} characters each."));
            }
        }
        return new(title, alt, caption, normal, parsed);
    }

    public void ApplyTo(MediaItem item)
    {
        if (Title is not null)
        {
            item.Title = Blank(Title);
        }
        if (Alt is not null)
        {
            item.Alt = Blank(Alt);
        }
        if (Caption is not null)
        {
            item.Caption = Blank(Caption);
        }
        if (Tags is not null)
        {
            item.Tags = Stored(Tags);
        }
        if (Visibility is { } visibility)
        {
            item.Visibility = visibility;
        }
    }

    /// <summary>" a b " from [a, b]: spaces at both ends so one tag matches with LIKE '% a %'.</summary>
    public static string Stored(IEnumerable<string> tags) => " " + string.Join(' ', tags) + " ";

    public static IReadOnlyList<string> Read(string stored) => stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string Normalize(string tag) =>
        string.Join('-', tag.Trim().TrimStart('#').ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static UploadProblem? Invalid(string? value, string field, int max) =>
        value is { Length: var n } && n > max ? new(400, $"The {field} is too long.", $"{field} may be up to {max} characters.") : null;
}
