using Atelier.Features.Publishing;

namespace Atelier.Tests.Publishing;

public sealed class PostImagesTests
{
    [Theory]
    [InlineData("89504E470D0A1A0A0000000D", "image/png", ".png")]
    [InlineData("FFD8FFE000104A4649460001", "image/jpeg", ".jpg")]
    [InlineData("474946383961010001000000", "image/gif", ".gif")]
    [InlineData("474946383761010001000000", "image/gif", ".gif")]
    [InlineData("524946462400000057454250", "image/webp", ".webp")]
    public void Sniff_KnowsImagesByTheirFirstBytes(string hex, string type, string extension) =>
        PostImages.Sniff(Convert.FromHexString(hex)).ShouldBe((type, extension));

    [Theory]
    [InlineData("3C7376672076696577426F78")] // <svg viewBox: may carry script
    [InlineData("255044462D312E370A25E2E3")] // a PDF
    [InlineData("524946462400000057415645")] // RIFF, but WAVE audio
    [InlineData("89504E47")] // too short to be a PNG
    [InlineData("")]
    public void Sniff_RefusesEverythingElse(string hex) => PostImages.Sniff(Convert.FromHexString(hex)).ShouldBeNull();

    [Theory]
    [InlineData("Screen Shot 2026-01-02 at 10.00.00.png", ".png", "screen-shot-2026-01-02-at-10-00-00.png")]
    [InlineData("../../etc/passwd", ".png", "passwd.png")]
    [InlineData("C:\\Users\\me\\Фото.JPG", ".jpg", "фото.jpg")]
    [InlineData("!!!.gif", ".gif", "image.gif")]
    [InlineData(null, ".webp", "image.webp")]
    [InlineData("cat.exe", ".png", "cat.png")]
    public void CleanFileName_KeepsNoPath_AndTheDetectedExtension(string? name, string extension, string expected) =>
        PostImages.CleanFileName(name, extension).ShouldBe(expected);
}
