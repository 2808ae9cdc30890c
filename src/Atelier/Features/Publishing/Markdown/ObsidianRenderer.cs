using Atelier.Platform.Html;
using Markdig;
using Markdig.Extensions.EmphasisExtras;
using Markdig.Renderers;
using Markdig.Syntax;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>
/// Renders an Obsidian note (front matter, wikilinks, embeds, callouts, tags, comments, block ids) to sanitized HTML.
/// Thread-safe and reusable: the Markdig pipeline is built once; per-render state lives in a <see cref="RenderSession"/>.
/// The supported syntax is described in docs/markdown.md.
/// </summary>
public sealed class ObsidianRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseFootnotes()
        .UseTaskLists()
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough | EmphasisExtraOptions.Marked)
        .UseAutoLinks()
        .UseMathematics()
        // Obsidian's default ("strict line breaks" off): a single newline is a line break.
        .UseSoftlineBreakAsHardlineBreak()
        .Use<ObsidianExtension>()
        .Build();

    /// <summary>Renders a note whose own identity is unknown.</summary>
    public RenderResult Render(string markdown, INoteLinks links) => Render(markdown, links, current: null);

    /// <summary>
    /// Renders a note; <paramref name="current"/> is the note itself when known, so that a note transcluding itself
    /// is caught at once rather than one level down.
    /// </summary>
    public RenderResult Render(string markdown, INoteLinks links, NoteTarget? current)
    {
        ArgumentNullException.ThrowIfNull(links);
        var (frontMatter, body, error) = FrontMatterParser.Parse(markdown);
        var session = new RenderSession(links, current);
        foreach (var tag in frontMatter.Tags)
        {
            session.AddTag(tag);
        }

        var html = RenderNote(body, session, depth: 0, current, subpath: null) ?? string.Empty;
        var (clean, text) = HtmlSanitizer.Sanitize(html, PlainText.IsNotText);
        // Trimmed: a removed leading block (a comment, an iframe) would otherwise leave a blank line first.
        return new RenderResult(clean.Trim(), frontMatter, session.Tags, session.Headings, session.LinkRefs, text, PlainText.CountWords(text))
        {
            FrontMatterError = error,
        };
    }

    /// <summary>Unsanitized HTML of a note body; null when <paramref name="subpath"/> names nothing in it.</summary>
    internal string? RenderNote(string body, RenderSession session, int depth, NoteTarget? note, IReadOnlyList<string>? subpath)
    {
        var source = Comments.Strip(body);
        MarkdownDocument document;
        try
        {
            document = Markdig.Markdown.Parse(source, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses absurdly deep nesting ("> > > …" thousands deep); show the text rather than fail the page.
            return Fallback(source);
        }

        BlockIds.Apply(document);
        CalloutMarkerParser.Apply(document);
        if (subpath is { Count: > 0 } && !Sections.Keep(document, subpath))
        {
            return null;
        }

        new NoteResolver(this, session, depth, note).Visit(document);
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        try
        {
            renderer.Render(document);
        }
        catch (ArgumentException)
        {
            return Fallback(source);
        }

        return writer.ToString();
    }

    private static string Fallback(string source) => $"<p>{Embeds.Escape(source)}</p>\n";
}
