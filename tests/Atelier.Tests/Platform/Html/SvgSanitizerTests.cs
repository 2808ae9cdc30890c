using System.Text;
using System.Xml.Linq;
using Atelier.Platform.Html;
using Atelier.Tests.Media;

namespace Atelier.Tests.Platform.Html;

public sealed class SvgSanitizerTests
{
    private const string Svg = "http://www.w3.org/2000/svg";

    private static string? Sanitize(string svg) => SvgSanitizer.Sanitize(Encoding.UTF8.GetBytes(svg)) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static string Wrap(string inner) =>
        $"<svg xmlns=\"{Svg}\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 100 100\">{inner}</svg>";

    [Fact]
    public void BenignDrawing_SurvivesIntact()
    {
        const string drawing = """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="120" viewBox="0 0 200 120">
              <title>Logo</title>
              <defs>
                <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0%" stop-color="#3af"/>
                  <stop offset="100%" stop-color="#fff" stop-opacity="0.5"/>
                </linearGradient>
                <radialGradient id="sun" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="gold"/></radialGradient>
                <clipPath id="clip"><rect width="200" height="120" rx="12"/></clipPath>
                <filter id="blur"><feGaussianBlur stdDeviation="2"/></filter>
              </defs>
              <g clip-path="url(#clip)" transform="translate(0 0)">
                <rect width="200" height="120" fill="url(#sky)"/>
                <circle cx="150" cy="40" r="20" fill="url('#sun')" filter="url(#blur)"/>
                <path d="M0 100 L50 60 L90 90 L140 50 L200 100 Z" fill="#2a5" stroke="#153" stroke-width="2" stroke-linejoin="round"/>
                <use xlink:href="#mark" x="10" y="10"/>
                <use href="#mark" x="30" y="10"/>
              </g>
              <symbol id="mark" viewBox="0 0 10 10"><polygon points="5,0 10,10 0,10"/></symbol>
              <style>.label { font-family: serif; fill: #333; }</style>
              <text x="10" y="115" class="label" font-size="12">Atelier &amp; friends <tspan font-weight="bold">ü</tspan></text>
            </svg>
            """;

        var result = Sanitize(drawing);

        result.ShouldNotBeNull();
        Canonical(result).ShouldBe(Canonical(drawing));
    }

    [Fact]
    public void ScriptElement_IsRemoved()
    {
        var result = Sanitize(Wrap("<script>alert(1)</script><script type=\"text/javascript\"><![CDATA[ alert(2) ]]></script><rect width=\"5\" height=\"5\"/>"));

        result.ShouldNotBeNull();
        result.ShouldNotContain("script");
        result.ShouldNotContain("alert");
        result.ShouldContain("<rect width=\"5\" height=\"5\" />");
    }

    [Fact]
    public void EventHandlers_AreRemoved()
    {
        var result = Sanitize($"<svg xmlns=\"{Svg}\" onload=\"alert(1)\"><circle r=\"4\" onclick=\"x()\" OnMouseOver=\"y()\" fill=\"red\"/></svg>");

        result.ShouldNotBeNull();
        result.ShouldNotContain("on", Case.Insensitive);
        result.ShouldContain("fill=\"red\"");
    }

    [Theory]
    [InlineData("<a href=\"javascript:alert(1)\"><rect width=\"5\" height=\"5\"/></a>")]
    [InlineData("<a xlink:href=\" JaVa&#x09;Script:alert(1)\"><rect width=\"5\" height=\"5\"/></a>")]
    [InlineData("<use href=\"javascript:alert(1)\"/><rect width=\"5\" height=\"5\"/>")]
    [InlineData("<rect width=\"5\" height=\"5\" fill=\"javascript:alert(1)\"/>")]
    public void JavascriptUrls_AreRemoved(string inner)
    {
        var result = Sanitize(Wrap(inner));

        result.ShouldNotBeNull();
        result.ShouldNotContain("javascript", Case.Insensitive);
        result.ShouldNotContain("alert");
        result.ShouldContain("<rect width=\"5\" height=\"5\"");
    }

    [Theory]
    [InlineData("<image href=\"https://evil.example/track.png\" width=\"10\" height=\"10\"/>")]
    [InlineData("<image xlink:href=\"//evil.example/track.png\" width=\"10\" height=\"10\"/>")]
    [InlineData("<use href=\"http://evil.example/sprites.svg#icon\"/>")]
    [InlineData("<use xlink:href=\"/etc/passwd#x\"/>")]
    [InlineData("<image href=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\" width=\"10\" height=\"10\"/>")]
    [InlineData("<feImage href=\"file:///etc/passwd\"/>")]
    public void ExternalReferences_AreRemoved(string inner)
    {
        var result = Sanitize(Wrap(inner));

        result.ShouldNotBeNull();
        result.ShouldNotContain("href");
        result.ShouldNotContain("evil");
        result.ShouldNotContain("passwd");
    }

    [Fact]
    public void EmbeddedRasterImage_IsKept()
    {
        const string png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

        var result = Sanitize(Wrap($"<image href=\"{png}\" width=\"10\" height=\"10\"/>"));

        result.ShouldNotBeNull();
        result.ShouldContain($"href=\"{png}\"");
    }

