namespace Atelier.Tests.Publishing.Markdown;

public sealed class CalloutTests
{
    [Fact]
    public void Callout_WithTitle_RendersDivWithTitleAndContent() =>
        Vault.Html("> [!note] Важно\n> Текст заметки.").ShouldBe(
            "<div class=\"callout callout-note\"><div class=\"callout-title\">Важно</div><div class=\"callout-content\">\n" +
            "<p>Текст заметки.</p>\n</div></div>");

    [Fact]
    public void Callout_WithoutTitle_UsesTheCapitalisedType() =>
        Vault.Html("> [!tip]\n> Совет.").ShouldBe(
            "<div class=\"callout callout-tip\"><div class=\"callout-title\">Tip</div><div class=\"callout-content\">\n" +
            "<p>Совет.</p>\n</div></div>");

    [Fact]
    public void Callout_FoldedOpen_RendersOpenDetails() =>
        Vault.Html("> [!faq]+ Вопрос?\n> Ответ.").ShouldBe(
            "<details class=\"callout callout-faq\" open><summary class=\"callout-title\">Вопрос?</summary><div class=\"callout-content\">\n" +
            "<p>Ответ.</p>\n</div></details>");

    [Fact]
    public void Callout_FoldedClosed_RendersClosedDetails() =>
        Vault.Html("> [!warning]- Осторожно\n> Подробности.").ShouldBe(
            "<details class=\"callout callout-warning\"><summary class=\"callout-title\">Осторожно</summary><div class=\"callout-content\">\n" +
            "<p>Подробности.</p>\n</div></details>");

    [Fact]
    public void Callout_TypeIsLowerCasedAndRestrictedToLettersAndDashes() =>
        Vault.Html("> [!My_Type\"onclick=x]\n> x").ShouldStartWith(
            "<div class=\"callout callout-mytypeonclickx\"><div class=\"callout-title\">My_type\"onclick=x</div>");

    [Fact]
    public void Callout_TitleKeepsInlineMarkdown() =>
        Vault.Html("> [!info] Про *синтез* и [[Музыка]]\n> x").ShouldStartWith(
            "<div class=\"callout callout-info\"><div class=\"callout-title\">Про <em>синтез</em> и " +
            "<a href=\"/notes/muzyka\" class=\"internal-link\">Музыка</a></div>");

    [Fact]
    public void Callout_WithOnlyATitle_HasNoContent() =>
        Vault.Html("> [!quote] Цитата").ShouldBe(
            "<div class=\"callout callout-quote\"><div class=\"callout-title\">Цитата</div></div>");

    [Fact]
    public void Callout_ContentKeepsBlocks() =>
        Vault.Html("> [!example] Пример\n>\n> - один\n> - два").ShouldBe(
            "<div class=\"callout callout-example\"><div class=\"callout-title\">Пример</div><div class=\"callout-content\">\n" +
            "<ul>\n<li>один</li>\n<li>два</li>\n</ul>\n</div></div>");

    [Fact]
    public void Callout_NestedInCallout_RendersBoth() =>
        Vault.Html("> [!note] Внешний\n> > [!tip] Внутренний\n> > текст").ShouldBe(
            "<div class=\"callout callout-note\"><div class=\"callout-title\">Внешний</div><div class=\"callout-content\">\n" +
            "<div class=\"callout callout-tip\"><div class=\"callout-title\">Внутренний</div><div class=\"callout-content\">\n" +
            "<p>текст</p>\n</div></div>\n</div></div>");

    [Fact]
    public void Blockquote_WithoutMarker_StaysABlockquote() =>
        Vault.Html("> Просто [!note] цитата").ShouldBe("<blockquote>\n<p>Просто [!note] цитата</p>\n</blockquote>");
}
