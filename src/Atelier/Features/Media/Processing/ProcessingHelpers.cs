using Atelier.Platform.Processes;

namespace Atelier.Features.Media.Processing;

/// <summary>Small pieces the processors share.</summary>
internal static class ProcessingHelpers
{
    /// <summary>
    /// A tool's last error line, fit to show a user: the server's paths replaced by the uploaded file's name.
    /// </summary>
    public static string Detail(ExternalToolResult result, ProcessingInput input)
    {
        var line = result.ErrorLine
            .Replace(Path.GetFullPath(input.FilePath), input.FileName, StringComparison.Ordinal)
            .Replace(input.FilePath, input.FileName, StringComparison.Ordinal)
            .Replace(Path.GetFullPath(input.WorkDir), string.Empty, StringComparison.Ordinal);
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    public static string TookTooLong(string what, TimeSpan timeout) =>
        $"Processing the {what} took longer than {Describe(timeout)}, so it was stopped; the file is too large or too complex.";

    private static string Describe(TimeSpan t) => t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes)
        ? $"{t.TotalMinutes:0} minute{(t.TotalMinutes == 1 ? "" : "s")}"
        : $"{t.TotalSeconds:0.#} seconds";

    /// <summary>The size of a file in bytes, for metadata.</summary>
    public static long Size(string path) => new FileInfo(path).Length;

    public static double Round(double value, int digits = 3) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    /// <summary>Deletes a scratch file of a run; the work folder is deleted afterwards anyway.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
