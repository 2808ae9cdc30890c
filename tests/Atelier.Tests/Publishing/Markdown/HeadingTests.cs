using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

public sealed class HeadingTests
{
    [Fact]
    public void Heading_Cyrillic_KeepsLettersInTheId() =>
        Vault.Html("## Музыка и звук").ShouldBe("<h2 id=\"музыка-и-звук\">Музыка и звук</h2>");

    [Fact]
    public void Heading_Punctuation_IsDroppedFromTheId() =>
        Vault.Html("# Hello, World! (C++ & Rust) — 2024").ShouldBe("<h1 id=\"hello-world-c-rust-2024\">Hello, World! (C++ &amp; Rust) — 2024</h1>");

    [Fact]
    public void Heading_Duplicates_GetNumberedIds()
    {
        var result = Vault.Render("## Итоги\n\n## Итоги\n\n## Итоги");
        result.Html.TrimEnd().ShouldBe("<h2 id=\"итоги\">Итоги</h2>\n<h2 id=\"итоги-1\">Итоги</h2>\n<h2 id=\"итоги-2\">Итоги</h2>");
    }

    [Fact]
    public void Heading_OnlyPunctuation_GetsAFallbackId() =>
        Vault.Html("## ???").ShouldBe("<h2 id=\"section\">???</h2>");

    [Fact]
    public void Headings_ListLevelTextAndId_InOrder()
    {
        var result = Vault.Render("# Обзор\n\nтекст\n\n## Про **синтез** и [[Музыка|музыку]]\n\n### Итоги\n\n## Итоги");
        result.Headings.ShouldBe([
            new Heading(1, "Обзор", "обзор"),
            new Heading(2, "Про синтез и музыку", "про-синтез-и-музыку"),
            new Heading(3, "Итоги", "итоги"),
            new Heading(2, "Итоги", "итоги-1"),
        ]);
    }

    [Fact]
    public void Heading_LinkFromAnotherNote_UsesTheSameId()
    {
        var id = Vault.Render("## Звук и синтез").Headings[0].Id;
        Vault.Html("[[Музыка#Звук и синтез]]").ShouldContain($"href=\"/notes/muzyka#{id}\"");
    }
}
