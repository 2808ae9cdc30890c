using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

public sealed class RenderResultTests
{
    [Fact]
    public void PlainText_IsTheVisibleTextWithBlocksSeparated()
    {
        var result = Vault.Render("# Заголовок\n\nПервый **абзац** со [[Музыка|ссылкой]].\n\n- пункт\n- ещё\n\nСноска[^1]\n\n[^1]: Текст сноски.");
        result.PlainText.ShouldBe("Заголовок Первый абзац со ссылкой. пункт ещё Сноска Текст сноски.");
    }

    [Fact]
    public void PlainText_LeavesOutMarkupCommentsAndScripts() =>
        Vault.Render("Видно %%нет%% <script>alert(1)</script>\n\n<b>жирно</b>").PlainText.ShouldBe("Видно жирно");

    [Fact]
    public void WordCount_CountsWordsInAnyScript() =>
        Vault.Render("Привет, мир! Hello — world 2025 г. … ツ").WordCount.ShouldBe(7);

    [Fact]
    public void WordCount_OfEmptyNote_IsZero()
    {
        var result = Vault.Render("---\ntitle: x\n---\n");
        result.Html.ShouldBeEmpty();
        result.PlainText.ShouldBeEmpty();
        result.WordCount.ShouldBe(0);
    }

    [Fact]
    public void Render_IsThreadSafe()
    {
        var markdown = "# Заголовок\n\n[[Музыка]] ![[Музыка#Звук и синтез]] #тег\n\n> [!note] x\n> y";
        var expected = Vault.Render(markdown);

        var results = new RenderResult[64];
        Parallel.For(0, results.Length, i => results[i] = Vault.Render(markdown));

        foreach (var result in results)
        {
            result.Html.ShouldBe(expected.Html);
            result.Tags.ShouldBe(expected.Tags);
            result.Links.ShouldBe(expected.Links);
            result.Headings.ShouldBe(expected.Headings);
        }
    }
}
