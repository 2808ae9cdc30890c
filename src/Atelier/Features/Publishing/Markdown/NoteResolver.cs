using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>State shared by a note and everything it transcludes during one <see cref="ObsidianRenderer.Render(string, INoteLinks)"/>.</summary>
internal sealed class RenderSession
{
    /// <summary>Nested transclusions at most; deeper embeds become links.</summary>
    public const int MaxDepth = 3;

    /// <summary>Transclusions per render at most, so a note embedding many notes that embed many notes stays cheap.</summary>
    public const int MaxTransclusions = 50;

    private readonly HashSet<string> _seenTags = new(StringComparer.Ordinal);
    private readonly List<string> _tags = [];

    public RenderSession(INoteLinks links, NoteTarget? current)
    {
        Links = links;
        if (current is not null)
        {
            Transcluding.Add(current.Key);
        }
    }

    public INoteLinks Links { get; }
    public List<Heading> Headings { get; } = [];
    public List<LinkRef> LinkRefs { get; } = [];
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>Keys of the notes being rendered, outermost first: meeting one again is a cycle.</summary>
    public HashSet<string> Transcluding { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int TransclusionsLeft { get; set; } = MaxTransclusions;

    public void AddTag(string? tag)
    {
        if (tag is not null && _seenTags.Add(tag))
        {
            _tags.Add(tag);
        }
    }
}

/// <summary>
/// Walks one parsed note: resolves wikilinks and embeds, collects tags, links and headings, and assigns heading and
/// block ids. Only the outermost note (depth 0) reports and gets ids; transcluded notes are content, not structure.
/// </summary>
internal sealed class NoteResolver(ObsidianRenderer owner, RenderSession session, int depth, NoteTarget? note)
{
    // Markdig bounds nesting itself; this keeps the walk's stack bounded whatever it lets through.
    private const int MaxNesting = 128;

    private readonly HeadingIds _ids = new();

    private bool IsRoot => depth == 0;

    public void Visit(MarkdownDocument document) => VisitBlock(document, 0);

    private void VisitBlock(Block block, int nesting)
    {
        if (nesting > MaxNesting)
        {
            return;
        }

        if (IsRoot && BlockIds.Of(block) is { } blockId)
        {
            block.GetAttributes().Id = blockId;
        }

        switch (block)
        {
            case HeadingBlock heading:
                VisitInlines(heading.Inline, 0);
                if (IsRoot)
                {
                    var text = InlineText.Of(heading.Inline);
                    var id = _ids.Next(text);
                    heading.GetAttributes().Id = id;
                    session.Headings.Add(new Heading(heading.Level, text, id));
                }

                break;
            case LeafBlock leaf:
                VisitInlines(leaf.Inline, 0);
                break;
            case ContainerBlock container:
                if (container.GetData(Callout.Key) is Callout callout)
                {
                    VisitInlines(callout.Title, 0);
                }

                foreach (var child in container)
                {
                    VisitBlock(child, nesting + 1);
                }

                break;
        }
    }

    private void VisitInlines(ContainerInline? container, int nesting)
    {
        if (container is null || nesting > MaxNesting)
        {
            return;
        }

        for (var inline = container.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case WikiLinkInline link when link.IsEmbed:
                    ResolveEmbed(link);
                    break;
                case WikiLinkInline link:
                    ResolveLink(link);
                    break;
                case TagInline tag when IsRoot:
                    session.AddTag(tag.Name);
                    break;
                case ContainerInline child:
                    VisitInlines(child, nesting + 1);
                    break;
            }
        }
    }

    private void Report(string target, string? resolvedKey, bool isEmbed)
    {
        if (IsRoot)
        {
            session.LinkRefs.Add(new LinkRef(target, resolvedKey, isEmbed));
        }
    }

