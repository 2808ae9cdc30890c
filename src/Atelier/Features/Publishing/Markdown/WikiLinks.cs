using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>
/// <c>[[Note#Heading|alias]]</c> or <c>![[file.png|300]]</c> as written. The resolver fills <see cref="Html"/>;
/// the renderer only writes it, so every decision about a link is made in one place.
/// </summary>
internal sealed class WikiLinkInline : LeafInline
{
    public required string Raw { get; init; }
    public required bool IsEmbed { get; init; }

    /// <summary>The note or file part, trimmed; empty for a link into the same page ([[#Heading]]).</summary>
    public required string Target { get; init; }

    /// <summary>What follows the first '#', split on further '#' (nested headings); empty when none.</summary>
    public required IReadOnlyList<string> Subpath { get; init; }

    public required string? Alias { get; init; }

    public string? Html { get; set; }

    /// <summary>The resolved HTML is a block (a transclusion or a placeholder div) and must not sit inside a &lt;p&gt;.</summary>
    public bool IsBlock { get; set; }

    /// <summary>The written text: "Note", "Note &gt; Heading", or the heading alone for a same-page link.</summary>
    public string DefaultText => Subpath.Count == 0 ? Target
        : Target.Length == 0 ? string.Join(" > ", Subpath)
        : $"{Target} > {string.Join(" > ", Subpath)}";

    public string DisplayText => Alias ?? DefaultText;

    /// <summary>"#heading-id" or "#^block", using the same slug as headings; empty without a subpath.</summary>
    public string Fragment => Subpath.Count == 0 ? string.Empty
        : Subpath[^1].StartsWith('^') ? "#" + Subpath[^1]
        : "#" + HeadingIds.Slug(Subpath[^1]);

    public static WikiLinkInline Create(string raw, bool isEmbed)
    {
        // In a table the pipe before an alias has to be escaped; the escape is not part of the name.
        var content = raw.Replace("\\|", "|", StringComparison.Ordinal);
        var bar = content.IndexOf('|', StringComparison.Ordinal);
        var alias = bar < 0 ? null : content[(bar + 1)..].Trim();
        var left = bar < 0 ? content : content[..bar];
        var hash = left.IndexOf('#', StringComparison.Ordinal);
        var target = (hash < 0 ? left : left[..hash]).Trim();
        var subpath = hash < 0
            ? []
            : left[(hash + 1)..].Split('#', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new WikiLinkInline
        {
            Raw = raw,
            IsEmbed = isEmbed,
            Target = target,
            Subpath = subpath,
            Alias = string.IsNullOrEmpty(alias) ? null : alias,
        };
    }
}

/// <summary>Parses <c>[[…]]</c> and <c>![[…]]</c> on one line; runs before Markdig's link parser.</summary>
internal sealed class WikiLinkParser : InlineParser
{
    public WikiLinkParser() => OpeningCharacters = ['[', '!'];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        var start = slice.Start;
        var isEmbed = slice.CurrentChar == '!';
        var open = isEmbed ? 1 : 0;
        if (slice.PeekCharAbsolute(start + open) != '[' || slice.PeekCharAbsolute(start + open + 1) != '[')
        {
            return false;
        }

        var text = slice.Text;
        var contentStart = start + open + 2;
        var close = -1;
        for (var i = contentStart; i < slice.End; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r' || (c == '[' && text[i + 1] == '['))
            {
                return false;
            }

            if (c == ']' && text[i + 1] == ']')
            {
                close = i;
                break;
            }
        }

        if (close < 0 || text.AsSpan(contentStart, close - contentStart).IsWhiteSpace())
        {
            return false;
        }

        var position = processor.GetSourcePosition(start, out var line, out var column);
        var length = close + 2 - start;
        processor.Inline = WikiLinkInline.Create(text[contentStart..close], isEmbed);
        processor.Inline.Span = new SourceSpan(position, position + length - 1);
        processor.Inline.Line = line;
        processor.Inline.Column = column;
        slice.Start = close + 2;
        return true;
    }
}

internal sealed class WikiLinkRenderer : HtmlObjectRenderer<WikiLinkInline>
{
    protected override void Write(HtmlRenderer renderer, WikiLinkInline obj)
    {
        if (obj.Html is not null)
        {
            renderer.Write(obj.Html);
            return;
        }

        // Not reached by the resolver (nesting past its depth guard): show what was written.
        renderer.WriteEscape(obj.IsEmbed ? $"![[{obj.Raw}]]" : $"[[{obj.Raw}]]");
    }
}
