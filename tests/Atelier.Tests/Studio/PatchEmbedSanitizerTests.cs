using Atelier.Platform.Html;

namespace Atelier.Tests.Studio;

/// <summary>The sanitizer lets exactly the studio's embed iframe through, rebuilt with fixed attributes, and no other.</summary>
public sealed class PatchEmbedSanitizerTests
{
    private const string Embed = "<iframe class=\"embed-patch\" src=\"/embed/patch/drone\" loading=\"lazy\" title=\"Studio patch drone\" allow=\"autoplay; midi\"></iframe>";

    [Fact]
    public void ThePatchEmbed_SurvivesAsIs() => HtmlSanitizer.Sanitize(Embed).ShouldBe(Embed);

    [Fact]
    public void ExtraAttributes_AreDropped_AndTheAllowListIsFixed() =>
        HtmlSanitizer.Sanitize("<iframe class=\"embed-patch\" src=\"/embed/patch/drone\" title=\"x\" onload=\"alert(1)\" allow=\"camera; microphone\" srcdoc=\"<script>alert(1)</script>\" sandbox=\"\">inner</iframe>")
            .ShouldBe("<iframe class=\"embed-patch\" src=\"/embed/patch/drone\" loading=\"lazy\" title=\"x\" allow=\"autoplay; midi\"></iframe>");

    [Theory]
    [InlineData("<iframe class=\"embed-patch\" src=\"https://evil.example/embed/patch/x\"></iframe>")]
    [InlineData("<iframe class=\"embed-patch\" src=\"//evil.example/embed/patch/x\"></iframe>")]
    [InlineData("<iframe class=\"embed-patch\" src=\"javascript:alert(1)\"></iframe>")]
    [InlineData("<iframe class=\"embed-patch\" src=\"/embed/patch/../../admin\"></iframe>")]
    [InlineData("<iframe class=\"embed-patch\" src=\"/embed/patch/x?y=1\"></iframe>")]
    [InlineData("<iframe class=\"embed-patch other\" src=\"/embed/patch/x\"></iframe>")]
    [InlineData("<iframe src=\"/embed/patch/x\"></iframe>")]
    [InlineData("<iframe class=\"embed-patch\" src=\"/admin\"></iframe>")]
    public void AnyOtherIframe_IsRemovedWithItsContent(string html) =>
        HtmlSanitizer.Sanitize("<p>a</p>" + html + "<p>b</p>").ShouldBe("<p>a</p><p>b</p>");

    [Fact]
    public void TheTitle_IsEscaped() =>
        HtmlSanitizer.Sanitize("<iframe class=\"embed-patch\" src=\"/embed/patch/x\" title=\"&quot;><script>alert(1)</script>\"></iframe>")
            .ShouldBe("<iframe class=\"embed-patch\" src=\"/embed/patch/x\" loading=\"lazy\" title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" allow=\"autoplay; midi\"></iframe>");
}
