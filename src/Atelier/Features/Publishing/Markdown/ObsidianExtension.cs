using Markdig;
using Markdig.Parsers.Inlines;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>Registers the Obsidian syntax with a Markdig pipeline.</summary>
internal sealed class ObsidianExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        // Before Markdig's link parser, which would otherwise take "[[" and "[!" as the start of a link.
        pipeline.InlineParsers.InsertBefore<LinkInlineParser>(new CalloutMarkerParser());
        pipeline.InlineParsers.InsertBefore<LinkInlineParser>(new WikiLinkParser());
        pipeline.InlineParsers.InsertBefore<LinkInlineParser>(new TagParser());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is not HtmlRenderer html)
        {
            return;
        }

        html.ObjectRenderers.Replace<ParagraphRenderer>(new EmbedAwareParagraphRenderer());
        html.ObjectRenderers.Replace<QuoteBlockRenderer>(new CalloutRenderer());
        html.ObjectRenderers.Replace<CodeBlockRenderer>(new MermaidAwareCodeBlockRenderer());
        html.ObjectRenderers.Add(new WikiLinkRenderer());
        html.ObjectRenderers.Add(new TagRenderer());
        html.ObjectRenderers.Add(new CalloutMarkerRenderer());
    }
}

/// <summary>A marker that did not become a callout (it never should) renders as nothing rather than as an unknown object.</summary>
internal sealed class CalloutMarkerRenderer : HtmlObjectRenderer<CalloutMarkerInline>
{
    protected override void Write(HtmlRenderer renderer, CalloutMarkerInline obj)
    {
    }
}
