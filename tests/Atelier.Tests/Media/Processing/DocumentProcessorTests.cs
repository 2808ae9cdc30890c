using System.IO.Compression;
using System.Text;
using Atelier.Features.Media.Processing;

namespace Atelier.Tests.Media.Processing;

public sealed class DocumentProcessorTests
{
    private static readonly DocumentProcessor Processor = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pdf_HasItsVersionAndPages()
    {
        var path = await MediaFixtures.PdfAsync();

        var result = await Processor.ProcessAsync(MediaFixtures.Input(path, "application/pdf"), Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
        ((string)result.Metadata["pdfVersion"]!).ShouldBe("1.4");
        ((int)result.Metadata["pages"]!).ShouldBe(2);
        ((long)result.Metadata["size"]!).ShouldBe(new FileInfo(path).Length);
    }

    [Fact]
    public async Task TruncatedPdf_Fails()
    {
        var bytes = await File.ReadAllBytesAsync(await MediaFixtures.PdfAsync(), Ct);

        var result = await ProcessBytesAsync(bytes[..(bytes.Length * 2 / 3)]);

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldStartWith("The PDF is truncated");
    }

    [Fact]
    public async Task NotAPdf_Fails()
    {
        var result = await ProcessBytesAsync(await File.ReadAllBytesAsync(await MediaFixtures.ExeRenamedJpgAsync(), Ct));

        result.Failure.ShouldBe("The file is not a PDF: it does not start with %PDF-.");
    }

    [Fact]
    public async Task PagesInCompressedObjectStreams_AreCounted()
    {
        // PDF 1.5 writers keep page objects in Flate-compressed object streams, invisible to a plain text search.
        var objects = "3 0 4 80 5 160 << /Type /Page /Parent 2 0 R >> << /Type /Page /Parent 2 0 R >> << /Type /Page/Parent 2 0 R >>";
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(Encoding.Latin1.GetBytes(objects));
        }

        using var pdf = new MemoryStream();
        pdf.Write(Encoding.Latin1.GetBytes("%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count 3 >>\nendobj\n"));
        pdf.Write(Encoding.Latin1.GetBytes($"6 0 obj\n<< /Type /ObjStm /N 3 /First 18 /Filter /FlateDecode /Length {compressed.Length} >>\nstream\n"));
        pdf.Write(compressed.ToArray());
        pdf.Write(Encoding.Latin1.GetBytes("\nendstream\nendobj\nstartxref\n0\n%%EOF\n"));

        var result = await ProcessBytesAsync(pdf.ToArray());

        result.Failure.ShouldBeNull();
        ((string)result.Metadata["pdfVersion"]!).ShouldBe("1.5");
        ((int)result.Metadata["pages"]!).ShouldBe(3);
    }

    private static async Task<ProcessingResult> ProcessBytesAsync(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(path, bytes, Ct);
        try
        {
            return await Processor.ProcessAsync(MediaFixtures.Input(path, "application/pdf"), Ct);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