    private void ResolveLink(WikiLinkInline link)
    {
        var text = link.DisplayText;
        if (link.Target.Length == 0)
        {
            // [[#Heading]]: this page; inside a transclusion, the page of the note it came from.
            link.Html = Embeds.Link((IsRoot ? string.Empty : note?.Url ?? string.Empty) + link.Fragment, text);
            return;
        }

        var target = session.Links.ResolveNote(NoteName(link.Target));
        if (target is not null)
        {
            Report(link.Target, target.Key, isEmbed: false);
            link.Html = target.Url is null ? Embeds.Unresolved(text) : Embeds.Link(target.Url + link.Fragment, text);
            return;
        }

        // [[file.pdf]]: a plain link to an attachment.
        var asset = session.Links.ResolveAsset(link.Target);
        Report(link.Target, asset?.Name, isEmbed: false);
        link.Html = asset is null ? Embeds.Unresolved(text) : Embeds.Link(asset.Url, text);
    }

    private void ResolveEmbed(WikiLinkInline embed)
    {
        if (Placeholder(embed.Target) is { } placeholder)
        {
            Report(embed.Target, null, isEmbed: true);
            embed.Html = placeholder.Id.Length == 0
                ? Embeds.Missing(embed.Target)
                : placeholder.Kind == "patch" ? Embeds.Patch(placeholder.Id) : Embeds.Placeholder(placeholder.Kind, placeholder.Id);
            embed.IsBlock = placeholder.Id.Length > 0;
            return;
        }

        if (embed.Target.Length == 0)
        {
            Report(embed.Target, null, isEmbed: true);
            embed.Html = Embeds.Missing(embed.DefaultText);
            return;
        }

        // A name with a file extension is an attachment first; a bare name is a note first.
        var isFile = Path.HasExtension(embed.Target) && !IsMarkdownFile(embed.Target);
        var asset = isFile ? session.Links.ResolveAsset(embed.Target) : null;
        var target = asset is null ? session.Links.ResolveNote(NoteName(embed.Target)) : null;
        if (asset is null && target is null && !isFile)
        {
            asset = session.Links.ResolveAsset(embed.Target);
        }

        Report(embed.Target, asset?.Name ?? target?.Key, isEmbed: true);
        if (asset is not null)
        {
            embed.Html = Embeds.Asset(asset, embed.Target, embed.Alias);
        }
        else if (target is not null)
        {
            Transclude(embed, target);
        }
        else
        {
            embed.Html = Embeds.Missing(embed.DefaultText);
        }
    }

    private void Transclude(WikiLinkInline embed, NoteTarget target)
    {
        var text = embed.DefaultText;
        if (target.Url is null)
        {
            // Never show an unpublished note's content, not even inside a published one.
            embed.Html = Embeds.Unresolved(text);
            return;
        }

        if (session.Transcluding.Contains(target.Key))
        {
            embed.Html = Embeds.Cycle(text);
            return;
        }

        var source = depth < RenderSession.MaxDepth && session.TransclusionsLeft > 0 ? session.Links.LoadSource(target) : null;
        if (source is null)
        {
            embed.Html = Embeds.Link(target.Url + embed.Fragment, text);
            return;
        }

        session.TransclusionsLeft--;
        session.Transcluding.Add(target.Key);
        string? inner;
        try
        {
            inner = owner.RenderNote(FrontMatterParser.Parse(source).Body, session, depth + 1, target, embed.Subpath);
        }
        finally
        {
            session.Transcluding.Remove(target.Key);
        }

        embed.Html = inner is null ? Embeds.Missing(text) : Embeds.Transclusion(inner);
        embed.IsBlock = inner is not null;
    }

    private static (string Kind, string Id)? Placeholder(string target)
    {
        foreach (var kind in (ReadOnlySpan<string>)["patch", "album"])
        {
            if (target.Length > kind.Length && target.StartsWith(kind, StringComparison.OrdinalIgnoreCase) && target[kind.Length] == ':')
            {
                return (kind, target[(kind.Length + 1)..].Trim());
            }
        }

        return null;
    }

    private static bool IsMarkdownFile(string name) => name.EndsWith(".md", StringComparison.OrdinalIgnoreCase);

    /// <summary>[[Note.md]] names the same note as [[Note]].</summary>
    private static string NoteName(string target) => IsMarkdownFile(target) ? target[..^3] : target;
}
