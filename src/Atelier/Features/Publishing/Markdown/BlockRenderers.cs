using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>
/// A paragraph holding a transclusion or a placeholder div is split around it: a div inside a &lt;p&gt; is invalid
/// and the HTML parser would tear the paragraph apart, leaving empty &lt;p&gt;&lt;/p&gt; behind.
/// </summary>
internal sealed class EmbedAwareParagraphRenderer : ParagraphRenderer
{
    protected override void Write(HtmlRenderer renderer, ParagraphBlock obj)
    {
        if (obj.Inline is null || !obj.Inline.Any(i => i is WikiLinkInline { IsBlock: true }))
        {
            base.Write(renderer, obj);
            return;
        }

        var run = new List<Inline>();
        var attributesWritten = false;
        foreach (var inline in obj.Inline.ToList())
        {
            if (inline is WikiLinkInline { IsBlock: true } block)
            {
                WriteRun(renderer, obj, run, ref attributesWritten);
                renderer.Write(block);
                renderer.WriteLine();
            }
            else
            {
                run.Add(inline);
            }
        }

        WriteRun(renderer, obj, run, ref attributesWritten);
    }

    private static void WriteRun(HtmlRenderer renderer, ParagraphBlock paragraph, List<Inline> run, ref bool attributesWritten)
    {
        while (run.Count > 0 && IsBlank(run[0]))
        {
            run.RemoveAt(0);
        }

        while (run.Count > 0 && IsBlank(run[^1]))
        {
            run.RemoveAt(run.Count - 1);
        }

        if (run.Count == 0)
        {
            return;
        }

        // The text beside a split-off block keeps no dangling space: "Before ![[Note]] after" → "Before", "after".
        if (run[0] is LiteralInline first)
        {
            var content = first.Content;
            content.TrimStart();
            first.Content = content;
        }

        if (run[^1] is LiteralInline last)
        {
            var content = last.Content;
            content.TrimEnd();
            last.Content = content;
        }

        var wrap = !renderer.ImplicitParagraph && renderer.EnableHtmlForBlock;
        if (wrap)
        {
            renderer.EnsureLine();
            renderer.Write("<p");
            if (!attributesWritten)
            {
                renderer.WriteAttributes(paragraph);
                attributesWritten = true;
            }

            renderer.Write('>');
        }

        foreach (var inline in run)
        {
            renderer.Write(inline);
        }

        if (wrap)
        {
            renderer.WriteLine("</p>");
        }

        run.Clear();
    }

    private static bool IsBlank(Inline inline) =>
        inline is LineBreakInline || (inline is LiteralInline literal && literal.Content.IsEmptyOrWhitespace());
}

/// <summary>Mermaid diagrams as &lt;pre class="mermaid"&gt; for the client-side renderer; other code as Markdig writes it.</summary>
internal sealed class MermaidAwareCodeBlockRenderer : CodeBlockRenderer
{
    protected override void Write(HtmlRenderer renderer, CodeBlock obj)
    {
        if (obj is FencedCodeBlock { Info: { } info } && info.Equals("mermaid", StringComparison.OrdinalIgnoreCase))
        {
            renderer.EnsureLine();
            renderer.Write("<pre class=\"mermaid\">");
            renderer.WriteLeafRawLines(obj, true, true);
            renderer.WriteLine("</pre>");
            return;
        }

        base.Write(renderer, obj);
    }
}
