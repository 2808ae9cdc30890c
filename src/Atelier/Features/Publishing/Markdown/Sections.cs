using Markdig.Extensions.Footnotes;
using Markdig.Syntax;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>Cuts a parsed note down to what ![[Note#Heading]] or ![[Note#^block]] transcludes.</summary>
internal static class Sections
{
    /// <summary>Keeps only the addressed part; false when the note has no such heading or block.</summary>
    public static bool Keep(MarkdownDocument document, IReadOnlyList<string> subpath)
    {
        var last = subpath[^1];
        return last.StartsWith('^') ? KeepBlock(document, last) : KeepHeading(document, HeadingIds.Slug(last));
    }

    /// <summary>The heading and everything up to the next heading of the same or a higher level.</summary>
    private static bool KeepHeading(MarkdownDocument document, string slug)
    {
        var start = -1;
        var end = document.Count;
        var level = 0;
        for (var i = 0; i < document.Count; i++)
        {
            if (document[i] is not HeadingBlock heading)
            {
                continue;
            }

            if (start < 0 && HeadingIds.Slug(InlineText.Of(heading.Inline)) == slug)
            {
                start = i;
                level = heading.Level;
            }
            else if (start >= 0 && heading.Level <= level)
            {
                end = i;
                break;
            }
        }

        if (start < 0)
        {
            return false;
        }

        for (var i = document.Count - 1; i >= 0; i--)
        {
            // Footnotes referenced from the section live at the end of the note.
            if ((i < start || i >= end) && document[i] is not FootnoteGroup)
            {
                document.RemoveAt(i);
            }
        }

        return true;
    }

    private static bool KeepBlock(MarkdownDocument document, string id)
    {
        var block = document.Descendants().OfType<Block>().FirstOrDefault(b => BlockIds.Of(b) == id);
        if (block is null)
        {
            return false;
        }

        // A list item renders only inside its list: keep the list, drop its other items.
        if (block is ListItemBlock && block.Parent is ListBlock list)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i] != block)
                {
                    list.RemoveAt(i);
                }
            }

            block = list;
        }

        block.Parent!.Remove(block);
        document.Clear();
        document.Add(block);
        return true;
    }
}
