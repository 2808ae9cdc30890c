using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

public sealed class EmbedTests
{
    [Fact]
    public void Embed_Image_RendersLazyImage() =>
        Vault.Html("![[image.png]]").ShouldBe("<p><img src=\"/media/image.png\" loading=\"lazy\" alt=\"image.png\"></p>");

    [Fact]
    public void Embed_ImageWithWidth_SetsWidth() =>
        Vault.Html("![[image.png|300]]").ShouldBe("<p><img src=\"/media/image.png\" loading=\"lazy\" alt=\"image.png\" width=\"300\"></p>");

    [Fact]
    public void Embed_ImageWithSize_SetsWidthAndHeight() =>
        Vault.Html("![[image.png|300x200]]")
            .ShouldBe("<p><img src=\"/media/image.png\" loading=\"lazy\" alt=\"image.png\" width=\"300\" height=\"200\"></p>");

    [Fact]
    public void Embed_ImageWithAltText_SetsAlt() =>
        Vault.Html("![[image.png|Синтезатор на столе]]")
            .ShouldBe("<p><img src=\"/media/image.png\" loading=\"lazy\" alt=\"Синтезатор на столе\"></p>");

    [Fact]
    public void Embed_ImageWithAltAndWidth_SetsBoth() =>
        Vault.Html("![[image.png|Moog|120]]")
            .ShouldBe("<p><img src=\"/media/image.png\" loading=\"lazy\" alt=\"Moog\" width=\"120\"></p>");

    [Fact]
    public void Embed_Audio_RendersPlayer() =>
        Vault.Html("![[song.mp3]]").ShouldBe("<p><atelier-audio><audio controls preload=\"metadata\" src=\"/media/song.mp3\"></audio></atelier-audio></p>");

    [Fact]
    public void Embed_Video_RendersPlayer() =>
        Vault.Html("![[clip.mp4|640]]").ShouldBe("<p><atelier-video><video controls preload=\"metadata\" playsinline src=\"/media/clip.mp4\" width=\"640\"></video></atelier-video></p>");

    [Fact]
    public void Embed_Pdf_RendersLink() =>
        Vault.Html("![[manual.pdf]]").ShouldBe("<p><a href=\"/media/manual.pdf\" class=\"embed-pdf\">manual.pdf</a></p>");

    [Fact]
    public void Embed_Model_RendersViewerWithDownloadLink() =>
        Vault.Html("![[synth.glb|Лунный синтезатор]]").ShouldBe(
            "<p><atelier-model data-src=\"/media/synth.glb\" data-alt=\"Лунный синтезатор\"><a href=\"/media/synth.glb\" class=\"embed-model\">Лунный синтезатор</a></atelier-model></p>");

    [Fact]
    public void Embed_OtherFile_RendersDownloadLink() =>
        Vault.Html("![[patch.zip]]").ShouldBe("<p><a href=\"/media/patch.zip\" class=\"embed-file\">patch.zip</a></p>");

    [Fact]
    public void Embed_MissingAsset_RendersMissingMarker() =>
        Vault.Html("![[нет.png]]").ShouldBe("<p><span class=\"missing-embed\">нет.png</span></p>");

    [Fact]
    public void Embed_StandardMarkdownImage_StillWorks() =>
        Vault.Html("![Схема](/img/scheme.png \"Title\")").ShouldBe("<p><img src=\"/img/scheme.png\" alt=\"Схема\" title=\"Title\"></p>");

    [Fact]
    public void Embed_Patch_RendersThePlayerInAnIframe() =>
        Vault.Html("![[patch:xyz-1]]").ShouldBe(
            "<iframe class=\"embed-patch\" src=\"/embed/patch/xyz-1\" loading=\"lazy\" title=\"Studio patch xyz-1\" allow=\"autoplay; midi\"></iframe>");

    [Fact]
    public void Embed_Patch_PercentEncodesTheSlug() =>
        Vault.Html("![[patch:ночной-гул]]").ShouldBe(
            "<iframe class=\"embed-patch\" src=\"/embed/patch/%D0%BD%D0%BE%D1%87%D0%BD%D0%BE%D0%B9-%D0%B3%D1%83%D0%BB\" loading=\"lazy\" title=\"Studio patch ночной-гул\" allow=\"autoplay; midi\"></iframe>");

    [Fact]
    public void Embed_Album_RendersPlaceholder() =>
        Vault.Html("![[album:summer-2025]]").ShouldBe("<div class=\"embed-album\" data-album=\"summer-2025\"></div>");

    [Fact]
    public void Embed_Note_TranscludesItsBodyWithoutFrontMatter() =>
        Vault.Html("![[Музыка]]").ShouldBe(
            "<div class=\"transclusion\">\n<h1>Музыка</h1>\n<p>Вступление.</p>\n<h2>Звук и синтез</h2>\n<p>О звуке.</p>\n" +
            "<h3>Фильтры</h3>\n<p>Про фильтры.</p>\n<h2>Другое</h2>\n<p>Конец.</p>\n</div>");

    [Fact]
    public void Embed_NoteHeading_TranscludesThatSectionOnly() =>
        Vault.Html("![[Музыка#Звук и синтез]]").ShouldBe(
            "<div class=\"transclusion\">\n<h2>Звук и синтез</h2>\n<p>О звуке.</p>\n<h3>Фильтры</h3>\n<p>Про фильтры.</p>\n</div>");