    [Theory]
    [InlineData("<rect width=\"5\" height=\"5\" style=\"fill: url(https://evil.example/x)\"/>")]
    [InlineData("<rect width=\"5\" height=\"5\" fill=\"url(http://evil.example/x#g)\"/>")]
    [InlineData("<rect width=\"5\" height=\"5\" style=\"background: u\\72l(//evil.example/x)\"/>")]
    public void StyleAttributes_ReachingOutside_AreRemoved(string inner)
    {
        var result = Sanitize(Wrap(inner));

        result.ShouldNotBeNull();
        result.ShouldNotContain("evil");
        result.ShouldContain("<rect width=\"5\" height=\"5\" />");
    }

    [Theory]
    [InlineData("<style>@import url(https://evil.example/x.css);</style>")]
    [InlineData("<style>rect { fill: url(\"https://evil.example/p.png\") }</style>")]
    [InlineData("<style><![CDATA[ @IMPORT 'https://evil.example/x.css'; ]]></style>")]
    public void StyleElements_ReachingOutside_AreRemoved(string inner)
    {
        var result = Sanitize(Wrap(inner + "<rect width=\"5\" height=\"5\"/>"));

        result.ShouldNotBeNull();
        result.ShouldNotContain("evil");
        result.ShouldNotContain("style");
        result.ShouldContain("<rect");
    }

    [Fact]
    public void ForeignObject_IsRemovedWithItsContent()
    {
        var result = Sanitize(Wrap(
            "<foreignObject width=\"100\" height=\"100\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><iframe src=\"https://evil.example\"></iframe>text</div></foreignObject><rect width=\"5\" height=\"5\"/>"));

        result.ShouldNotBeNull();
        result.ShouldNotContain("foreignObject");
        result.ShouldNotContain("iframe");
        result.ShouldNotContain("evil");
        result.ShouldContain("<rect");
    }

    [Fact]
    public void AnimationSettingALink_IsRemoved()
    {
        var result = Sanitize(Wrap(
            "<a><set attributeName=\"href\" to=\"javascript:alert(1)\"/><animate attributeName=\"xlink:href\" values=\"javascript:alert(1)\"/><text>click</text></a>" +
            "<circle r=\"5\"><animate attributeName=\"r\" values=\"5;10;5\" dur=\"2s\" repeatCount=\"indefinite\"/></circle>"));

        result.ShouldNotBeNull();
        result.ShouldNotContain("javascript");
        result.ShouldNotContain("<set");
        result.ShouldContain("<animate attributeName=\"r\" values=\"5;10;5\" dur=\"2s\" repeatCount=\"indefinite\" />");
        result.ShouldContain("<text>click</text>");
    }

    [Fact]
    public void BillionLaughs_IsRefused()
    {
        const string bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE svg [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
            ]>
            <svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>
            """;

        Sanitize(bomb).ShouldBeNull();
    }

    [Fact]
    public void ExternalEntity_IsRefused() =>
        Sanitize("<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&xxe;</text></svg>")
            .ShouldBeNull();

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><rect></svg>")]
    [InlineData("<html><body>not an image</body></html>")]
    [InlineData("<svg xmlns=\"http://example.com/not-svg\"/>")]
    [InlineData("plain text")]
    [InlineData("")]
    public void NotAnSvgDocument_IsRefused(string input) => Sanitize(input).ShouldBeNull();

    [Fact]
    public async Task FixtureWithScript_IsDefused()
    {
        var bytes = await File.ReadAllBytesAsync(await MediaFixtures.SvgWithScriptAsync(), TestContext.Current.CancellationToken);

        var result = SvgSanitizer.Sanitize(bytes);

        result.ShouldNotBeNull();
        var text = Encoding.UTF8.GetString(result);
        text.ShouldNotContain("script", Case.Insensitive);
        text.ShouldNotContain("onload");
        text.ShouldNotContain("onclick");
        text.ShouldContain("fill=\"teal\"");
        text.ShouldContain("fill=\"orange\"");
    }

    /// <summary>Elements, attributes and text, ignoring formatting and namespace declarations.</summary>
    private static string Canonical(string svg)
    {
        var root = XElement.Parse(svg);
        var sb = new StringBuilder();
        Append(root);
        return sb.ToString();

        void Append(XElement e)
        {
            sb.Append('<').Append(e.Name.LocalName);
            foreach (var a in e.Attributes().Where(a => !a.IsNamespaceDeclaration).OrderBy(a => a.Name.ToString(), StringComparer.Ordinal))
            {
                sb.Append(' ').Append(a.Name.LocalName).Append("=\"").Append(a.Value).Append('"');
            }

            sb.Append('>');
            foreach (var node in e.Nodes())
            {
                if (node is XElement child)
                {
                    Append(child);
                }
                else if (node is XText text && !string.IsNullOrWhiteSpace(text.Value))
                {
                    sb.Append(text.Value.Trim());
                }
            }

            sb.Append("</").Append(e.Name.LocalName).Append('>');
        }
    }
}
