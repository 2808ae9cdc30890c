using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

public sealed class WikiLinkTests
{
    [Fact]
    public void Wikilink_ToPublishedNote_RendersInternalLink() =>
        Vault.Html("См. [[Музыка]].").ShouldBe("<p>См. <a href=\"/notes/muzyka\" class=\"internal-link\">Музыка</a>.</p>");

    [Fact]
    public void Wikilink_ResolvesCyrillicNameCaseInsensitively_AndKeepsTheWrittenText() =>
        Vault.Html("[[музыка]]").ShouldBe("<p><a href=\"/notes/muzyka\" class=\"internal-link\">музыка</a></p>");

    [Fact]
    public void Wikilink_ByAlias_LinksToTheAliasedNote() =>
        Vault.Html("[[music]]").ShouldBe("<p><a href=\"/notes/muzyka\" class=\"internal-link\">music</a></p>");

    [Fact]
    public void Wikilink_ByPath_LinksToTheNote() =>
        Vault.Html("[[Synths/Moog]]").ShouldBe("<p><a href=\"/notes/moog\" class=\"internal-link\">Synths/Moog</a></p>");

    [Fact]
    public void Wikilink_WithMdExtension_NamesTheSameNote() =>
        Vault.Html("[[Музыка.md]]").ShouldBe("<p><a href=\"/notes/muzyka\" class=\"internal-link\">Музыка.md</a></p>");

    [Fact]
    public void Wikilink_WithAlias_ShowsTheAlias() =>
        Vault.Html("[[Музыка|про музыку]]").ShouldBe("<p><a href=\"/notes/muzyka\" class=\"internal-link\">про музыку</a></p>");

    [Fact]
    public void Wikilink_ToHeading_LinksToTheHeadingAnchor() =>
        Vault.Html("[[Музыка#Звук и синтез]]")
            .ShouldBe("<p><a href=\"/notes/muzyka#звук-и-синтез\" class=\"internal-link\">Музыка &gt; Звук и синтез</a></p>");

    [Fact]
    public void Wikilink_ToNestedHeading_LinksToTheLastHeading() =>
        Vault.Html("[[Музыка#Звук и синтез#Фильтры]]")
            .ShouldBe("<p><a href=\"/notes/muzyka#фильтры\" class=\"internal-link\">Музыка &gt; Звук и синтез &gt; Фильтры</a></p>");

    [Fact]
    public void Wikilink_ToHeadingWithAlias_ShowsTheAlias() =>
        Vault.Html("[[Музыка#Звук и синтез|звук]]")
            .ShouldBe("<p><a href=\"/notes/muzyka#звук-и-синтез\" class=\"internal-link\">звук</a></p>");

    [Fact]
    public void Wikilink_ToBlock_LinksToTheBlockId() =>
        Vault.Html("[[Музыка#^zvuk]]").ShouldBe("<p><a href=\"/notes/muzyka#^zvuk\" class=\"internal-link\">Музыка &gt; ^zvuk</a></p>");

    [Fact]
    public void Wikilink_ToHeadingOnSamePage_LinksToTheFragment() =>
        Vault.Html("[[#Что дальше?]]").ShouldBe("<p><a href=\"#что-дальше\" class=\"internal-link\">Что дальше?</a></p>");

    [Fact]
    public void Wikilink_ToUnpublishedNote_RendersPlainText() =>
        Vault.Html("[[Draft]] and [[Draft|черновик]]")
            .ShouldBe("<p><span class=\"unresolved-link\">Draft</span> and <span class=\"unresolved-link\">черновик</span></p>");

    [Fact]
    public void Wikilink_ToMissingNote_RendersPlainText() =>
        Vault.Html("[[Nowhere#Part]]").ShouldBe("<p><span class=\"unresolved-link\">Nowhere &gt; Part</span></p>");

    [Fact]
    public void Wikilink_ToAttachment_LinksToTheFile() =>
        Vault.Html("[[manual.pdf]]").ShouldBe("<p><a href=\"/media/manual.pdf\" class=\"internal-link\">manual.pdf</a></p>");

    [Fact]
    public void Wikilink_TextIsEscaped() =>
        Vault.Html("[[<img src=x onerror=alert(1)>]]")
            .ShouldBe("<p><span class=\"unresolved-link\">&lt;img src=x onerror=alert(1)&gt;</span></p>");

    [Fact]
    public void Wikilink_InCodeSpan_StaysLiteral() =>
        Vault.Html("`[[Музыка]]`").ShouldBe("<p><code>[[Музыка]]</code></p>");

    [Fact]
    public void Wikilink_InCodeBlock_StaysLiteral() =>
        Vault.Html("```\n[[Музыка]] ![[image.png]]\n```").ShouldBe("<pre><code>[[Музыка]] ![[image.png]]\n</code></pre>");

    [Fact]
    public void Wikilink_InTableWithEscapedPipe_KeepsTheAlias() =>
        Vault.Html("| a |\n|---|\n| [[Музыка\\|М]] |").ShouldBe(
            "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n" +
            "<td><a href=\"/notes/muzyka\" class=\"internal-link\">М</a></td>\n</tr>\n</tbody>\n</table>");

    [Theory]
    [InlineData("[[]]")]
    [InlineData("[[ ]]")]
    [InlineData("[[broken\nline]]")]
    public void Wikilink_EmptyOrSplitAcrossLines_IsNotALink(string markdown) =>
        Vault.Html(markdown).ShouldNotContain("class=");

    [Fact]
    public void Links_ListEveryWikilinkAndEmbed_WithTheirResolution()
    {
        var result = Vault.Render("[[Музыка#Звук и синтез]] [[Draft]] [[Nowhere]] [[#Local]] ![[image.png]] ![[missing.png]] ![[patch:abc]]");
        result.Links.ShouldBe([
            new LinkRef("Музыка", "музыка", false),
            new LinkRef("Draft", "draft", false),
            new LinkRef("Nowhere", null, false),
            new LinkRef("image.png", "image.png", true),
            new LinkRef("missing.png", null, true),
            new LinkRef("patch:abc", null, true),
        ]);
    }
}
