using System.Text.RegularExpressions;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>
/// Obsidian block references: <c>^block-id</c> ending a paragraph names that paragraph (or its list item); alone
/// on its own paragraph it names the block just before (a list, a table, a quote). The marker is removed.
/// </summary>
internal static partial class BlockIds
{
    public static readonly object Key = typeof(BlockIds);

    public static string? Of(Block block) => block.GetData(Key) as string;

    public static void Apply(MarkdownDocument document)
    {
        foreach (var paragraph in document.Descendants<ParagraphBlock>().ToList())
        {
            if (paragraph.Inline?.LastChild is not LiteralInline last)
            {
                continue;
            }

            var content = last.Content.ToString();
            var m = Marker().Match(content);
            if (!m.Success)
            {
                continue;
            }

            var id = "^" + m.Groups["id"].Value;
            var rest = content[..m.Index].TrimEnd();
            var alone = rest.Length == 0 && last.PreviousSibling is null;
            if (alone)
            {
                var parent = paragraph.Parent!;
                var index = parent.IndexOf(paragraph);
                if (index > 0)
                {
                    parent[index - 1].SetData(Key, id);
                    parent.RemoveAt(index);
                }

                continue;
            }

            if (rest.Length == 0)
            {
                var previous = last.PreviousSibling;
                last.Remove();
                if (previous is LineBreakInline)
                {
                    previous.Remove();
                }
            }
            else
            {
                last.Content = new Markdig.Helpers.StringSlice(rest);
            }

            Block target = paragraph.Parent is ListItemBlock item && item[0] == paragraph ? item : paragraph;
            target.SetData(Key, id);
        }
    }

    [GeneratedRegex(@"(?:^|\s)\^(?<id>[A-Za-z0-9-]+)\s*$")]
    private static partial Regex Marker();
}
