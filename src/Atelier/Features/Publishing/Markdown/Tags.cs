using System.Text;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>An inline <c>#tag</c>; <see cref="Text"/> as written (no '#'), <see cref="Name"/> normalised.</summary>
internal sealed class TagInline : LeafInline
{
    public required string Text { get; init; }
    public string Name => Text.ToLowerInvariant();
}

/// <summary>
/// Obsidian's tag rule: '#' at the start of the text or after whitespace, then letters, digits, '_', '-' and '/'
/// (nesting), with at least one letter, so "#123" stays an issue number and "#---" a row of dashes.
/// </summary>
internal sealed class TagParser : InlineParser
{
    public TagParser() => OpeningCharacters = ['#'];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        var before = slice.PeekCharExtra(-1);
        if (!(processor.Inline is null || before == '\0' || char.IsWhiteSpace(before)))
        {
            return false;
        }

        var text = slice.Text;
        var start = slice.Start + 1;
        var end = start;
        while (end <= slice.End && IsTagChar(text, end))
        {
            end += char.IsSurrogatePair(text, end) ? 2 : 1;
        }

        var tag = text[start..end].TrimEnd('/');
        if (tag.Length == 0 || tag[0] == '/' || !tag.Any(char.IsLetter))
        {
            return false;
        }

        var position = processor.GetSourcePosition(slice.Start, out var line, out var column);
        processor.Inline = new TagInline
        {
            Text = tag,
            Span = new SourceSpan(position, position + tag.Length),
            Line = line,
            Column = column,
        };
        slice.Start = start + tag.Length;
        return true;
    }

    private static bool IsTagChar(string text, int index)
    {
        var c = text[index];
        if (c is '_' or '-' or '/')
        {
            return true;
        }

        return Rune.TryGetRuneAt(text, index, out var rune)
            && (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark);
    }
}

internal sealed class TagRenderer : HtmlObjectRenderer<TagInline>
{
    protected override void Write(HtmlRenderer renderer, TagInline obj)
    {
        renderer.Write("<a href=\"/tags/").WriteEscape(obj.Name).Write("\" class=\"tag\">#").WriteEscape(obj.Text).Write("</a>");
    }
}
