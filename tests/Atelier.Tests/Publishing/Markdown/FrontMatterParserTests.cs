using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

public sealed class FrontMatterParserTests
{
    [Fact]
    public void Parse_ReadsEveryField_AndReturnsTheBodyAfterIt()
    {
        const string markdown = """
            ---
            title: "Музыка: заметки"
            tags:
              - Synth
              - "#Музыка"
            aliases: [Music, Звук]
            date: 2025-03-01 18:30
            publish: true
            draft: no
            cover: covers/moog.png
            summary: Коротко о синтезе.
            slug: muzyka
            featured: yes
            series: Синтез
            order: 3
            categories:
              - music/synths
              - " Music / Gear "
            ---
            # Тело
            """;

        var (frontMatter, body, error) = FrontMatterParser.Parse(markdown);

        error.ShouldBeNull();
        body.ShouldBe("# Тело");
        frontMatter.Title.ShouldBe("Музыка: заметки");
        frontMatter.Tags.ShouldBe(["synth", "музыка"]);
        frontMatter.Aliases.ShouldBe(["Music", "Звук"]);
        frontMatter.Date.ShouldBe(new DateTime(2025, 3, 1, 18, 30, 0, DateTimeKind.Utc));
        frontMatter.Publish.ShouldBe(true);
        frontMatter.Draft.ShouldBe(false);
        frontMatter.Cover.ShouldBe("covers/moog.png");
        frontMatter.Summary.ShouldBe("Коротко о синтезе.");
        frontMatter.Slug.ShouldBe("muzyka");
        frontMatter.Featured.ShouldBe(true);
        frontMatter.Series.ShouldBe("Синтез");
        frontMatter.Order.ShouldBe(3);
        frontMatter.Categories.ShouldBe(["music/synths", "Music/Gear"]);
    }

    [Fact]
    public void Parse_TagsAsCommaString_AreSplit() =>
        FrontMatterParser.Parse("---\ntags: Synth, idea music\n---\n").FrontMatter.Tags.ShouldBe(["synth", "idea", "music"]);

    [Fact]
    public void Parse_SingleTag_IsAList() =>
        FrontMatterParser.Parse("---\ntags: synth\n---\n").FrontMatter.Tags.ShouldBe(["synth"]);

    [Fact]
    public void Parse_SingleCategory_IsAList() =>
        FrontMatterParser.Parse("---\ncategory: music/synths\n---\n").FrontMatter.Categories.ShouldBe(["music/synths"]);

    [Fact]
    public void Parse_DateWithOffset_IsConvertedToUtc()
    {
        var date = FrontMatterParser.Parse("---\ndate: 2025-03-01T10:00:00+03:00\n---\n").FrontMatter.Date;
        date.ShouldBe(new DateTime(2025, 3, 1, 7, 0, 0, DateTimeKind.Utc));
        date!.Value.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData("date: завтра")]
    [InlineData("date: 03/01/2025")]
    [InlineData("order: third")]
    [InlineData("publish: maybe")]
    [InlineData("title: [a, b]")]
    public void Parse_ValueOfTheWrongShape_IsLeftNullWithoutError(string line)
    {
        var (frontMatter, _, error) = FrontMatterParser.Parse($"---\n{line}\n---\n");
        error.ShouldBeNull();
        (frontMatter.Date, frontMatter.Order, frontMatter.Publish, frontMatter.Title).ShouldBe((null, null, null, null));
    }

    [Fact]
    public void Parse_YamlError_IsReportedWithoutThrowing()
    {
        var (frontMatter, body, error) = FrontMatterParser.Parse("---\ntitle: Заметка\n  tags: a\n---\nТекст");

        frontMatter.ShouldBe(FrontMatter.Empty);
        body.ShouldBe("Текст");
        error.ShouldBe("Front matter, line 3: While scanning a plain scalar value, found invalid mapping.");
    }

    [Theory]
    [InlineData("title: [a, b")]
    [InlineData("title: \"unclosed")]
    [InlineData("title: x\n  bad: indent")]
    [InlineData("a: b: c")]
    [InlineData("*undefined")]
    public void Parse_MalformedYaml_IsReportedWithoutThrowing(string yaml)
    {
        var (frontMatter, body, error) = FrontMatterParser.Parse($"---\n{yaml}\n---\nТекст");
        frontMatter.ShouldBe(FrontMatter.Empty);
        body.ShouldBe("Текст");
        error.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(100_000, "[")]
    [InlineData(100_000, "{a: ")]
    [InlineData(20_000, "- ")]
    public void Parse_DeeplyNestedYaml_IsReportedWithoutOverflowingTheStack(int depth, string opener)
    {
        var yaml = "a: " + string.Concat(Enumerable.Repeat(opener, depth));
        var (frontMatter, _, error) = FrontMatterParser.Parse($"---\n{yaml}\n---\nТекст");
        frontMatter.ShouldBe(FrontMatter.Empty);
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Parse_DuplicateKey_IsReportedWithoutThrowing()
    {
        var (frontMatter, body, error) = FrontMatterParser.Parse("---\ntitle: a\ntitle: b\n---\nТекст");
        frontMatter.ShouldBe(FrontMatter.Empty);
        body.ShouldBe("Текст");
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Parse_NotAMapping_IsReported() =>
        FrontMatterParser.Parse("---\n- a\n- b\n---\nТекст").Error.ShouldNotBeNull();

    [Fact]
    public void Parse_NoFrontMatter_ReturnsTheWholeText() =>
        FrontMatterParser.Parse("# Заголовок\n---\nтекст").ShouldBe((FrontMatter.Empty, "# Заголовок\n---\nтекст", (string?)null));

    [Fact]
    public void Parse_Unclosed_IsOrdinaryText() =>
        FrontMatterParser.Parse("---\ntitle: x\nтекст").ShouldBe((FrontMatter.Empty, "---\ntitle: x\nтекст", (string?)null));

    [Fact]
    public void Parse_Empty_IsEmpty() =>
        FrontMatterParser.Parse("---\n---\nтекст").ShouldBe((FrontMatter.Empty, "текст", (string?)null));

    [Fact]
    public void Parse_WindowsLineEndingsAndBom_AreAccepted()
    {
        var (frontMatter, body, error) = FrontMatterParser.Parse("\uFEFF---\r\ntitle: Заметка\r\n---\r\nТекст\r\n");
        error.ShouldBeNull();
        frontMatter.Title.ShouldBe("Заметка");
        body.ShouldBe("Текст\r\n");
    }

    [Fact]
    public void Parse_NullValues_AreNull()
    {
        var frontMatter = FrontMatterParser.Parse("---\ntitle:\nsummary: ~\ntags:\n---\n").FrontMatter;
        frontMatter.Title.ShouldBeNull();
        frontMatter.Summary.ShouldBeNull();
        frontMatter.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void Render_RemovesFrontMatterFromTheBody_AndReportsErrors()
    {
        Vault.Html("---\ntitle: Заметка\n---\n# Тело").ShouldBe("<h1 id=\"тело\">Тело</h1>");

        var broken = Vault.Render("---\ntitle: [x\n---\nТело");
        broken.Html.TrimEnd().ShouldBe("<p>Тело</p>");
        broken.FrontMatter.ShouldBe(FrontMatter.Empty);
        broken.FrontMatterError.ShouldNotBeNull();
    }
}
