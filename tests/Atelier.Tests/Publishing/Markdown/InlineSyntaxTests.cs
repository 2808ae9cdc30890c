namespace Atelier.Tests.Publishing.Markdown;

public sealed class InlineSyntaxTests
{
    [Fact]
    public void Highlight_RendersMark() =>
        Vault.Html("Это ==важно== очень").ShouldBe("<p>Это <mark>важно</mark> очень</p>");

    [Fact]
    public void Strikethrough_RendersDel() =>
        Vault.Html("~~старое~~ новое").ShouldBe("<p><del>старое</del> новое</p>");

    [Fact]
    public void Emphasis_RendersStrongAndEm() =>
        Vault.Html("**жирный** и *курсив*").ShouldBe("<p><strong>жирный</strong> и <em>курсив</em></p>");

    [Fact]
    public void SingleNewline_IsALineBreak_AsInObsidian() =>
        Vault.Html("строка один\nстрока два").ShouldBe("<p>строка один<br>\nстрока два</p>");

    [Fact]
    public void Comment_Inline_IsRemoved() =>
        Vault.Html("видно %%скрыто%% видно").ShouldBe("<p>видно  видно</p>");

    [Fact]
    public void Comment_Block_IsRemovedEntirely()
    {
        var result = Vault.Render("До.\n\n%%\nСекретный #план\n\nи [[Музыка]]\n%%\n\nПосле.");
        result.Html.TrimEnd().ShouldBe("<p>До.</p>\n<p>После.</p>");
        result.Tags.ShouldBeEmpty();
        result.Links.ShouldBeEmpty();
    }

    [Fact]
    public void Comment_Unclosed_HidesTheRest_AsInObsidian() =>
        Vault.Html("Видно.\n\n%% черновик без конца\n\nещё").ShouldBe("<p>Видно.</p>");

    [Fact]
    public void Comment_InsideCode_StaysLiteral() =>
        Vault.Html("`a %% b %% c`\n\n```\nx %% y\n%%\n```").ShouldBe(
            "<p><code>a %% b %% c</code></p>\n<pre><code>x %% y\n%%\n</code></pre>");

    [Fact]
    public void Tag_RendersLinkToTagPage() =>
        Vault.Html("Про #синтез и #Music/Synth").ShouldBe(
            "<p>Про <a href=\"/tags/синтез\" class=\"tag\">#синтез</a> и <a href=\"/tags/music/synth\" class=\"tag\">#Music/Synth</a></p>");

    [Fact]
    public void Tag_AtStartOfLine_IsATag() =>
        Vault.Html("#idea").ShouldBe("<p><a href=\"/tags/idea\" class=\"tag\">#idea</a></p>");

    [Theory]
    [InlineData("Issue #123 fixed", "<p>Issue #123 fixed</p>")]
    [InlineData("a #--- b #_", "<p>a #--- b #_</p>")]
    [InlineData("C#sharp and a#b", "<p>C#sharp and a#b</p>")]
    [InlineData("# not a tag", "<h1 id=\"not-a-tag\">not a tag</h1>")]
    [InlineData("`#code`", "<p><code>#code</code></p>")]
    [InlineData("\\#escaped", "<p>#escaped</p>")]
    [InlineData("[link](/page#part)", "<p><a href=\"/page#part\">link</a></p>")]
    public void Tag_NotATag_StaysText(string markdown, string html) => Vault.Html(markdown).ShouldBe(html);

    [Fact]
    public void Tag_InUrlFragment_IsNotATag()
    {
        var result = Vault.Render("https://example.com/page#section");
        result.Html.TrimEnd().ShouldBe(
            "<p><a href=\"https://example.com/page#section\" rel=\"noopener\">https://example.com/page#section</a></p>");
        result.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void Tag_WithDigitsAndDashes_IsATag() =>
        Vault.Html("#2024-итоги #y2k").ShouldBe(
            "<p><a href=\"/tags/2024-итоги\" class=\"tag\">#2024-итоги</a> <a href=\"/tags/y2k\" class=\"tag\">#y2k</a></p>");

    [Fact]
    public void Tags_AreCollectedNormalisedDistinctInOrder_AfterFrontMatterTags()
    {
        var result = Vault.Render("---\ntags: [Музыка, idea]\n---\n# Заголовок #Idea\n\nТекст #Synth/Moog, #музыка и #synth/moog.\n\n```\n#incode\n```");
        result.Tags.ShouldBe(["музыка", "idea", "synth/moog"]);
    }

    [Fact]
    public void BlockId_AtEndOfParagraph_BecomesTheParagraphId() =>
        Vault.Html("Важная мысль. ^mysl-1").ShouldBe("<p id=\"^mysl-1\">Важная мысль.</p>");

    [Fact]
    public void BlockId_OnItsOwnLine_NamesTheParagraph() =>
        Vault.Html("Мысль\n^mysl").ShouldBe("<p id=\"^mysl\">Мысль</p>");

    [Fact]
    public void BlockId_AfterAList_NamesTheList() =>
        Vault.Html("- один\n- два\n\n^spisok").ShouldBe("<ul id=\"^spisok\">\n<li>один</li>\n<li>два</li>\n</ul>");

    [Fact]
    public void BlockId_InListItem_NamesTheItem() =>
        Vault.Html("- один ^p1\n- два").ShouldBe("<ul>\n<li id=\"^p1\">один</li>\n<li>два</li>\n</ul>");

    [Fact]
    public void BlockId_WithoutSpaceBefore_IsText() =>
        Vault.Html("x^not-id").ShouldBe("<p>x^not-id</p>");
}