    [Fact]
    public void Embed_NoteBlock_TranscludesThatBlockOnly() =>
        Vault.Html("![[Музыка#^zvuk]]").ShouldBe("<div class=\"transclusion\">\n<p>О звуке.</p>\n</div>");

    [Fact]
    public void Embed_NoteHeadingThatDoesNotExist_RendersMissingMarker() =>
        Vault.Html("![[Музыка#Нет такого]]").ShouldBe("<p><span class=\"missing-embed\">Музыка &gt; Нет такого</span></p>");

    [Fact]
    public void Embed_NoteInsideParagraph_SplitsTheParagraphAroundIt() =>
        Vault.Html("До ![[Музыка#^zvuk]] после").ShouldBe(
            "<p>До</p>\n<div class=\"transclusion\">\n<p>О звуке.</p>\n</div>\n<p>после</p>");

    [Fact]
    public void Embed_NoteInListItem_SitsInTheItem() =>
        Vault.Html("- ![[Музыка#^zvuk]]\n- два").ShouldBe(
            "<ul>\n<li><div class=\"transclusion\">\n<p>О звуке.</p>\n</div>\n</li>\n<li>два</li>\n</ul>");

    [Fact]
    public void Embed_UnpublishedNote_NeverShowsItsContent()
    {
        var result = Vault.Render("![[Draft]]");
        result.Html.TrimEnd().ShouldBe("<p><span class=\"unresolved-link\">Draft</span></p>");
        result.PlainText.ShouldNotContain("Секрет");
    }

    [Fact]
    public void Embed_NoteEmbeddingItself_RendersCycleMarker()
    {
        var links = new FakeNoteLinks().Note("Сам", "/notes/sam", "Я: ![[Сам]]");
        var self = links.ResolveNote("Сам")!;

        Vault.Renderer.Render("Я: ![[Сам]]", links, self).Html.TrimEnd()
            .ShouldBe("<p>Я: <span class=\"transclusion-cycle\">Сам</span></p>");
    }

    [Fact]
    public void Embed_Cycle_StopsAtTheNoteAlreadyBeingRendered()
    {
        var links = new FakeNoteLinks()
            .Note("A", "/notes/a", "a ![[B]]")
            .Note("B", "/notes/b", "b ![[A]]");

        Vault.Html("![[A]]", links).ShouldBe(
            "<div class=\"transclusion\">\n<p>a</p>\n<div class=\"transclusion\">\n<p>b <span class=\"transclusion-cycle\">A</span></p>\n</div>\n</div>");
    }

    [Fact]
    public void Embed_DeeperThanThreeLevels_BecomesALink()
    {
        var links = new FakeNoteLinks()
            .Note("N1", "/notes/n1", "1 ![[N2]]")
            .Note("N2", "/notes/n2", "2 ![[N3]]")
            .Note("N3", "/notes/n3", "3 ![[N4]]")
            .Note("N4", "/notes/n4", "4");

        Vault.Html("![[N1]]", links).ShouldBe(
            "<div class=\"transclusion\">\n<p>1</p>\n<div class=\"transclusion\">\n<p>2</p>\n<div class=\"transclusion\">\n" +
            "<p>3 <a href=\"/notes/n4\" class=\"internal-link\">N4</a></p>\n</div>\n</div>\n</div>");
        links.Loaded.ShouldBe(["n1", "n2", "n3"]);
    }

    [Fact]
    public void Embed_ManyTransclusions_StopLoadingAfterTheBudget()
    {
        var links = new FakeNoteLinks().Note("Leaf", "/notes/leaf", "leaf");
        var markdown = string.Concat(Enumerable.Repeat("![[Leaf]]\n\n", 60));

        var html = Vault.Html(markdown, links);

        links.Loaded.Count.ShouldBe(50);
        html.ShouldEndWith("<p><a href=\"/notes/leaf\" class=\"internal-link\">Leaf</a></p>");
    }

    [Fact]
    public void Embed_TranscludedNote_ResolvesItsLinksButReportsNothing()
    {
        var links = Vault.Create().Note("Обзор", "/notes/obzor", "# Обзор\n\nСм. [[Музыка]] #обзор");

        var result = Vault.Render("![[Обзор]]", links);

        result.Html.TrimEnd().ShouldBe(
            "<div class=\"transclusion\">\n<h1>Обзор</h1>\n<p>См. <a href=\"/notes/muzyka\" class=\"internal-link\">Музыка</a> " +
            "<a href=\"/tags/обзор\" class=\"tag\">#обзор</a></p>\n</div>");
        result.Headings.ShouldBeEmpty();
        result.Tags.ShouldBeEmpty();
        result.Links.ShouldBe([new LinkRef("Обзор", "обзор", true)]);
    }

    [Fact]
    public void Embed_SamePageLinkInTranscludedNote_PointsToThatNote()
    {
        var links = new FakeNoteLinks().Note("Гайд", "/notes/gaid", "[[#Шаг 2]]");

        Vault.Html("![[Гайд]]", links).ShouldBe(
            "<div class=\"transclusion\">\n<p><a href=\"/notes/gaid#шаг-2\" class=\"internal-link\">Шаг 2</a></p>\n</div>");
    }
}
