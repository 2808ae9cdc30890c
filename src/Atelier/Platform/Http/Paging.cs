using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Atelier.Platform.Http;

/// <summary>One page of a keyset-paged list. Pass <see cref="NextCursor"/> back as <c>cursor</c> for the next page; null means the end.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Query parameters of every list: an opaque cursor and a page size of 1–100 (default 20).</summary>
public sealed record PageRequest
{
    public const int MaxLimit = 100;

    public string? Cursor { get; init; }

    [Range(1, MaxLimit)]
    public int? Limit { get; init; }

    public int Take => Limit ?? 20;
}

/// <summary>
/// Keyset cursors: the sort key of the last item seen plus its id as a tie-breaker, encoded opaquely.
/// Lists order by (key, id) and ask for rows strictly after the cursor, so pages stay stable while rows are added.
/// </summary>
public static class Keyset
{
    public static string Encode(DateTime key, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{key.ToUniversalTime().Ticks}:{id:N}"));

    /// <summary>The answer to a cursor that is not one of ours.</summary>
    public static ProblemHttpResult InvalidCursor() =>
        TypedResults.Problem(statusCode: 400, title: "The cursor is not valid.", detail: "Pass back nextCursor from the previous page.");

    /// <summary>
    /// Reads a list's optional cursor: true with a null position when none was given, true with the position when it is
    /// one of ours, false otherwise (answer <see cref="InvalidCursor"/>).
    /// </summary>
    public static bool TryRead(string? cursor, out (DateTime Key, Guid Id)? position)
    {
        position = null;
        if (cursor is null)
        {
            return true;
        }
        if (!TryDecode(cursor, out var key, out var id))
        {
            return false;
        }
        position = (key, id);
        return true;
    }

    /// <summary>Decodes a cursor; false for anything that is not one of ours (the caller answers 400).</summary>
    public static bool TryDecode(string? cursor, out DateTime key, out Guid id)
    {
        key = default;
        id = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 100)
        {
            return false;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var parts = text.Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks
                || !Guid.TryParseExact(parts[1], "N", out id))
            {
                return false;
            }
            key = new DateTime(ticks, DateTimeKind.Utc);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Builds the page from rows fetched with <c>Take(limit + 1)</c>: the extra row only says another page exists.</summary>
    public static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, (DateTime Key, Guid Id)> keyOf)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }
        rows.RemoveAt(rows.Count - 1);
        var (key, id) = keyOf(rows[^1]);
        return new Page<T>(rows, Encode(key, id));
    }
}
