namespace Atelier.Tests.Publishing.Markdown;

public sealed class BlockSyntaxTests
{
    [Fact]
    public void CodeBlock_KeepsTheLanguageClass_AndItsContentLiteral() =>
        Vault.Html("```csharp\nvar s = \"[[Музыка]] #tag <b>\";\n```").ShouldBe(
            "<pre><code class=\"language-csharp\">var s = \"[[Музыка]] #tag &lt;b&gt;\";\n</code></pre>");

    [Fact]
    public void CodeBlock_Indented_IsCode() =>
        Vault.Html("    #tag [[Музыка]]").ShouldBe("<pre><code>#tag [[Музыка]]\n</code></pre>");

    [Fact]
    public void Mermaid_RendersPreForTheClient() =>
        Vault.Html("```mermaid\ngraph TD\n  A-->B<br>\n```").ShouldBe("<pre class=\"mermaid\">graph TD\n  A--&gt;B&lt;br&gt;\n</pre>");

    [Fact]
    public void Math_Inline_RendersEscapedTex() =>
        Vault.Html("Пусть $a<b$.").ShouldBe("<p>Пусть <span class=\"math\">\\(a&lt;b\\)</span>.</p>");

    [Fact]
    public void Math_Block_RendersEscapedTex() =>
        Vault.Html("$$\n\\frac{a}{b} < 1\n$$").ShouldBe("<div class=\"math\">\n\\[\n\\frac{a}{b} &lt; 1\n\\]</div>");

    [Fact]
    public void Table_KeepsColumnAlignment() =>
        Vault.Html("| Имя | Цена |\n|:---|---:|\n| Moog | 100 |").ShouldBe(
            "<table>\n<thead>\n<tr>\n<th style=\"text-align: left\">Имя</th>\n<th style=\"text-align: right\">Цена</th>\n</tr>\n</thead>\n" +
            "<tbody>\n<tr>\n<td style=\"text-align: left\">Moog</td>\n<td style=\"text-align: right\">100</td>\n</tr>\n</tbody>\n</table>");

    [Fact]
    public void TaskList_RendersDisabledCheckboxes() =>
        Vault.Html("- [ ] купить\n- [x] сделано").ShouldBe(
            "<ul class=\"contains-task-list\">\n<li class=\"task-list-item\"><input type=\"checkbox\" disabled> купить</li>\n" +
            "<li class=\"task-list-item\"><input type=\"checkbox\" disabled checked> сделано</li>\n</ul>");

    [Fact]
    public void Footnote_RendersReferenceAndNote() =>
        Vault.Html("Текст[^1].\n\n[^1]: Сноска.").ShouldBe(
            "<p>Текст<a id=\"fnref:1\" href=\"#fn:1\" class=\"footnote-ref\"><sup>1</sup></a>.</p>\n" +
            "<div class=\"footnotes\">\n<hr>\n<ol>\n<li id=\"fn:1\">\n<p>Сноска.<a href=\"#fnref:1\" class=\"footnote-back-ref\">↩</a></p>\n</li>\n</ol>\n</div>");

    [Fact]
    public void Autolink_GetsNoopenerAndNoTarget() =>
        Vault.Html("Сайт: https://example.com/путь").ShouldBe(
            "<p>Сайт: <a href=\"https://example.com/%D0%BF%D1%83%D1%82%D1%8C\" rel=\"noopener\">https://example.com/путь</a></p>");

    [Fact]
    public void Link_External_GetsNoopener() =>
        Vault.Html("[сайт](https://example.com)").ShouldBe("<p><a href=\"https://example.com\" rel=\"noopener\">сайт</a></p>");

    [Fact]
    public void Link_Relative_GetsNoRel() =>
        Vault.Html("[о нас](/about)").ShouldBe("<p><a href=\"/about\">о нас</a></p>");

    [Fact]
    public void Link_JavascriptUrl_LosesItsHref() =>
        Vault.Html("[клик](javascript:alert(1))").ShouldBe("<p><a>клик</a></p>");

    [Fact]
    public void RawHtml_IsSanitized() =>
        Vault.Html("<div onclick=\"alert(1)\" class=\"box\">Привет <script>alert(1)</script><b style=\"color:red\">мир</b></div>")
            .ShouldBe("<div class=\"box\">Привет <b>мир</b></div>");

    [Fact]
    public void RawHtml_IframeIsRemoved() =>
        Vault.Html("<iframe src=\"https://evil.example\"></iframe>\n\nТекст").ShouldBe("<p>Текст</p>");

    [Fact]
    public void WindowsLineEndings_RenderLikeUnixOnes() =>
        Vault.Html("---\r\ntitle: x\r\n---\r\n# Заголовок\r\n\r\nТекст %%скрыто\r\n%% [[Музыка]]\r\n")
            .ShouldBe(Vault.Html("# Заголовок\n\nТекст  [[Музыка]]\n"));

    [Fact]
    public void NestingTooDeepForMarkdig_RendersTheTextInstead()
    {
        var result = Vault.Render(new string('>', 5000) + " глубоко");
        result.Html.ShouldStartWith("<p>&gt;&gt;&gt;");
        result.Html.ShouldContain("глубоко");
    }
}
