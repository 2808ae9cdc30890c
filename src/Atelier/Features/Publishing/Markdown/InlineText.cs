using System.Text;
using Markdig.Extensions.Mathematics;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>The visible text of inline Markdown (heading titles, callout titles), without markup.</summary>
internal static class InlineText
{
    private const int MaxDepth = 64;

    public static string Of(ContainerInline? container)
    {
        if (container is null)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        Append(sb, container, 0);
        return sb.ToString().Trim();
    }

    private static void Append(StringBuilder sb, ContainerInline container, int depth)
    {
        for (var inline = container.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    sb.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    sb.Append(code.Content);
                    break;
                case MathInline math:
                    sb.Append(math.Content.AsSpan());
                    break;
                case HtmlEntityInline entity:
                    sb.Append(entity.Transcoded.AsSpan());
                    break;
                case LineBreakInline:
                    sb.Append(' ');
                    break;
                case AutolinkInline autolink:
                    sb.Append(autolink.Url);
                    break;
                case TagInline tag:
                    sb.Append('#').Append(tag.Text);
                    break;
                case WikiLinkInline { IsEmbed: false } link:
                    sb.Append(link.DisplayText);
                    break;
                case ContainerInline child when depth < MaxDepth:
                    Append(sb, child, depth + 1);
                    break;
            }
        }
    }
}
