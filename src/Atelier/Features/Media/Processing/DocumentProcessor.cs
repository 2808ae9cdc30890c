using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Atelier.Features.Media.Processing.ProcessingHelpers;

namespace Atelier.Features.Media.Processing;

/// <summary>
/// PDF: the file must start like a PDF and end like one (a truncated upload is refused); its version and an
/// approximate page count are read without a PDF library. The original is what is served.
/// </summary>
internal sealed partial class DocumentProcessor : IMediaProcessor
{
    /// <summary>Files up to this size are searched whole, including compressed object streams, for page objects.</summary>
    internal const int MaxScannedBytes = 64 * 1024 * 1024;

    /// <summary>A compressed object stream is inflated up to this size (and no further: a zip bomb stays small).</summary>
    internal const int MaxInflatedBytes = 16 * 1024 * 1024;

    public MediaKind Kind => MediaKind.Document;

    public async Task<ProcessingResult> ProcessAsync(ProcessingInput input, CancellationToken ct)
    {
        await using var file = new FileStream(input.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        var head = new byte[16];
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var header = PdfHeader().Match(Encoding.Latin1.GetString(head, 0, read));
        if (!header.Success)
        {
            return ProcessingResult.Failed("The file is not a PDF: it does not start with %PDF-.");
        }

        var tail = new byte[(int)Math.Min(1024, file.Length)];
        file.Position = file.Length - tail.Length;
        await file.ReadExactlyAsync(tail, ct);
        if (tail.AsSpan().IndexOf("%%EOF"u8) < 0)
        {
            return ProcessingResult.Failed("The PDF is truncated: it does not end with %%EOF, so part of it is missing. Upload it again.");
        }

        var metadata = new JsonObject
        {
            ["pdfVersion"] = header.Groups[1].Value,
            ["size"] = file.Length,
        };
        file.Position = 0;
        var pages = file.Length <= MaxScannedBytes ? await CountPagesAsync(file, ct) : await CountPagesStreamingAsync(file, ct);
        if (pages > 0)
        {
            metadata["pages"] = pages;
        }

        return new ProcessingResult(metadata, [], []);
    }

    /// <summary>
    /// An approximation, not a PDF parser: counts page objects ("/Type /Page", not "/Pages") in the file and in its
    /// Flate-compressed object streams (where PDF 1.5+ writers put them). Incremental updates that rewrite a page, or
    /// pages in streams compressed otherwise, make it off; a reader's count is the truth.
    /// </summary>
    private static async Task<int> CountPagesAsync(FileStream file, CancellationToken ct)
    {
        var bytes = new byte[file.Length];
        await file.ReadExactlyAsync(bytes, ct);
        var text = Encoding.Latin1.GetString(bytes);
        var pages = PageObject().Count(text);
        byte[]? inflated = null;
        var at = 0;
        while ((at = text.IndexOf("stream", at, StringComparison.Ordinal)) >= 0)
        {
            ct.ThrowIfCancellationRequested();
            var keyword = at;
            at += "stream".Length;
            if (keyword >= 3 && string.CompareOrdinal(text, keyword - 3, "end", 0, 3) == 0)
            {
                continue;
            }

            // The stream's dictionary ends right before the keyword and starts after its "N 0 obj".
            var close = keyword - 1;
            while (close >= 0 && char.IsWhiteSpace(text[close]))
            {
                close--;
            }

            if (close < 1 || text[close] != '>' || text[close - 1] != '>')
            {
                continue;
            }

            var open = text.LastIndexOf("obj", close, Math.Min(close + 1, 4096), StringComparison.Ordinal);
            if (open < 0)
            {
                continue;
            }

            var dictionary = text.AsSpan(open, close - open);
            if (!dictionary.Contains("/ObjStm", StringComparison.Ordinal) || !dictionary.Contains("/FlateDecode", StringComparison.Ordinal)
                || dictionary.Contains("/DecodeParms", StringComparison.Ordinal))
            {
                continue;
            }

            var end = text.IndexOf("endstream", at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            inflated ??= new byte[MaxInflatedBytes];
            pages += PageObject().Count(Inflate(bytes.AsSpan(at, end - at), inflated));
            at = end + "endstream".Length;
        }

        return pages;
    }

    /// <summary>For very large files: only uncompressed page objects, read in overlapping blocks.</summary>
    private static async Task<int> CountPagesStreamingAsync(FileStream file, CancellationToken ct)
    {
        const int overlap = 64;
        var buffer = new byte[1024 * 1024 + overlap];
        var kept = 0;
        var pages = 0;
        int read;
        while ((read = await file.ReadAsync(buffer.AsMemory(kept, buffer.Length - kept), ct)) > 0)
        {
            var length = kept + read;
            var text = Encoding.Latin1.GetString(buffer, 0, length);

            // A match is counted in the block where it starts before the overlap, so none is counted twice.
            var limit = length - overlap;
            pages += PageObject().Matches(text).Count(m => m.Index < limit || file.Position == file.Length);
            kept = Math.Min(overlap, length);
            Buffer.BlockCopy(buffer, length - kept, buffer, 0, kept);
            if (file.Position == file.Length)
            {
                break;
            }
        }

        return pages;
    }

    private static string Inflate(ReadOnlySpan<byte> data, byte[] output)
    {
        // The stream data starts after the end-of-line that follows the "stream" keyword.
        if (data.StartsWith("\r\n"u8))
        {
            data = data[2..];
        }
        else if (data.Length > 0 && data[0] is (byte)'\n' or (byte)'\r')
        {
            data = data[1..];
        }

        try
        {
            using var compressed = new MemoryStream(data.ToArray());
            using var z = new ZLibStream(compressed, CompressionMode.Decompress);
            var n = z.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            return Encoding.Latin1.GetString(output, 0, n);
        }
        catch (InvalidDataException)
        {
            return string.Empty;
        }
    }

    [GeneratedRegex(@"^%PDF-(\d\.\d)")]
    private static partial Regex PdfHeader();

    [GeneratedRegex(@"/Type\s*/Page(?![A-Za-z0-9#_.-])")]
    private static partial Regex PageObject();
}
