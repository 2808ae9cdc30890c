namespace Atelier.Features.Publishing.Markdown;

/// <summary>A heading for the table of contents; <see cref="Id"/> is the anchor the rendered heading carries.</summary>
public sealed record Heading(int Level, string Text, string Id);

/// <summary>
/// A [[..]] or ![[..]] met in the note. <see cref="Target"/> is the note or file part as written (no #heading);
/// <see cref="ResolvedKey"/> is the note's key or the asset's name, null when nothing matched.
/// </summary>
public sealed record LinkRef(string Target, string? ResolvedKey, bool IsEmbed);

/// <summary>What <see cref="ObsidianRenderer.Render(string, INoteLinks)"/> produces.</summary>
/// <param name="Html">Sanitized HTML of the body.</param>
/// <param name="FrontMatter">The parsed front matter (<see cref="FrontMatter.Empty"/> when absent or broken).</param>
/// <param name="Tags">Front matter tags then inline #tags: no '#', lower-case, distinct, in order of first appearance.</param>
/// <param name="Headings">Headings in document order, for the table of contents.</param>
/// <param name="Links">Every wikilink and embed in document order.</param>
/// <param name="PlainText">The rendered text without markup, whitespace collapsed.</param>
/// <param name="WordCount">Words in <paramref name="PlainText"/>.</param>
public sealed record RenderResult(
    string Html,
    FrontMatter FrontMatter,
    IReadOnlyList<string> Tags,
    IReadOnlyList<Heading> Headings,
    IReadOnlyList<LinkRef> Links,
    string PlainText,
    int WordCount)
{
    /// <summary>Why the front matter could not be read (YAML syntax); null when it was fine or absent.</summary>
    public string? FrontMatterError { get; init; }
}
