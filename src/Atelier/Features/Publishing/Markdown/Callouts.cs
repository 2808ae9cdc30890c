using System.Globalization;
using System.Text;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>The <c>[!type]+</c> that opens a callout; turned into <see cref="Callout"/> data on its quote.</summary>
internal sealed class CalloutMarkerInline : LeafInline
{
    public required string Type { get; init; }
    public required char? Fold { get; init; }
}

/// <summary>A quote that is a callout: its class type, fold ('+' open, '-' closed, null not foldable) and title.</summary>
internal sealed record Callout(string Type, char? Fold, ContainerInline Title, string DefaultTitle)
{
    public static readonly object Key = typeof(Callout);
}

/// <summary>
/// Matches <c>[!type]</c> only as the very first thing of a quote's first paragraph, so that the title after it is
/// parsed as ordinary inline Markdown.
/// </summary>
internal sealed class CalloutMarkerParser : InlineParser
{
    public CalloutMarkerParser() => OpeningCharacters = ['['];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        if (processor.Inline is not null
            || processor.Block is not ParagraphBlock paragraph
            || paragraph.Parent is not QuoteBlock quote
            || quote.Count == 0 || quote[0] != paragraph
            || slice.PeekChar(1) != '!')
        {
            return false;
        }

        var text = slice.Text;
        var typeStart = slice.Start + 2;
        var close = typeStart;
        while (close <= slice.End && text[close] != ']' && !char.IsWhiteSpace(text[close]))
        {
            close++;
        }

        if (close > slice.End || text[close] != ']' || close == typeStart)
        {
            return false;
        }

        var end = close + 1;
        char? fold = end <= slice.End && text[end] is '+' or '-' ? text[end] : null;
        if (fold is not null)
        {
            end++;
        }

        if (end <= slice.End && !char.IsWhiteSpace(text[end]))
        {
            return false;
        }

        var position = processor.GetSourcePosition(slice.Start, out var line, out var column);
        processor.Inline = new CalloutMarkerInline
        {
            Type = text[typeStart..close],
            Fold = fold,
            Span = new SourceSpan(position, position + end - slice.Start - 1),
            Line = line,
            Column = column,
        };
        slice.Start = end;
        return true;
    }

    /// <summary>Moves the marker's first line into the callout title and records the callout on the quote.</summary>
    public static void Apply(MarkdownDocument document)
    {
        foreach (var quote in document.Descendants<QuoteBlock>().ToList())
        {
            if (quote.Count == 0 || quote[0] is not ParagraphBlock { Inline.FirstChild: CalloutMarkerInline marker } paragraph)
            {
                continue;
            }

            var title = new ContainerInline();
            var node = marker.NextSibling;
            marker.Remove();
            while (node is not null and not LineBreakInline)
            {
                var next = node.NextSibling;
                node.Remove();
                title.AppendChild(node);
                node = next;
            }

            node?.Remove();
            TrimEdges(title);
            if (paragraph.Inline!.FirstChild is null)
            {
                quote.Remove(paragraph);
            }

            quote.SetData(Callout.Key, new Callout(TypeClass(marker.Type), marker.Fold, title, DefaultTitle(marker.Type)));
        }
    }

    /// <summary>Lower-case and [a-z-] only: the type lands in a class name.</summary>
    private static string TypeClass(string type)
    {
        var sb = new StringBuilder(type.Length);
        foreach (var c in type.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or '-')
            {
                sb.Append(c);
            }
        }

        return sb.Length == 0 ? "note" : sb.ToString();
    }

    private static string DefaultTitle(string type)
    {
        var t = type.Trim();
        return t.Length == 0 ? "Note" : char.ToUpper(t[0], CultureInfo.InvariantCulture) + t[1..].ToLowerInvariant();
    }

    private static void TrimEdges(ContainerInline title)
    {
        if (title.FirstChild is LiteralInline first)
        {
            var content = first.Content;
            content.TrimStart();
            first.Content = content;
        }

        if (title.LastChild is LiteralInline last)
        {
            var content = last.Content;
            content.TrimEnd();
            last.Content = content;
        }
    }
}

/// <summary>Renders a callout quote as a div, or as details/summary when it folds; plain quotes as usual.</summary>
internal sealed class CalloutRenderer : QuoteBlockRenderer
{
    protected override void Write(HtmlRenderer renderer, QuoteBlock obj)
    {
        if (obj.GetData(Callout.Key) is not Callout callout)
        {
            base.Write(renderer, obj);
            return;
        }

        var (tag, titleTag) = callout.Fold is null ? ("div", "div") : ("details", "summary");
        renderer.EnsureLine();
        renderer.Write('<').Write(tag).Write(" class=\"callout callout-").Write(callout.Type).Write('"');
        renderer.WriteAttributes(obj);
        if (callout.Fold == '+')
        {
            renderer.Write(" open");
        }

        renderer.Write('>').Write('<').Write(titleTag).Write(" class=\"callout-title\">");
        if (callout.Title.FirstChild is null || string.IsNullOrWhiteSpace(InlineText.Of(callout.Title)))
        {
            renderer.WriteEscape(callout.DefaultTitle);
        }
        else
        {
            renderer.WriteChildren(callout.Title);
        }

        renderer.Write("</").Write(titleTag).Write('>');
        if (obj.Count > 0)
        {
            var implicitParagraph = renderer.ImplicitParagraph;
            renderer.ImplicitParagraph = false;
            renderer.WriteLine("<div class=\"callout-content\">");
            renderer.WriteChildren(obj);
            renderer.EnsureLine();
            renderer.Write("</div>");
            renderer.ImplicitParagraph = implicitParagraph;
        }

        renderer.Write("</").Write(tag).WriteLine(">");
    }
}
